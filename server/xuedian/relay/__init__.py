"""The village kiosk relay: a Xuedian instance in relay mode at a learning point.

It mirrors the county's signed catalog and pack archives (verified against county keys
pinned at first contact), serves a no-JavaScript LAN page where phones download archives
and upload ``.xdsync`` bundles, keeps those bundles in its own outbox and forwards them when
the county answers, then brings back each device's signed ``.xdack``. Everything it owns
lives in files under ``<instance>/relay/`` (docs/relay.md); it has no database.
"""
