"""Learning accounts: a recovery code moves a learner to a new phone, whose feed then
carries their progress and credits; wrong codes are refused and rate-limited; the old
phone no longer speaks for the learner."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from xuedian.credits import card as accounts
from xuedian.credits.definitions import ensure_defaults
from xuedian.credits.models import LearningAccount
from xuedian.extensions import db

from ..sync.helpers import now_iso, register
from ..sync.test_feed import changes
from .helpers import completion, publish

CODE = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}(-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}){3}$")


def ask_code(client, phone, learner):
    signed = {
        "type": "account-recovery-code",
        "device_id": phone.device_id,
        "created": now_iso(),
        "learner": learner,
    }
    return client.post("/api/v1/accounts/recovery-code", json=phone.sign(signed))


def recover(client, phone, code):
    signed = {
        "type": "account-recover",
        "device_id": phone.device_id,
        "created": now_iso(),
        "code": code,
    }
    return client.post("/api/v1/accounts/recover", json=phone.sign(signed))


def _learned(app, client):
    publish(app, lessons=("01", "02"))
    with app.app_context():
        ensure_defaults()
        db.session.commit()
    old = register(client)
    learner = str(uuid.uuid4())
    old.send(client, [completion(1, learner, "01"), completion(2, learner, "02")])
    return old, learner


def test_recovery_code_moves_the_account_and_its_feed(app, client):
    old, learner = _learned(app, client)
    issued = ask_code(client, old, learner)
    assert issued.status_code == 201, issued.json
    code = issued.json["code"]
    assert CODE.match(code) and issued.json["short_number"] == accounts.short_number(learner)
    with app.app_context():
        stored = db.session.scalar(
            select(LearningAccount).where(LearningAccount.learner == learner)
        )
        assert stored.recovery_hash and code not in stored.recovery_hash
        assert code.replace("-", "") not in str(stored.recovery_hash)

    new = register(client)
    before = changes(client, new)  # the new phone synced once before (a cursor exists)
    assert before["progress"] == []
    moved = recover(client, new, code.lower().replace("-", " "))
    assert moved.status_code == 200, moved.json
    assert moved.json["learner"] == learner

    after = changes(client, new, before["cursor"])
    lessons = {(p["learner"], p["lesson"]) for p in after["progress"]}
    assert lessons == {(learner, "01"), (learner, "02")}
    (outcome,) = after["credits"]["outcomes"]
    assert outcome["learner"] == learner and outcome["status"] == "certified"

    # The old phone: its feed no longer names the learner, its new records are quarantined.
    assert learner not in (changes(client, old)["credits"] or {}).get("learners", [])
    receipt = old.send(client, [completion(3, learner, "01")]).json
    assert [r["code"] for r in receipt["rejected"]] == ["learner-not-yours"]
    # The new phone's records for the learner are its own now.
    assert len(new.send(client, [completion(1, learner, "01", seconds=90)]).json["accepted"]) == 1
    # A code is spent once used.
    again = recover(client, register(client), code)
    assert (again.status_code, again.json["code"]) == (400, "recovery-code-wrong")


def test_recovery_code_only_for_the_phone_that_owns_the_learner(app, client):
    _, learner = _learned(app, client)
    refused = ask_code(client, register(client), learner)
    assert (refused.status_code, refused.json["code"]) == (403, "account-not-yours")


def test_a_new_code_replaces_the_old_one(app, client):
    old, learner = _learned(app, client)
    first = ask_code(client, old, learner).json["code"]
    second = ask_code(client, old, learner).json["code"]
    assert first != second
    assert recover(client, register(client), first).json["code"] == "recovery-code-wrong"
    assert recover(client, register(client), second).status_code == 200


def test_wrong_codes_are_refused_then_rate_limited(app, client):
    old, learner = _learned(app, client)
    code = ask_code(client, old, learner).json["code"]
    thief = register(client)
    for _ in range(5):  # rate_limit_recovery: 5 per 15 minutes per phone
        wrong = recover(client, thief, "ABCD-EFGH-JKMN-PQRS")
        assert (wrong.status_code, wrong.json["code"]) == (400, "recovery-code-wrong")
    limited = recover(client, thief, code)  # even the right code waits now
    assert (limited.status_code, limited.json["code"]) == (429, "rate-limited")
    assert int(limited.headers["Retry-After"]) > 0
    with app.app_context():
        assert changes(client, thief)["progress"] == []
    # Another phone is not held back by the first one's mistakes.
    assert recover(client, register(client), code).status_code == 200
