"""The province tier on SQLite and PostgreSQL: the county's document holds counts only;
the province keeps it once, refuses forged, older and replayed documents with nothing
stored; a pull needs a live county-issued token; the dashboard shows counties and drills
down to villages; the push retries with backoff."""

from __future__ import annotations

import copy
import io
import json
import re
import urllib.error
from dataclasses import replace

from sqlalchemy import func, select

from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.jobs import load_jobs
from xuedian.jobs.runs import run_job
from xuedian.keys.service import keyring
from xuedian.province import transfer
from xuedian.province.document import signed_document
from xuedian.province.intake import add_county
from xuedian.province.models import ProvinceAggregate, ProvinceSent
from xuedian.province.tokens import issue, revoke

from ..reports.helpers import Learner, make_org, sign_in

PATH = "/api/v1/province/aggregates"


def _county_with_learning(app, client) -> tuple[dict, list[Learner]]:
    ids = make_org(app)
    a, b = Learner(client, "p1a"), Learner(client, "p1b")
    a.send([a.record(lesson="01-a"), a.record(lesson="02-b")])
    b.send([b.record(lesson="01-a")])
    return ids, [a, b]


def _register(app, province) -> None:
    with app.app_context():
        keys = keyring().trusted()
    with province.app_context():
        add_county("qingshui", "http://127.0.0.1:9", "xdp_unused", keys)


def _envelope(app) -> dict:
    with app.app_context():
        return signed_document("push")[0]


def _stored(province) -> int:
    with province.app_context():
        return db.session.scalar(select(func.count()).select_from(ProvinceAggregate))


def test_document_holds_counts_and_no_learner_or_device_id(app, client):
    _ids, learners = _county_with_learning(app, client)
    envelope = _envelope(app)
    text = json.dumps(envelope, ensure_ascii=False)
    for learner in learners:
        assert learner.learner not in text
        assert learner.phone.device_id not in text
    body = envelope["signed"]
    assert body["total"]["learners"] == 2 and body["total"]["lessons"] == 3
    assert body["total"]["devices"] == 2
    villages = {v["key"]: v for v in body["villages"]}
    assert villages["v1a"]["lessons"] == 2 and villages["v1b"]["lessons"] == 1
    assert villages["v1a"]["points"] == 2  # the empty point counts as a point
    assert sum(m["lessons"] for m in body["months"]) == 3
    assert body["seq"] >= 1 and body["key_id"] == keyring_id(app)


def keyring_id(app) -> str:
    with app.app_context():
        return keyring().active().key_id


def test_push_stores_once_and_the_same_document_changes_nothing(app, client, province):
    _county_with_learning(app, client)
    _register(app, province)
    envelope = _envelope(app)
    pc = province.test_client()
    first = pc.post(PATH, json=envelope)
    assert first.status_code == 200 and first.get_json()["changed"] is True
    again = pc.post(PATH, json=envelope)
    assert again.status_code == 200 and again.get_json()["changed"] is False
    with province.app_context():
        stored = db.session.get(ProvinceAggregate, 1)
        assert stored.seq == envelope["signed"]["seq"] and stored.via == "push"
        assert stored.body == envelope["signed"]
    assert _stored(province) == 1


def test_forged_unknown_older_and_replayed_documents_are_refused(app, client, province):
    _county_with_learning(app, client)
    pc = province.test_client()
    old = _envelope(app)
    # No county registered yet: the key is nobody's.
    refused = pc.post(PATH, json=old)
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "province-county-unknown"
    _register(app, province)
    forged = copy.deepcopy(old)
    forged["signed"]["total"]["learners"] = 999
    refused = pc.post(PATH, json=forged)
    assert refused.status_code == 401, refused.get_json()
    assert refused.get_json()["code"] == "province-signature-invalid"
    assert refused.get_json()["ok"] is False
    assert _stored(province) == 0
    new = _envelope(app)
    assert pc.post(PATH, json=new).status_code == 200
    refused = pc.post(PATH, json=old)
    assert refused.status_code == 409 and refused.get_json()["code"] == "province-document-stale"
    with app.app_context():
        replay = keyring().sign({**new["signed"], "total": {**new["signed"]["total"], "asked": 7}})
    refused = pc.post(PATH, json=replay)
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "province-document-replayed"
    with province.app_context():
        assert db.session.get(ProvinceAggregate, 1).seq == new["signed"]["seq"]
        assert db.session.get(ProvinceAggregate, 1).body == new["signed"]


