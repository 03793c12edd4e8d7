"""The real-name level: a volunteer of the learner's point verifies an ID card; only the
name and a salted hash are kept (the raw number is in no table), the check digit is
checked, each verification is audited, and other points' staff cannot reach the card."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from sqlalchemy import select

from xuedian.audit.models import AuditEvent
from xuedian.core.timeutil import utcnow
from xuedian.credits import card as accounts
from xuedian.credits.models import LearningAccount
from xuedian.credits.realname import id_number_problem
from xuedian.extensions import db
from xuedian.sync.models import LearnerOwner

from ..org.world import POINTS, build_world, sign_in

CSRF = {"csrf_token": "test-csrf"}
ID_NUMBER = "11010519491231002X"  # GB 11643's published example


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        (ID_NUMBER, None),
        ("110105194912310021", "cr.id.check"),
        ("11010519491331002X", "cr.id.birth"),
        ("1101051949123100", "cr.id.shape"),
        ("11010519491231002Y", "cr.id.shape"),
    ],
)
def test_id_number_problem_names_what_is_wrong(number, problem):
    assert id_number_problem(number) == problem


def _card(app, real_name=1):
    world = build_world(app)
    app.config["XUEDIAN"] = dataclasses.replace(app.config["XUEDIAN"], real_name=real_name)
    learner = str(uuid.uuid4())
    with app.app_context():
        db.session.add(LearnerOwner(learner=learner, device_id=POINTS["A"][2], since=utcnow()))
        db.session.commit()
    return world, learner


def _find(client, learner):
    page = client.get(f"/staff/accounts?n={accounts.short_number(learner)}")
    assert page.status_code == 200
    return page


def test_real_name_keeps_no_id_number_anywhere(app, client):
    world, learner = _card(app)
    sign_in(client, world.staff["vol_a"])
    assert "/staff/accounts/" in _find(client, learner).text
    with app.app_context():
        account = db.session.scalar(
            select(LearningAccount).where(LearningAccount.learner == learner)
        )
        ident = account.id
    card = client.get(f"/staff/accounts/{ident}")
    assert card.status_code == 200 and "data:image/svg+xml" in card.text
    assert accounts.short_number(learner)[:4] in card.text
    bad = client.post(
        f"/staff/accounts/{ident}/real-name",
        data={**CSRF, "name": "张三", "id_number": "110105194912310021"},
    )
    assert bad.status_code == 400 and "校验位" in bad.text
    assert "110105194912310021" not in bad.text  # the number is not echoed back
    done = client.post(
        f"/staff/accounts/{ident}/real-name", data={**CSRF, "name": "张三", "id_number": ID_NUMBER}
    )
    assert done.status_code == 303
    with app.app_context():
        account = db.session.get(LearningAccount, ident)
        assert account.real_name == "张三" and account.verified_at is not None
        assert account.id_number_hash and len(account.id_number_hash) == 64
        (event,) = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "credit-real-name")
        ).all()
        # The raw number appears in no column of any table.
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)).all():
                for value in row:
                    assert ID_NUMBER not in str(value), table.name
                    assert ID_NUMBER.lower() not in str(value), table.name
    assert "张三" in client.get(f"/staff/accounts/{ident}").text


def test_real_name_cards_stay_in_scope(app, client):
    world, learner = _card(app)
    sign_in(client, world.staff["vol_a"])
    _find(client, learner)
    with app.app_context():
        ident = db.session.scalar(
            select(LearningAccount.id).where(LearningAccount.learner == learner)
        )
    sign_in(client, world.staff["vol_b"])
    assert "/staff/accounts/" not in _find(client, learner).text.split('data-testid="found"')[1]
    assert client.get(f"/staff/accounts/{ident}").status_code == 404
    refused = client.post(
        f"/staff/accounts/{ident}/real-name", data={**CSRF, "name": "李四", "id_number": ID_NUMBER}
    )
    assert refused.status_code == 404
    with app.app_context():
        assert db.session.get(LearningAccount, ident).verified_at is None


def test_real_name_off_by_default(app, client):
    world, learner = _card(app, real_name=0)
    sign_in(client, world.staff["vol_a"])
    _find(client, learner)
    with app.app_context():
        ident = db.session.scalar(
            select(LearningAccount.id).where(LearningAccount.learner == learner)
        )
    assert 'name="id_number"' not in client.get(f"/staff/accounts/{ident}").text
    refused = client.post(
        f"/staff/accounts/{ident}/real-name", data={**CSRF, "name": "张三", "id_number": ID_NUMBER}
    )
    assert refused.status_code == 404
