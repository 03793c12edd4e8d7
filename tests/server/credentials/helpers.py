"""Shared set-up for the credentials tests: a staff session, an issuing token, a credential."""

from __future__ import annotations

from click.testing import CliRunner

from xuedian.cli import main
from xuedian.core.timeutil import utcnow
from xuedian.credentials.auth import add_token
from xuedian.credentials.jsonld import VC_V2
from xuedian.extensions import db
from xuedian.org.auth import hash_password
from xuedian.org.models import Area, Staff

from ..staffsession import signed_in

EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"


def sign_in(app, client, role: str, csrf: str = "csrf-1") -> None:
    """Sign ``client`` in as a new staff member with ``role`` (an admin of a county)."""
    with app.app_context():
        county = Area(level="county", code="qingshui", name="清水县", path="")
        db.session.add(county)
        db.session.flush()
        county.path = f"/{county.id}/"
        staff = Staff(
            username=role,
            password_hash=hash_password("x" * 12),
            role=role,
            area_id=county.id if role == "admin" else None,
            created_at=utcnow(),
        )
        db.session.add(staff)
        db.session.commit()
        staff_id = staff.id
    with client.session_transaction() as session:
        signed_in(session, staff_id, csrf)


def token(app, name: str = "registry") -> str:
    with app.app_context():
        return add_token(name)[1]


def issuer_did(app) -> str:
    return app.extensions["xuedian.issuer_keys"].active().did


def credential(did: str, number: int = 1, **extra) -> dict:
    return {
        "@context": [VC_V2, EXAMPLES],
        "id": f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
        "type": ["VerifiableCredential"],
        "issuer": did,
        "credentialSubject": {"id": "did:example:learner", "alumniOf": "清水县学习点"},
        **extra,
    }


def run_cli(app, *args: str):
    """Run ``xuedian ARGS`` on ``app`` (its database and instance) and return the result."""
    with app.app_context():
        return CliRunner().invoke(main, list(args))
