"""Statement validation per the xAPI specification (1.0.3 and 2.0.0): raises XapiInvalid."""

from __future__ import annotations

import re

from .checks import (  # noqa: F401  (timestamp, uuid, UUID_RE: used through this module)
    DURATION_RE,
    IRI_RE,
    LANG_RE,
    MBOX_RE,
    SHA1_RE,
    TS_RE,
    UUID_RE,
    _bool,
    _keys,
    _num,
    _obj,
    _str,
    extensions,
    fail,
    iri,
    langmap,
    timestamp,
    uuid,
)

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
INTERACTIONS = {
    "true-false": (),
    "choice": ("choices",),
    "fill-in": (),
    "long-fill-in": (),
    "matching": ("source", "target"),
    "performance": ("steps",),
    "sequencing": ("choices",),
    "likert": ("scale",),
    "numeric": (),
    "other": (),
}
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")


def agent(value, where, *, allow_group=True, need_type=False):
    value = _obj(value, where)
    kind = value.get("objectType", None if not need_type else "?")
    if kind == "Group":
        if not allow_group:
            fail(where, "must be an Agent")
        return group(value, where)
    if kind not in ("Agent", None):
        fail(where, "objectType must be Agent or Group")
    _keys(value, ("objectType", "name", *IFIS), where)
    ifi(value, where, required=True)
    if "name" in value:
        _str(value["name"], f"{where}.name")
    return value


def group(value, where):
    _keys(value, ("objectType", "name", "member", *IFIS), where)
    has_ifi = ifi(value, where, required=False)
    if "name" in value:
        _str(value["name"], f"{where}.name")
    if "member" in value:
        if not isinstance(value["member"], list):
            fail(f"{where}.member", "must be an array")
        for n, member in enumerate(value["member"]):
            agent(member, f"{where}.member[{n}]", allow_group=False)
    if not has_ifi and not value.get("member"):
        fail(where, "an anonymous Group needs members")


def ifi(value, where, *, required):
    found = [k for k in IFIS if k in value]
    if len(found) > 1:
        fail(where, "must have only one identifier")
    if not found:
        if required:
            fail(where, "needs one of mbox, mbox_sha1sum, openid, account")
        return False
    key = found[0]
    if key == "mbox" and not (isinstance(value[key], str) and MBOX_RE.match(value[key])):
        fail(f"{where}.mbox", "must be mailto: and an email address")
    if key == "mbox_sha1sum" and not (isinstance(value[key], str) and SHA1_RE.match(value[key])):
        fail(f"{where}.mbox_sha1sum", "must be 40 hex digits")
    if key == "openid":
        iri(value[key], f"{where}.openid")
    if key == "account":
        account = _obj(value[key], f"{where}.account")
        _keys(account, ("homePage", "name"), f"{where}.account")
        iri(account.get("homePage"), f"{where}.account.homePage")
        _str(account.get("name"), f"{where}.account.name")
    return True


def verb(value, where="verb"):
    value = _obj(value, where)
    _keys(value, ("id", "display"), where)
    iri(value.get("id"), f"{where}.id")
    if "display" in value:
        langmap(value["display"], f"{where}.display")


def definition(value, where):
    value = _obj(value, where)
    allowed = ("name", "description", "type", "moreInfo", "extensions", "interactionType")
    _keys(value, (*allowed, "correctResponsesPattern", *COMPONENT_LISTS), where)
    for key in ("name", "description"):
        if key in value:
            langmap(value[key], f"{where}.{key}")
    for key in ("type", "moreInfo"):
        if key in value:
            iri(value[key], f"{where}.{key}")
    if "extensions" in value:
        extensions(value["extensions"], f"{where}.extensions")
    kind = value.get("interactionType")
    if kind is None:
        if any(k in value for k in ("correctResponsesPattern", *COMPONENT_LISTS)):
            fail(where, "interaction properties need an interactionType")
        return
    if not isinstance(kind, str) or kind not in INTERACTIONS:
        fail(f"{where}.interactionType", "is not an xAPI interaction type")
    if "correctResponsesPattern" in value:
        pattern = value["correctResponsesPattern"]
        if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
            fail(f"{where}.correctResponsesPattern", "must be an array of strings")
    for key in COMPONENT_LISTS:
        if key not in value:
            continue
        if key not in INTERACTIONS[kind]:
            fail(f"{where}.{key}", f"is not allowed for {kind}")
        items = value[key]
        if not isinstance(items, list):
            fail(f"{where}.{key}", "must be an array")
        seen = set()
        for n, item in enumerate(items):
            _obj(item, f"{where}.{key}[{n}]")
            _keys(item, ("id", "description"), f"{where}.{key}[{n}]")
            _str(item.get("id"), f"{where}.{key}[{n}].id")
            if item["id"] in seen:
                fail(f"{where}.{key}", "ids must be distinct")
            seen.add(item["id"])
            if "description" in item:
                langmap(item["description"], f"{where}.{key}[{n}].description")


