"""Reports for county administrators: aggregates kept at ingest, pages, exports, jobs."""
