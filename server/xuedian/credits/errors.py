"""The error codes of the credits feature (docs/errors.md lists every code)."""

from __future__ import annotations

from ..errors import XuedianError


class LearnerOutOfScope(XuedianError):
    code = "credit-learner-out-of-scope"
    status = 404
    message = "No learner with that id uses a phone at a learning point you may see."


class AttestationDecided(XuedianError):
    code = "credit-attestation-decided"
    status = 409
    message = "This attestation has already been approved or declined."


class OutcomeNotCertified(XuedianError):
    code = "credit-outcome-not-certified"
    status = 409
    message = "Only a certified outcome can be revoked."


class TransferDuplicate(XuedianError):
    code = "credit-transfer-duplicate"
    status = 409
    message = "This credential has already been added to a learning account in this county."


class TransferLocal(XuedianError):
    code = "credit-transfer-local"
    status = 409
    message = "This county issued the credential itself; it is already in its credit bank."


class TransferForbidden(XuedianError):
    code = "credit-transfer-forbidden"
    status = 403
    message = "Adding a transferred credential needs a volunteer or administrator account."


class RecoveryCodeWrong(XuedianError):
    code = "recovery-code-wrong"
    status = 400
    message = "No learning account has that recovery code (or it was already used)."


class LearnerNotYours(XuedianError):
    code = "account-not-yours"
    status = 403
    message = "That learner belongs to another phone; only that phone can ask for its code."


class RealNameOff(XuedianError):
    code = "real-name-off"
    status = 404
    message = "This county does not use the real-name level (XUEDIAN_REAL_NAME)."
