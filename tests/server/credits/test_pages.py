"""The staff pages: a volunteer attests a learner of their point, the county approves;
another point's volunteer can neither attest nor see; definitions edit with a crosswalk;
revocation with a reason; each decision in the audit log."""

from __future__ import annotations

from sqlalchemy import select

from xuedian.audit.models import AuditEvent
from xuedian.credentials.models import IssuedCredential
from xuedian.credits.definitions import ensure_defaults
from xuedian.credits.issuing import settle
from xuedian.credits.models import Attestation, Outcome, OutcomeDefinition
from xuedian.extensions import db

from ..org.world import build_world, sign_in
from .helpers import publish

LEARNER_A = "aaaa1111-60-69"  # a profile on the phone at point A (org/world.py)
CSRF = {"csrf_token": "test-csrf"}


def _world(app):
    world = build_world(app)
    publish(app)
    with app.app_context():
        ensure_defaults()
        db.session.commit()
        definition = db.session.scalar(select(OutcomeDefinition.id))
    return world, definition


def _attest(client, definition, learner=LEARNER_A):
    form = {**CSRF, "learner": learner, "definition": definition, "reason": "随王师傅学剪纸三个月"}
    return client.post("/staff/credits/attestations", data=form)


def test_pages_attestation_needs_the_countys_approval(app, client):
    world, definition = _world(app)
    sign_in(client, world.staff["vol_a"])
    assert _attest(client, definition).status_code == 303
    with app.app_context():
        assert db.session.scalars(select(Outcome)).all() == []
        (row,) = db.session.scalars(select(Attestation)).all()
        assert row.status == "pending"
    # A volunteer sees the attest form, not the waiting list.
    assert "attestation-" not in client.get("/staff/credits").text
    sign_in(client, world.staff["admin_c2"])  # another county: not in scope
    assert f'data-testid="attestation-{row.id}"' not in client.get("/staff/credits").text
    refused = client.post(f"/staff/credits/attestations/{row.id}/approve", data=CSRF)
    assert refused.status_code == 404
    sign_in(client, world.staff["admin_c1"])
    assert f'data-testid="attestation-{row.id}"' in client.get("/staff/credits").text
    ok = client.post(f"/staff/credits/attestations/{row.id}/approve", data=CSRF)
    assert ok.status_code == 303
    with app.app_context():
        (outcome,) = db.session.scalars(select(Outcome)).all()
        assert (outcome.status, outcome.source) == ("certified", "attested")
        assert outcome.evidence["reason"] == "随王师傅学剪纸三个月"
    again = client.post(f"/staff/credits/attestations/{row.id}/decline", data=CSRF)
    assert again.status_code == 409
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"credit-attest", "credit-approve"} <= actions


def test_pages_volunteer_of_another_point_cannot_attest(app, client):
    world, definition = _world(app)
    sign_in(client, world.staff["vol_b"])
    refused = _attest(client, definition)
    assert refused.status_code == 404
    assert "credit-learner-out-of-scope" not in refused.text  # words, not the code
    with app.app_context():
        assert db.session.scalars(select(Attestation)).all() == []


def test_pages_revoke_with_reason_keeps_the_row(app, client):
    world, definition = _world(app)
    sign_in(client, world.staff["vol_a"])
    _attest(client, definition)
    sign_in(client, world.staff["admin_c1"])
    with app.app_context():
        attestation = db.session.scalar(select(Attestation.id))
    client.post(f"/staff/credits/attestations/{attestation}/approve", data=CSRF)
    with app.app_context():
        settle()  # its credential signed, as the feed or the nightly job does
        outcome, credential = db.session.execute(select(Outcome.id, Outcome.credential_id)).one()
    short = client.post(f"/staff/credits/outcomes/{outcome}/revoke", data={**CSRF, "reason": "x"})
    assert short.status_code == 400
    done = client.post(
        f"/staff/credits/outcomes/{outcome}/revoke", data={**CSRF, "reason": "证明有误，重新认定"}
    )
    assert done.status_code == 303
    with app.app_context():
        row = db.session.get(Outcome, outcome)
        assert (row.status, row.revoke_reason) == ("revoked", "证明有误，重新认定")
        # Its status bit is set at once, for every phone's next sync (not at the holder's).
        issued = db.session.scalars(
            select(IssuedCredential).where(IssuedCredential.ref == credential)
        )
        assert [x.revoked_at is not None for x in issued] == [True, True]
    twice = client.post(
        f"/staff/credits/outcomes/{outcome}/revoke", data={**CSRF, "reason": "再撤销一次"}
    )
    assert twice.status_code == 409


def test_pages_definition_edit_with_crosswalk(app, client):
    world, definition = _world(app)
    sign_in(client, world.staff["admin_c1"])
    page = client.get(f"/staff/credits/definitions/{definition}?lang=en")
    assert page.status_code == 200 and "Crosswalk" in page.text
    form = {
        **CSRF,
        "title": "戏曲入门",
        "rule": "lessons-with-engagement",
        "lessons": "1",
        "min_score": "70",
        "credit_hours": "4",
        "credits": "0.5",
        "level": "初级",
        "crosswalk": "上海学分银行, SH-0001, 0.5\n江苏, JS-9， 1",
        "active": "true",
    }
    bad = client.post(f"/staff/credits/definitions/{definition}", data={**form, "crosswalk": "x"})
    assert bad.status_code == 400 and "学分互认每行应为" in bad.text
    assert client.post(f"/staff/credits/definitions/{definition}", data=form).status_code == 303
    with app.app_context():
        d = db.session.get(OutcomeDefinition, definition)
        assert d.crosswalk == [
            {"bank": "上海学分银行", "code": "SH-0001", "ratio": 0.5},
            {"bank": "江苏", "code": "JS-9", "ratio": 1.0},
        ]
        assert d.thresholds == {"lessons": 1, "min_score": 70.0}
        assert (d.credits, d.is_default) == (0.5, False)
        # The pack's defaults no longer overwrite an edited definition.
        ensure_defaults()
        assert db.session.get(OutcomeDefinition, definition).credits == 0.5
    sign_in(client, world.staff["vol_a"])
    assert client.get(f"/staff/credits/definitions/{definition}").status_code == 403
