"""The error codes of points (docs/errors.md lists every code).

Voucher problems are found while a heartbeat is applied, long after the volunteer gave the
service offline, so they travel as reported problems (``points_voucher_problem``, the
double-spend report), not as an error envelope that would refuse the learner's records.
"""

from __future__ import annotations

from ..errors import XuedianError, register_code

DOUBLE_SPEND = register_code(
    "voucher-double-spend",
    "This voucher was already redeemed on another device; it counts once.",
)
OVER_DAILY_CAP = register_code(
    "voucher-over-daily-cap",
    "The learner's offline redemptions that day exceed the county's daily cap.",
)
BALANCE_SHORT = register_code(
    "voucher-balance-short", "The learner had too few points for this redemption."
)
SERVICE_UNKNOWN = register_code(
    "voucher-service-unknown", "The voucher names a service the county does not offer."
)
SIGNATURE_INVALID = register_code(
    "voucher-signature-invalid",
    "The voucher is malformed or not signed by the device that presents it.",
)

DEVICE_NOT_VOLUNTEER = register_code(
    "voucher-device-not-volunteer",
    "The voucher comes from a phone no volunteer marked as their learning point's "
    "redemption phone.",
)


class RuleUnknown(XuedianError):
    code = "points-rule-unknown"
    status = 400
    message = "There is no such points rule."
