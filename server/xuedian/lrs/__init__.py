"""An xAPI 2.0 (and 1.0.3) Learning Record Store at ``/xapi/`` (docs/lrs.md)."""
