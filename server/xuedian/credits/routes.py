"""HTTP endpoints of learning accounts for the phone (device-signed, docs/protocol.md):
a new recovery code for a learner of the phone, and redeeming one on a new phone."""

from __future__ import annotations

from flask import Blueprint

from ..sync.devices import limit_address
from ..sync.signed import Signed, device_signed
from . import accounts
from .schemas import RecoverRequest, RecoveryCodeRequest

bp = Blueprint("credit_accounts", __name__, url_prefix="/api/v1/accounts")
bp.before_request(limit_address)


@bp.post("/recovery-code")
@device_signed("account-recovery-code", RecoveryCodeRequest)
def recovery_code(signed: Signed):
    account, code = accounts.issue_code(signed.device.id, signed.message["learner"])
    return {
        "ok": True,
        "learner": account.learner,
        "short_number": account.short_number,
        "code": code,
    }, 201


@bp.post("/recover")
@device_signed("account-recover", RecoverRequest)
def recover(signed: Signed):
    account, profile = accounts.recover(signed.device.id, signed.message["code"])
    return {
        "ok": True,
        "learner": account.learner,
        "short_number": account.short_number,
        "age_band": profile.age_band if profile is not None else None,
        "village": profile.village if profile is not None else None,
    }
