"""Shared set-up for the credentials tests: a staff session, an issuing token, a credential."""

from __future__ import annotations

from click.testing import CliRunner

from xuedian.cli import main
from xuedian.credentials.auth import add_token
from xuedian.credentials.jsonld import VC_V2

from ..org.world import build_world
from ..org.world import sign_in as org_sign_in

EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"


def sign_in(app, client, role: str, csrf: str = "csrf-1") -> None:
    """Sign ``client`` in as a county administrator (``admin``) or a volunteer of the staff
    tests' world (tests/server/org/world.py), with CSRF token ``csrf``."""
    world = build_world(app)
    org_sign_in(client, world.staff["admin_c1" if role == "admin" else "vol_a"], csrf)


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
