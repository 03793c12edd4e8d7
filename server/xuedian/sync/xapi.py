"""Learning records as xAPI 1.0.3 statements, for export to any Learning Record Store.

A record is already a subset of a statement; this adds the parts xAPI requires (actor,
verb display, activity IRIs) from the county's public URL. Learners stay pseudonymous:
the actor is an account named by the local profile UUID, never a name or phone number.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from ..core.timeutil import iso
from ..extensions import db
from .models import LearningRecord

XAPI_VERSION = "1.0.3"


def _topic_request(base: str, record_id: str, obj: dict) -> dict:
    definition = {
        "type": f"{base}/xapi/activity-types/topic-request",
        "name": {"und": obj["topic"]},
    }
    if "category" in obj:
        definition["extensions"] = {f"{base}/xapi/extensions/category": obj["category"]}
    return {
        "objectType": "Activity",
        "id": f"{base}/xapi/activities/topic-requests/{record_id}",
        "definition": definition,
    }


#: The xAPI activity type of each object kind (sync/facts.py).
_ACTIVITY_TYPES = {
    "pack": "course",
    "lesson": "lesson",
    "quiz": "assessment",
    "item": "cmi.interaction",
}


def _activity(base: str, record: LearningRecord) -> dict:
    iri = f"{base}/xapi/activities/packs/{record.pack}"
    if record.lesson:
        iri += f"/lessons/{record.lesson}"
    if record.item:
        iri += f"/items/{record.item}"
    kind = _ACTIVITY_TYPES.get(record.kind, "course")
    return {
        "objectType": "Activity",
        "id": iri,
        "definition": {"type": f"http://adlnet.gov/expapi/activities/{kind}"},
    }


def _result(base: str, record: LearningRecord) -> dict | None:
    out = {}
    if record.score is not None:
        out["score"] = {"scaled": record.score}
    if record.success is not None:
        out["success"] = record.success
    # The learner's answer is kept as sent; it is text, not a fact anything counts.
    response = (record.result or {}).get("response")
    if response is not None:
        out["response"] = response
    if record.seconds:
        out["duration"] = f"PT{record.seconds}S"
    if record.verb_name == "completed" and record.kind == "lesson":
        engagement = record.engagement or "unverified"
        out["extensions"] = {f"{base}/xapi/extensions/engagement": engagement}
    return out or None


def statement(record: LearningRecord, base_url: str) -> dict:
    """Return ``record`` as an xAPI 1.0.3 statement rooted at ``base_url``."""
    base = base_url.rstrip("/")
    verb_name = record.verb_name
    if record.kind == "record":
        target = {"objectType": "StatementRef", "id": record.voids}
    elif record.kind == "topic":
        target = _topic_request(base, record.id, record.object)
    else:
        target = _activity(base, record)
    out = {
        "id": record.id,
        "actor": {"objectType": "Agent", "account": {"homePage": base, "name": record.learner}},
        "verb": {"id": record.verb, "display": {"en-US": verb_name}},
        "object": target,
        "timestamp": iso(record.timestamp),
        "stored": iso(record.received_at),
        "version": XAPI_VERSION,
        "context": {
            "extensions": {
                f"{base}/xapi/extensions/device": record.device_id,
                f"{base}/xapi/extensions/device-seq": record.device_seq,
            },
        },
    }
    # xAPI allows a platform only on a statement about an Activity (not a voiding's ref).
    if target.get("objectType") == "Activity":
        out["context"]["platform"] = "Xuedian"
    if "version" in record.object:
        out["context"]["extensions"][f"{base}/xapi/extensions/pack-version"] = record.object[
            "version"
        ]
    result = _result(base, record)
    if result:
        out["result"] = result
    return out


def statements(base_url: str, batch: int = 1000) -> Iterator[dict]:
    """Yield every stored record as a statement, oldest received first, streaming."""
    query = select(LearningRecord).order_by(LearningRecord.received_at, LearningRecord.id)
    for record in db.session.scalars(query.execution_options(yield_per=batch)):
        yield statement(record, base_url)
