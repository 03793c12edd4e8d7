"""A stand-in for the county's ``GET /api/v1/sync/acks/<device_id>``, exactly as the shared
sync contract describes it, for as long as main does not serve it yet (another slice builds
the real one). :func:`add_acks_route` adds it only to an app without such a route, so the
real endpoint takes over unchanged once it is merged."""

from __future__ import annotations

import json

from flask import Blueprint, Flask, Response, jsonify
from sqlalchemy import select

from xuedian.core.instance import keyring
from xuedian.core.timeutil import iso, utcnow
from xuedian.extensions import db
from xuedian.sync.models import Device, LearningRecord

ACKS_RULE = "/api/v1/sync/acks/<device_id>"


def _ranges(seqs) -> list[list[int]]:
    ranges: list[list[int]] = []
    for seq in seqs:
        if ranges and seq <= ranges[-1][1] + 1:
            ranges[-1][1] = max(ranges[-1][1], seq)
        else:
            ranges.append([seq, seq])
    return ranges[:1000]


def _acks(device_id: str):
    device = db.session.get(Device, device_id)
    if device is None:
        envelope = {"ok": False, "code": "device-unknown", "message": "Unknown.", "details": {}}
        return jsonify(envelope), 404
    if device.revoked_at is not None:
        envelope = {"ok": False, "code": "device-revoked", "message": "Revoked.", "details": {}}
        return jsonify(envelope), 403
    seqs = db.session.scalars(
        select(LearningRecord.device_seq)
        .where(LearningRecord.device_id == device_id)
        .order_by(LearningRecord.device_seq)
    )
    now = utcnow()
    envelope = keyring().sign(
        {
            "type": "xdack",
            "schema_version": 1,
            "device_id": device_id,
            "created": iso(now),
            "max_contiguous_seq": device.max_contiguous_seq,
            "stored_seq_ranges": _ranges(seqs),
        }
    )

    name = f"xuedian-{device_id[:8]}-{now.strftime('%Y%m%d-%H%M')}.xdack"
    response = Response(json.dumps(envelope).encode("utf-8"), mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def add_acks_route(app: Flask) -> bool:
    """Serve the acks endpoint from this stand-in if ``app`` lacks it; return whether it did."""
    if any(rule.rule.startswith("/api/v1/sync/acks/") for rule in app.url_map.iter_rules()):
        return False
    bp = Blueprint("acks_standin", __name__)
    bp.add_url_rule(ACKS_RULE, view_func=_acks, methods=["GET"])
    app.register_blueprint(bp)
    return True
