"""points' wire formats: the signed redemption voucher a volunteer device sends in its
heartbeat (docs/points.md, "The voucher")."""

from __future__ import annotations

from marshmallow import fields, validate

from ..core.wirefields import Int, Strict, Text, Timestamp, device_id_field, uuid_text

#: Most vouchers one heartbeat may carry (a busy learning point's day).
MAX_VOUCHERS = 200
VOUCHER_TYPE = "points-voucher"


class PointsVoucher(Strict):
    """``signed`` of a ``points-voucher`` envelope, signed by the redeeming device."""

    type = Text(20, required=True, validate=validate.Equal(VOUCHER_TYPE))
    voucher_id = Text(36, required=True, validate=uuid_text())
    learner = Text(36, required=True, validate=uuid_text())
    service = Int(1, required=True)
    points = Int(1, 1_000_000, required=True)
    device_id = device_id_field()
    time = Timestamp(required=True)


class VoucherEnvelope(Strict):
    signed = fields.Dict(required=True)
    signature = Text(100, 1, required=True)


def heartbeat_fields() -> dict:
    """points' part of a heartbeat (hook ``heartbeat-fields``): the vouchers the device
    redeemed offline. Each is checked on its own when applied, so one bad voucher never
    refuses the batch's records."""
    return {"vouchers": fields.List(fields.Dict(), validate=validate.Length(max=MAX_VOUCHERS))}
