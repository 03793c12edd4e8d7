"""Every stored record exports as a valid xAPI 1.0.3 statement."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import replace

from click.testing import CliRunner

from xuedian.cli import main
from xuedian.lrs.validate import statement

from .helpers import make_record, register, uuid7

ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
ISO_DURATION = re.compile(r"^P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
IRI = re.compile(r"^[a-z][a-z0-9+.-]*:[^\s]+$")


def assert_valid_statement(s: dict) -> None:
    """The xAPI 1.0.3 rules a Learning Record Store checks first: the LRS's own (which ADL's
    suite checks), then the forms of the parts an export writes."""
    statement(s)
    assert str(uuid.UUID(s["id"])) == s["id"]
    account = s["actor"]["account"]
    assert s["actor"]["objectType"] == "Agent"
    assert IRI.match(account["homePage"]) and account["name"]
    assert IRI.match(s["verb"]["id"]) and s["verb"]["display"]["en-US"]
    if s["object"]["objectType"] == "Activity":
        assert IRI.match(s["object"]["id"])
        assert IRI.match(s["object"]["definition"]["type"])
    else:
        assert s["object"]["objectType"] == "StatementRef"
        assert str(uuid.UUID(s["object"]["id"])) == s["object"]["id"]
    assert ISO_TIME.match(s["timestamp"]) and ISO_TIME.match(s["stored"])
    assert s["version"] == "1.0.3"
    result = s.get("result", {})
    if "score" in result:
        assert -1 <= result["score"]["scaled"] <= 1
    if "duration" in result:
        assert ISO_DURATION.match(result["duration"])
    for key in s["context"]["extensions"]:
        assert IRI.match(key)


def test_export_xapi_writes_one_valid_statement_per_record(app, client, tmp_path):
    phone = register(client)
    done = make_record(1)
    answered = make_record(2, verb="http://adlnet.gov/expapi/verbs/answered")
    answered["object"]["item"] = "q1"
    answered["result"] = {"score": 0.75, "success": True, "response": "B", "duration": "PT12S"}
    void = make_record(3, verb="http://adlnet.gov/expapi/verbs/voided")
    void["object"]["record"] = done["id"]
    void["result"] = None
    assert phone.send(client, [done, answered, void]).status_code == 200

    out = tmp_path / "statements.jsonl"
    with app.app_context():
        # Unset, IRIs would have no stable base: the command refuses rather than guess.
        unset = CliRunner().invoke(main, ["export", "xapi", "--out", str(out)])
        settings = app.config["XUEDIAN"]
        app.config["XUEDIAN"] = replace(settings, public_url="https://county.example/")
        result = CliRunner().invoke(main, ["export", "xapi", "--out", str(out)])
    assert unset.exit_code == 1 and "XUEDIAN_PUBLIC_URL" in unset.output
    assert result.exit_code == 0, result.output
    statements = {s["id"]: s for s in map(json.loads, out.read_text("utf-8").splitlines())}
    assert set(statements) == {done["id"], answered["id"], void["id"]}
    for each in statements.values():
        assert_valid_statement(each)
    assert statements[answered["id"]]["result"]["score"] == {"scaled": 0.75}
    assert statements[answered["id"]]["object"]["id"].endswith(
        "/packs/xuedian-welcome/lessons/02-lesson/items/q1"
    )
    assert statements[void["id"]]["object"] == {"objectType": "StatementRef", "id": done["id"]}
    assert statements[done["id"]]["actor"]["account"]["name"] == phone.own(done)["learner"]
    # Read from the record's facts: the quick completion is unverified, the answer's time
    # is whole seconds.
    assert statements[answered["id"]]["result"]["duration"] == "PT12S"
    done_result = statements[done["id"]]["result"]
    assert [
        value for key, value in done_result["extensions"].items() if key.endswith("/engagement")
    ] == ["unverified"]
    assert statements[done["id"]]["actor"]["account"]["homePage"] == "https://county.example"
    assert uuid7()  # helper sanity: ids are UUIDv7 like the phone's