def activity(value, where):
    value = _obj(value, where)
    _keys(value, ("objectType", "id", "definition"), where)
    if value.get("objectType", "Activity") != "Activity":
        fail(where, "objectType must be Activity")
    iri(value.get("id"), f"{where}.id")
    if "definition" in value:
        definition(value["definition"], f"{where}.definition")


def statement_object(value, where, *, sub=False):
    value = _obj(value, where)
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        activity(value, where)
    elif kind in ("Agent", "Group"):
        agent(value, where)
    elif kind == "StatementRef":
        _keys(value, ("objectType", "id"), where)
        uuid(value.get("id"), f"{where}.id")
    elif kind == "SubStatement" and not sub:
        _keys(
            value,
            (
                "objectType",
                "actor",
                "verb",
                "object",
                "result",
                "context",
                "timestamp",
                "attachments",
            ),
            where,
        )
        body(value, where, sub=True)
    else:
        fail(f"{where}.objectType", "is not allowed here")


def result(value, where="result"):
    value = _obj(value, where)
    _keys(value, ("score", "success", "completion", "response", "duration", "extensions"), where)
    if "score" in value:
        score = _obj(value["score"], f"{where}.score")
        _keys(score, ("scaled", "raw", "min", "max"), f"{where}.score")
        for key in score:
            _num(score[key], f"{where}.score.{key}")
        if "scaled" in score and not -1 <= score["scaled"] <= 1:
            fail(f"{where}.score.scaled", "must be between -1 and 1")
        low, high, raw = score.get("min"), score.get("max"), score.get("raw")
        if low is not None and high is not None and low > high:
            fail(f"{where}.score", "min is above max")
        if raw is not None and (
            (low is not None and raw < low) or (high is not None and raw > high)
        ):
            fail(f"{where}.score.raw", "is outside min..max")
    for key in ("success", "completion"):
        if key in value:
            _bool(value[key], f"{where}.{key}")
    if "response" in value:
        _str(value["response"], f"{where}.response")
    if "duration" in value and not (
        isinstance(value["duration"], str) and DURATION_RE.match(value["duration"])
    ):
        fail(f"{where}.duration", "must be an ISO 8601 duration")
    if "extensions" in value:
        extensions(value["extensions"], f"{where}.extensions")


def context(value, where, obj):
    value = _obj(value, where)
    _keys(
        value,
        (
            "registration",
            "instructor",
            "team",
            "contextActivities",
            "revision",
            "platform",
            "language",
            "statement",
            "extensions",
            "contextAgents",
            "contextGroups",
        ),
        where,
    )
    if "registration" in value:
        uuid(value["registration"], f"{where}.registration")
    if "instructor" in value:
        agent(value["instructor"], f"{where}.instructor")
    if "team" in value:
        team = _obj(value["team"], f"{where}.team")
        if team.get("objectType") != "Group":
            fail(f"{where}.team", "must be a Group")
        group(team, f"{where}.team")
    for key in ("revision", "platform"):
        if key in value:
            _str(value[key], f"{where}.{key}")
            if obj.get("objectType", "Activity") != "Activity":
                fail(f"{where}.{key}", "is only allowed when the object is an Activity")
    if "language" in value and not (
        isinstance(value["language"], str) and LANG_RE.match(value["language"])
    ):
        fail(f"{where}.language", "must be a language tag")
    if "statement" in value:
        ref = _obj(value["statement"], f"{where}.statement")
        if ref.get("objectType") != "StatementRef":
            fail(f"{where}.statement", "must be a StatementRef")
        statement_object(ref, f"{where}.statement")
    if "extensions" in value:
        extensions(value["extensions"], f"{where}.extensions")
    if "contextActivities" in value:
        acts = _obj(value["contextActivities"], f"{where}.contextActivities")
        _keys(acts, ("parent", "grouping", "category", "other"), f"{where}.contextActivities")
        for key, items in acts.items():
            for n, item in enumerate(items if isinstance(items, list) else [items]):
                activity(item, f"{where}.contextActivities.{key}[{n}]")
    for key, kind in (("contextAgents", "Agent"), ("contextGroups", "Group")):
        if key not in value:
            continue
        if not isinstance(value[key], list):
            fail(f"{where}.{key}", "must be an array")
        for n, item in enumerate(value[key]):
            item = _obj(item, f"{where}.{key}[{n}]")
            if item.get("objectType") != f"context{kind}":
                fail(f"{where}.{key}[{n}].objectType", f"must be context{kind}")
            _keys(item, ("objectType", kind.lower(), "relevantTypes"), f"{where}.{key}[{n}]")
            if kind == "Group":
                inner = _obj(item.get("group"), f"{where}.{key}[{n}].group")
                if inner.get("objectType") != "Group":
                    fail(f"{where}.{key}[{n}].group", "must be a Group")
                group(inner, f"{where}.{key}[{n}].group")
            else:
                agent(item.get("agent"), f"{where}.{key}[{n}].agent", allow_group=False)
            if "relevantTypes" in item:
                types = item["relevantTypes"]
                if not isinstance(types, list) or not types:
                    fail(f"{where}.{key}[{n}].relevantTypes", "must be a non-empty array")
                for t in types:
                    iri(t, f"{where}.{key}[{n}].relevantTypes")


