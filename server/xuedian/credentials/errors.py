"""The error codes of the credentials feature (docs/errors.md lists every code).

Services raise these; the VC API routes answer ``/credentials/verify`` problems in the VC
API's own shape and everything else in the one JSON envelope.
"""

from __future__ import annotations

from ..errors import XuedianError, register_code

#: Codes that travel inside a verification result's problem details, not an envelope.
REVOKED = register_code("credential-revoked", "The issuer has revoked this credential.")
STATUS_INVALID = register_code(
    "credential-status-invalid", "The credential's status entry cannot be read."
)


class CredentialMalformed(XuedianError):
    code = "credential-malformed"
    status = 400
    message = "The credential is not a well-formed Verifiable Credential."


class ContextUnknown(CredentialMalformed):
    code = "credential-context-unknown"
    message = "The credential names a JSON-LD context this server does not ship."


class TermUndefined(CredentialMalformed):
    code = "credential-term-undefined"
    message = "The credential uses a term that none of its JSON-LD contexts defines."


class ProofInvalid(XuedianError):
    code = "credential-proof-invalid"
    status = 400
    message = "The credential's proof does not verify."


class CryptosuiteUnsupported(XuedianError):
    code = "credential-cryptosuite-unsupported"
    status = 400
    message = "The cryptosuite asked for is not eddsa-rdfc-2022 or eddsa-jcs-2022."


class IssuerMismatch(XuedianError):
    code = "credential-issuer-mismatch"
    status = 400
    message = "The credential's issuer is not this county's issuer DID."


class CredentialUnknown(XuedianError):
    code = "credential-unknown"
    status = 404
    message = "No credential with that id was issued here."


class CompactInvalid(XuedianError):
    code = "credential-compact-invalid"
    status = 400
    message = "The text is not a compact credential (XD1:…) or it is damaged."


class IssuerForbidden(XuedianError):
    code = "credential-issue-forbidden"
    status = 403
    message = "Issuing credentials needs a county administrator or an issuing token."


class IssuerUntrusted(XuedianError):
    code = "credential-issuer-untrusted"
    status = 422
    message = (
        "The credential's issuer is neither this county nor a county on the province trust list."
    )


class CredentialRevoked(XuedianError):
    code = REVOKED
    status = 422
    message = "The issuer has revoked this credential."
