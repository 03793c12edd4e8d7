"""Certification from verified records through the real ingest: engagement is required,
a voided record revokes, outcomes are immutable, bulk and incremental agree."""

from __future__ import annotations

import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from xuedian.cli import main
from xuedian.credentials import compact, service
from xuedian.credits.certify import certify_all
from xuedian.credits.definitions import ensure_defaults
from xuedian.credits.issuing import settle
from xuedian.credits.models import Outcome, OutcomeDefinition, OutcomeImmutable
from xuedian.extensions import db

from ..sync.helpers import register
from .helpers import completion, publish, quiz, void


def _ready(app, **kwargs):
    publish(app, **kwargs)
    with app.app_context():
        ensure_defaults()
        db.session.commit()


def _outcomes(app):
    with app.app_context():
        return [
            (o.status, o.source, o.revoke_reason)
            for o in db.session.scalars(select(Outcome).order_by(Outcome.id))
        ]


def test_certify_engaged_completions_certify_incrementally(app, client):
    _ready(app)
    phone, learner = register(client), str(uuid.uuid4())
    phone.send(client, [completion(1, learner, "01")])
    assert _outcomes(app) == []  # one lesson of two
    phone.send(client, [completion(2, learner, "02")])
    assert _outcomes(app) == [("certified", "records", None)]
    phone.send(client, [completion(3, learner, "02")])
    assert len(_outcomes(app)) == 1  # idempotent


def test_certify_three_second_completion_never_certifies(app, client):
    _ready(app)
    phone, learner = register(client), str(uuid.uuid4())
    phone.send(client, [completion(1, learner, "01"), completion(2, learner, "02", seconds=3)])
    assert _outcomes(app) == []
    with app.app_context():
        assert certify_all() == (0, 0)


def test_certify_quiz_needs_sixty(app, client):
    _ready(app, quizzed=("02",))
    with app.app_context():
        (definition,) = db.session.scalars(select(OutcomeDefinition)).all()
        assert definition.thresholds == {"lessons": None, "min_score": 60}
    phone, learner = register(client), str(uuid.uuid4())
    phone.send(client, [completion(1, learner, "01"), completion(2, learner, "02")])
    phone.send(client, [quiz(3, learner, "02", 0.5)])
    assert _outcomes(app) == []
    phone.send(client, [quiz(4, learner, "02", 0.6)])
    assert _outcomes(app) == [("certified", "records", None)]


def test_certify_voided_record_revokes_and_keeps_history(app, client):
    _ready(app)
    phone, learner = register(client), str(uuid.uuid4())
    done = completion(2, learner, "02")
    phone.send(client, [completion(1, learner, "01"), done])
    with app.app_context():
        settle()
        vc_id = db.session.scalar(select(Outcome.credential_id))
    phone.send(client, [void(3, learner, done)])
    assert _outcomes(app) == [("revoked", "records", "evidence-voided")]
    with app.app_context():
        assert settle() == (0, 1)
        outcome = db.session.scalar(select(Outcome))
        assert outcome.credential_revoked and outcome.credential_id == vc_id
        result = service.verify(compact.decode(outcome.compact))
        assert not result["verified"]
        assert result["errors"][0]["code"] == "credential-revoked"
    # Done again: a new outcome beside the revoked one.
    phone.send(client, [completion(4, learner, "02")])
    assert _outcomes(app) == [
        ("revoked", "records", "evidence-voided"),
        ("certified", "records", None),
    ]


def test_certify_outcomes_are_immutable(app, client):
    _ready(app)
    phone, learner = register(client), str(uuid.uuid4())
    phone.send(client, [completion(1, learner, "01"), completion(2, learner, "02")])
    with app.app_context():
        outcome = db.session.scalar(select(Outcome))
        outcome.credit_hours = 99
        with pytest.raises(OutcomeImmutable):
            db.session.flush()
        db.session.rollback()
        outcome = db.session.scalar(select(Outcome))
        db.session.delete(outcome)
        with pytest.raises(OutcomeImmutable):
            db.session.flush()
        db.session.rollback()


def test_certify_cli_bulk_matches_and_signs_badges(app, client):
    publish(app)
    phone, learner = register(client), str(uuid.uuid4())
    # No definition yet: ingest certifies nothing; the bulk run makes the default.
    phone.send(client, [completion(1, learner, "01"), completion(2, learner, "02")])
    assert _outcomes(app) == []
    with app.app_context():
        result = CliRunner().invoke(main, ["credits", "certify"])
        assert result.exit_code == 0, result.output
        assert "certified 1" in result.output and "signed 1" in result.output
        again = CliRunner().invoke(main, ["credits", "certify"])
        assert "certified 0, revoked 0, signed 0" in again.output
        outcome = db.session.scalar(select(Outcome))
        copy = compact.decode(outcome.compact)
        assert copy["proof"]["cryptosuite"] == "eddsa-jcs-2022"
        assert copy["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert copy["credentialSubject"]["creditsEarned"] == 2.0
        assert service.verify(copy)["verified"]