def attachments(value, where="attachments"):
    if not isinstance(value, list):
        fail(where, "must be an array")
    for n, item in enumerate(value):
        item = _obj(item, f"{where}[{n}]")
        _keys(
            item,
            ("usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"),
            f"{where}[{n}]",
        )
        iri(item.get("usageType"), f"{where}[{n}].usageType")
        langmap(item.get("display"), f"{where}[{n}].display")
        if "description" in item:
            langmap(item["description"], f"{where}[{n}].description")
        _str(item.get("contentType"), f"{where}[{n}].contentType")
        if isinstance(item.get("length"), bool) or not isinstance(item.get("length"), int):
            fail(f"{where}[{n}].length", "must be an integer")
        _str(item.get("sha2"), f"{where}[{n}].sha2")
        if "fileUrl" in item:
            iri(item["fileUrl"], f"{where}[{n}].fileUrl")


def body(value, where, *, sub=False):
    for key in ("actor", "verb", "object"):
        if key not in value:
            fail(where, f"needs {key}")
    agent(value["actor"], f"{where}.actor")
    verb(value["verb"], f"{where}.verb")
    statement_object(value["object"], f"{where}.object", sub=sub)
    if "result" in value:
        result(value["result"], f"{where}.result")
    if "context" in value:
        context(value["context"], f"{where}.context", value["object"])
    if "timestamp" in value:
        timestamp(value["timestamp"], f"{where}.timestamp")
    if "attachments" in value:
        attachments(value["attachments"], f"{where}.attachments")


def statement(value, where="statement"):
    """Check one statement as posted; raise XapiInvalid at the first rule it breaks."""
    value = _obj(value, where)
    _keys(
        value,
        (
            "id",
            "actor",
            "verb",
            "object",
            "result",
            "context",
            "timestamp",
            "stored",
            "authority",
            "version",
            "attachments",
            "objectType",
        ),
        where,
    )
    if "objectType" in value and value["objectType"] != "Statement":
        fail(f"{where}.objectType", "must be Statement")
    if "id" in value:
        uuid(value["id"], f"{where}.id")
    body(value, where)
    if value["verb"]["id"] == VOIDED:
        target = value["object"]
        if target.get("objectType") != "StatementRef":
            fail(f"{where}.object", "a voiding statement's object must be a StatementRef")
    if "stored" in value:
        timestamp(value["stored"], f"{where}.stored")
    if "authority" in value:
        authority = agent(value["authority"], f"{where}.authority") or value["authority"]
        if authority.get("objectType") == "Group" and (
            any(k in authority for k in IFIS) or len(authority.get("member") or []) != 2
        ):
            fail(f"{where}.authority", "a Group authority is anonymous with two members")
    if "version" in value and not (
        isinstance(value["version"], str) and re.match(r"^(1\.0|2\.0)(\.\d+)?$", value["version"])
    ):
        fail(f"{where}.version", "must be 1.0.x or 2.0.x")