def test_a_county_answers_a_pull_only_with_a_live_token(app, client):
    _county_with_learning(app, client)
    with app.app_context():
        token = issue("province")
    assert client.get(PATH).get_json()["code"] == "province-token-invalid"
    wrong = client.get(PATH, headers={"Authorization": "Bearer xdp_nope"})
    assert wrong.status_code == 401
    answer = client.get(PATH, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.get_json()["signed"]["total"]["lessons"] == 3
    with app.app_context():
        revoke("province")
    gone = client.get(PATH, headers={"Authorization": f"Bearer {token}"})
    assert gone.status_code == 401 and gone.get_json()["code"] == "province-token-invalid"


def test_a_county_refuses_a_push_addressed_to_a_province(app, client):
    refused = client.post(PATH, json={"signed": {}, "signature": ""})
    assert refused.status_code == 404
    assert refused.get_json()["code"] == "province-role-required"
    assert client.get("/staff/province/").status_code == 404


def test_dashboard_shows_counties_and_drills_down_to_villages(app, client, province):
    ids, _ = _county_with_learning(app, client)
    _register(app, province)
    pc = province.test_client()
    assert pc.post(PATH, json=_envelope(app)).status_code == 200
    sign_in(pc, ids["admin"])
    html = pc.get("/staff/province/?lang=en").get_data(as_text=True)
    assert "qingshui · qingshui" in html and "<svg" in html
    assert 'id="total-lessons">3<' in html
    assert re.search(r"/staff/province/\?[^\"]*county=1", html)
    villages = pc.get("/staff/province/?county=1&lang=en").get_data(as_text=True)
    assert "v1a" in villages and "v1b" in villages
    csv = pc.get("/staff/province/export/learning.csv?lang=en").get_data(as_text=True)
    assert "qingshui" in csv and csv.splitlines()[1].split(",")[4] == "3"
    xlsx = pc.get("/staff/province/export/packs.xlsx?lang=en")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert pc.get("/staff/province/?county=99").status_code == 404
    sign_in(pc, ids["admin1a"])  # a township's administrator is no province administrator
    assert pc.get("/staff/province/").status_code == 403


def test_push_retries_with_doubling_backoff_then_succeeds(app, client, monkeypatch):
    _county_with_learning(app, client)
    answers = [OSError("down"), (503, {}), (200, {"ok": True})]
    waits = []

    def post(url, envelope):
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(transfer, "_post", post)
    monkeypatch.setattr(transfer, "_sleep", waits.append)
    app.config["XUEDIAN"] = replace(app.config["XUEDIAN"], province_url="http://127.0.0.1:9")
    with app.app_context():
        out = transfer.push()
        assert out["status"] == "sent" and out["tries"] == 3
        assert waits == [2.0, 4.0]
        assert db.session.get(ProvinceSent, out["seq"]).status == "sent"


def test_push_job_records_a_failed_run_after_every_try(app, client, monkeypatch):
    _county_with_learning(app, client)
    waits = []

    def down(url, envelope):
        raise OSError("province down")

    monkeypatch.setattr(transfer, "_post", down)
    monkeypatch.setattr(transfer, "_sleep", waits.append)
    app.config["XUEDIAN"] = replace(app.config["XUEDIAN"], province_url="http://127.0.0.1:9")
    with app.app_context():
        run = run_job(load_jobs()["province-push"], utcnow(), trigger="test")
        assert run.status == "failed" and "4 tries" in run.error
        assert waits == [2.0, 4.0, 8.0]
        sent = db.session.scalars(select(ProvinceSent)).all()
        assert [s.status for s in sent] == ["failed"]


def test_pull_job_keeps_each_county_and_names_the_one_it_could_not_reach(
    app, client, province, monkeypatch
):
    _county_with_learning(app, client)
    with app.app_context():
        token = issue("sheng")
        keys = keyring().trusted()
    with province.app_context():
        add_county("qingshui", "http://qingshui.test", token, keys)
        add_county("gone", "http://gone.test", "xdp_x", [{"key_id": "k-0", "public_key": "AA"}])

    def urlopen(request, timeout):
        if request.full_url.startswith("http://gone.test"):
            raise urllib.error.URLError("no route")
        auth = request.headers["Authorization"]
        answer = client.get(transfer.PATH, headers={"Authorization": auth})
        assert answer.status_code == 200
        return io.BytesIO(answer.data)

    monkeypatch.setattr(transfer.urllib.request, "urlopen", urlopen)
    with province.app_context():
        run = run_job(load_jobs()["province-pull"], utcnow(), trigger="test")
        assert run.status == "ok"
        counties = run.summary["counties"]
        assert counties["qingshui"] == "changed" and counties["gone"] == "province-pull-failed"
        assert db.session.get(ProvinceAggregate, 1).via == "pull"
    assert _stored(province) == 1


def test_two_counties_add_up_and_each_drills_down_alone(app, client, province, tmp_path):
    from xuedian.keys.service import KeyRing
    from xuedian.province.tables import report

    ids, _ = _county_with_learning(app, client)
    _register(app, province)
    first = _envelope(app)
    other = KeyRing(tmp_path / "other")
    other.create()
    body = {k: v for k, v in first["signed"].items() if k != "key_id"}
    body["county"] = {"code": "hexi", "name": "河西县", "name_en": "hexi"}
    with province.app_context():
        add_county("hexi", "http://127.0.0.1:9", "xdp_unused", other.trusted())
    pc = province.test_client()
    assert pc.post(PATH, json=first).status_code == 200
    assert pc.post(PATH, json=other.sign(body)).status_code == 200
    with province.test_request_context():
        both = report()
        assert [g.name for g in both["groups"]] == ["hexi · 河西县", "qingshui · 清水县"]
        assert both["totals"]["pv.counties"] == 2 and both["totals"]["lessons"] == 6
        assert both["totals"]["learners"] == 4
        assert [band for band, _ in both["ages"]][-1] == "unknown"  # the county's order
        assert len(both["packs"]) == 2 and both["funnel"][0]["stages"][0] == 4
        one = report(2)
        assert one["totals"]["lessons"] == 3 and one["county_name"] == "hexi"
        assert [g.id for g in one["groups"]] == ["v1a", "v1b", "unenrolled"]


def test_a_signed_document_with_a_field_the_province_does_not_know_is_refused(
    app, client, province
):
    learners = _county_with_learning(app, client)[1]
    _register(app, province)
    body = {k: v for k, v in _envelope(app)["signed"].items() if k != "key_id"}
    with app.app_context():
        leaky = keyring().sign({**body, "learner_ids": [x.learner for x in learners]})
    refused = province.test_client().post(PATH, json=leaky)
    assert refused.status_code == 400
    assert refused.get_json()["code"] == "province-document-invalid"
    assert "learner_ids" in refused.get_json()["details"]["fields"]
    assert _stored(province) == 0
