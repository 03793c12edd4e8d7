"""A learner's record as a signed CLR 2.0 transcript: every certified outcome's credential
inside, the whole verifiable through the public VC API; only staff who see the learner's
phone may make one."""

from __future__ import annotations

import json

from sqlalchemy import select

from xuedian.core.timeutil import utcnow
from xuedian.credits.accounts import account_of
from xuedian.credits.models import Attestation
from xuedian.extensions import db
from xuedian.sync.models import LearnerOwner

from ..org.world import POINTS, sign_in
from .test_pages import CSRF, LEARNER_A, _attest, _world


def _certified(app, client, world, definition) -> int:
    """Attest and approve one outcome for LEARNER_A; return the learner's account id."""
    sign_in(client, world.staff["vol_a"])
    _attest(client, definition)
    sign_in(client, world.staff["admin_c1"])
    with app.app_context():
        attestation = db.session.scalar(select(Attestation.id))
    client.post(f"/staff/credits/attestations/{attestation}/approve", data=CSRF)
    with app.app_context():
        # The learner's phone is point A's (as ingest records it).
        db.session.add(LearnerOwner(learner=LEARNER_A, device_id=POINTS["A"][2], since=utcnow()))
        ident = account_of(LEARNER_A).id
        db.session.commit()
    return ident


def test_transcript_holds_every_certified_outcome_and_verifies(app, client):
    world, definition = _world(app)
    ident = _certified(app, client, world, definition)
    sign_in(client, world.staff["vol_a"])
    card = client.get(f"/staff/accounts/{ident}").text
    assert 'data-testid="transcript"' in card
    got = client.post(f"/staff/accounts/{ident}/transcript", data=CSRF)
    assert got.status_code == 200
    assert "attachment" in got.headers["Content-Disposition"]
    clr = json.loads(got.data)
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    (badge,) = clr["credentialSubject"]["verifiableCredential"]
    assert "OpenBadgeCredential" in badge["type"]
    assert clr["credentialSubject"]["achievement"] == [badge["credentialSubject"]["achievement"]]
    # Another institution checks the transcript, and the badge inside, with the public API.
    for credential in (clr, badge):
        checked = client.post("/credentials/verify", json={"verifiableCredential": credential})
        assert checked.status_code == 200, checked.json
        assert checked.json["verified"] is True
    # A changed transcript no longer verifies.
    clr["credentialSubject"]["achievement"][0]["name"] = "别的课程"
    forged = client.post("/credentials/verify", json={"verifiableCredential": clr})
    assert forged.json["verified"] is False


def test_transcript_only_for_staff_who_see_the_learner(app, client):
    world, definition = _world(app)
    ident = _certified(app, client, world, definition)
    sign_in(client, world.staff["vol_b"])  # another point's volunteer
    assert client.post(f"/staff/accounts/{ident}/transcript", data=CSRF).status_code == 404
    sign_in(client, world.staff["admin_c2"])  # another county
    assert client.post(f"/staff/accounts/{ident}/transcript", data=CSRF).status_code == 404


def test_transcript_from_the_command_line(app, client, tmp_path):
    from click.testing import CliRunner

    from xuedian.cli import main

    world, definition = _world(app)
    _certified(app, client, world, definition)
    out = tmp_path / "clr.json"
    with app.app_context():
        done = CliRunner().invoke(main, ["credits", "transcript", LEARNER_A, "--out", str(out)])
        assert done.exit_code == 0, done.output
        assert done.output.endswith("\t1 outcomes\n")
        nobody = CliRunner().invoke(main, ["credits", "transcript", "x", "--out", str(out)])
        assert nobody.exit_code != 0 and "No learning account" in nobody.output
    assert json.loads(out.read_text("utf-8"))["type"][1] == "ClrCredential"
