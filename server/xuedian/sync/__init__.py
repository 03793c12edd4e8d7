"""Devices, learning records and their ingest: the sync protocol (docs/protocol.md)."""
