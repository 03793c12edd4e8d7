"""Named hooks: how a lower feature tells the ones above it that something happened.

The registry is kept per app (``app.extensions["xuedian.hooks"]``), so several apps in one
test process never see each other's functions. ``sync`` emits; the features that care
(reports, learners, org, push, instructions, packs) register in their ``init_app``, which
the factory calls. Like Datasette's plugin hooks, a hook name is a plain string and every
registered function is called in registration order.

The hooks in use (docs/architecture.md):

- ``records-stored(device_id, rows)``: newly stored learning records, in the ingest
  transaction; ``rows`` are the inserted column dicts (facts already parsed).
- ``records-voided(rows)``: stored records a voiding record has just voided.
- ``record-check(device_id, rows)``: before storing, each returns ``{record id: code}`` of
  the valid rows (same column dicts, ``object`` and ``result`` as sent) it refuses, with a
  code registered in ``errors.CODES``; the refused records are quarantined with that code
  and the rest of the batch is stored (events: a check-in's signed token).
- ``heartbeat-received(device, status, created, now, live)``: a batch or bundle heartbeat
  that is the device's newest state (an older bundle's is not).
- ``heartbeat-carried(device, status, now)``: every heartbeat that arrives, however old,
  before ``heartbeat-received``: for what it carries as events (points' vouchers), which
  an older state must not drop.
- ``enrolment-offered(device, code, token, now)``: a registration naming a point.
- ``feed-sections(device, cursor, nxt, page_rows)``: each returns a :class:`FeedSection`
  and advances its own slot of the next cursor ``nxt``.
- ``point-page-panels(point, device_ids)``: each returns markup a learning point's staff
  page shows after its phones (``device_ids``, the point's phones as listed there; points:
  the redemption phones), with its own forms posting to the feature's pages.
- ``heartbeat-fields()`` and ``feed-fields()``: each returns ``{name: marshmallow field}``,
  the feature's part of a heartbeat (sync's DeviceStatus) or of a changes-feed page (sync's
  ChangesAnswer), so each feature owns its wire format (sync/schemas.py ``extended``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

_KEY = "xuedian.hooks"


@dataclass
class FeedSection:
    """What one feature adds to a changes-feed page."""

    #: Keys of the ChangesAnswer this section fills.
    fields: dict
    #: The section has more to send than this page carries.
    more: bool = False
    #: The section changed rows (delivery marks) the feed must commit.
    confirmed: bool = False


def _registry(app: Flask) -> dict[str, list[Callable]]:
    return app.extensions.setdefault(_KEY, {})


def register(app: Flask, name: str, fn: Callable) -> Callable:
    """Register ``fn`` for hook ``name`` on ``app``; return ``fn``."""
    _registry(app).setdefault(name, []).append(fn)
    return fn


def collect(name: str, *args: Any, **kwargs: Any) -> list[Any]:
    """Call every function registered for ``name`` on the current app; return their
    results in registration order (an empty list when none is registered)."""
    return [fn(*args, **kwargs) for fn in _registry(current_app).get(name, ())]


def emit(name: str, *args: Any, **kwargs: Any) -> None:
    """Call every function registered for ``name`` on the current app, for its effect."""
    collect(name, *args, **kwargs)
