"""The facts of one learning record, parsed once at ingest into learning_record's columns.

This is the one place that says what a record counts for (docs/protocol.md, "Record
facts"); learner progress, report aggregates, exports, the xAPI export and the changes feed
read the columns it fills. The app applies the same rules in pwa/src/lib/records/facts.js,
and tests/vectors/record_facts.json holds the cases both must agree on.

- ``verb_name``: the verb IRI's last segment (``completed``, ``answered``...).
- ``kind``: what the object is: ``topic`` (a topic request), ``record`` (a voiding
  record's target), ``pack``, ``lesson``, ``quiz`` (``item`` = ``"quiz"``: the lesson quiz's
  total) or ``item`` (one question).
- ``seconds``: whole seconds of ``result.duration`` (fractions dropped), at most
  :data:`MAX_RECORD_SECONDS`; 0 when absent.
- ``engagement``: for a lesson's ``completed`` only, the first evidence kind that meets its
  threshold, in the order ``quiz``, ``narration``, ``time``; None ("unverified") otherwise.
- ``voided`` is not a fact of the record alone: storage sets it when a voiding record of
  the same learner names it (sync/service.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

VERB_BASE = "http://adlnet.gov/expapi/verbs/"
#: Most seconds one record counts for: a lesson left open overnight is not ten hours.
MAX_RECORD_SECONDS = 4 * 3600
#: The item id the lesson quiz's total is recorded under (question ids may not use it).
QUIZ_ITEM = "quiz"
#: The quiz total's share of right answers that passes: the app sets its ``success`` so.
QUIZ_PASS = 0.6
#: Evidence thresholds of a completion (also in the vector file's ``rules``).
MIN_READ_SECONDS = 20
READ_CHARS_PER_SECOND = 10
MIN_LISTENED = 0.8
EVIDENCE_ORDER = ("quiz", "narration", "time")

_DURATION = re.compile(
    r"^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)

#: The learning_record columns :func:`parse` fills, in order.
COLUMNS = (
    "verb_name",
    "kind",
    "pack",
    "lesson",
    "item",
    "seconds",
    "score",
    "success",
    "engagement",
    "voids",
)


def duration_seconds(text) -> int:
    """Return the whole seconds of an ISO 8601 duration (``PT1M5S``), capped; 0 for none."""
    match = _DURATION.match(text) if isinstance(text, str) else None
    if not match:
        return 0
    d, h, m, s = (float(g) if g else 0.0 for g in match.groups())
    return min(math.floor(d * 86400 + h * 3600 + m * 60 + s), MAX_RECORD_SECONDS)


def needed_read_seconds(chars) -> int:
    """Seconds on a lesson's content that count as reading a text of ``chars`` characters."""
    chars = chars if _is_count(chars) else 0
    return max(MIN_READ_SECONDS, math.ceil(chars / READ_CHARS_PER_SECOND))


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def engagement(evidence) -> str | None:
    """Return the evidence kind a completion's ``result.evidence`` proves, or None."""
    if not isinstance(evidence, Mapping):
        return None
    listened = evidence.get("listened")
    met = {
        "quiz": evidence.get("quiz") is True,
        "narration": isinstance(listened, int | float)
        and not isinstance(listened, bool)
        and listened >= MIN_LISTENED,
        "time": _is_count(evidence.get("seconds"))
        and evidence["seconds"] >= needed_read_seconds(evidence.get("chars")),
    }
    return next((kind for kind in EVIDENCE_ORDER if met[kind]), None)


def _kind(verb_name: str, obj: Mapping) -> str:
    if verb_name == "voided":
        return "record"
    if "topic" in obj:
        return "topic"
    if obj.get("item") == QUIZ_ITEM:
        return "quiz"
    if "item" in obj:
        return "item"
    if "lesson" in obj:
        return "lesson"
    return "pack"


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def parse(record: Mapping) -> dict:
    """Return the facts of one (validated) record as ``{column: value}`` (see COLUMNS)."""
    verb = record.get("verb")
    verb_name = verb.removeprefix(VERB_BASE) if isinstance(verb, str) else ""
    obj = record.get("object") if isinstance(record.get("object"), Mapping) else {}
    result = record.get("result") if isinstance(record.get("result"), Mapping) else {}
    kind = _kind(verb_name, obj)
    score = result.get("score")
    score = float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None
    success = result.get("success")
    return {
        "verb_name": verb_name,
        "kind": kind,
        "pack": _text(obj.get("pack")),
        "lesson": _text(obj.get("lesson")),
        "item": _text(obj.get("item")),
        "seconds": duration_seconds(result.get("duration")),
        "score": score,
        "success": success if isinstance(success, bool) else None,
        "engagement": (
            engagement(result.get("evidence"))
            if verb_name == "completed" and kind == "lesson"
            else None
        ),
        "voids": _text(obj.get("record")) if kind == "record" else None,
    }


def is_completion(facts: Mapping) -> bool:
    """Whether a record (its facts) completes a lesson: ``completed`` naming the lesson
    itself. A ``completed`` naming a question or the quiz completes neither the lesson
    for the learner nor for the county."""
    return facts["verb_name"] == "completed" and facts["kind"] == "lesson"


def counts_for_score(facts: Mapping) -> bool:
    """Whether a record's score is a lesson score: the quiz total (``item: "quiz"``) or a
    record of the lesson itself; one question's score is not."""
    return facts["kind"] in ("quiz", "lesson") and facts["score"] is not None
