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
