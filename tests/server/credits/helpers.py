"""Builders for credits tests: a pack release with lessons (some with a quiz) and the
records a phone sends through the real ingest."""

from __future__ import annotations

import json
import uuid

from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.packs.models import PackRelease

from ..sync.helpers import now_iso, uuid7

VERBS = "http://adlnet.gov/expapi/verbs/"
PACK = "opera"


def publish(app, lessons=("01", "02"), quizzed=(), hours=2.0, pack=PACK, version=1):
    manifest = {
        "signed": {
            "pack_id": pack,
            "lessons": [{"id": x, "quiz": [{"q": 1}] if x in quizzed else []} for x in lessons],
        }
    }
    with app.app_context():
        db.session.add(
            PackRelease(
                pack_id=pack,
                version=version,
                title={"zh-CN": "地方戏曲入门", "en": "Opera"},
                description={"zh-CN": "", "en": ""},
                category="heritage",
                credit_hours=hours,
                size=1,
                manifest=json.dumps(manifest),
                manifest_sha256=uuid.uuid4().hex * 2,
                archive_name=f"{pack}-v{version}.xdpack",
                published_at=utcnow(),
            )
        )
        db.session.commit()


def completion(seq, learner, lesson, seconds=120, pack=PACK):
    """A lesson completion; ``seconds`` on the content is its evidence (20 s minimum)."""
    return {
        "id": uuid7(),
        "learner": learner,
        "verb": VERBS + "completed",
        "object": {"pack": pack, "version": 1, "lesson": lesson},
        "result": {"duration": f"PT{seconds}S", "evidence": {"seconds": seconds, "chars": 100}},
        "timestamp": now_iso(),
        "device_seq": seq,
    }


def quiz(seq, learner, lesson, score, pack=PACK):
    return {
        "id": uuid7(),
        "learner": learner,
        "verb": VERBS + "answered",
        "object": {"pack": pack, "version": 1, "lesson": lesson, "item": "quiz"},
        "result": {"score": score, "success": score >= 0.6},
        "timestamp": now_iso(),
        "device_seq": seq,
    }


def void(seq, learner, target, pack=PACK):
    return {
        "id": uuid7(),
        "learner": learner,
        "verb": VERBS + "voided",
        "object": {"pack": pack, "version": 1, "record": target["id"]},
        "timestamp": now_iso(),
        "device_seq": seq,
    }
