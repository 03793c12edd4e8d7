"""Outcome definitions (认证单元): the defaults made from each published pack's credit
hours (``credit_hours`` in pack.yaml, kept on its release), and the county's edits.

Owns ``credit_definition``. A default definition asks for every lesson completed with
engagement, and each quiz passed with at least 60 when the pack has quizzes; it follows
the pack's newest release until a county administrator edits it (``is_default`` false).
"""

from __future__ import annotations

import json

from sqlalchemy import select

from ..core.timeutil import utcnow
from ..extensions import db
from ..packs.models import PackRelease
from ..packs.service import current_releases
from .models import OutcomeDefinition
from .rules import PackLessons

DEFAULT_MIN_SCORE = 60
#: Lesson lists of a signed manifest, by its sha256 (a manifest never changes).
_PACKS: dict[str, PackLessons] = {}


def pack_lessons(release: PackRelease) -> PackLessons:
    """Return the lessons of ``release``'s manifest and those that have a quiz."""
    found = _PACKS.get(release.manifest_sha256)
    if found is None:
        lessons = json.loads(release.manifest)["signed"]["lessons"]
        found = PackLessons(
            frozenset(x["id"] for x in lessons),
            frozenset(x["id"] for x in lessons if x.get("quiz")),
        )
        _PACKS[release.manifest_sha256] = found
    return found


def current_packs() -> dict[str, PackLessons]:
    """Return ``{pack_id: PackLessons}`` of every pack's current release."""
    return {r.pack_id: pack_lessons(r) for r in current_releases()}


def default_thresholds(pack: PackLessons) -> dict:
    found = {"lessons": None}
    if pack.quizzed:
        found["min_score"] = DEFAULT_MIN_SCORE
    return found


def ensure_defaults() -> list[OutcomeDefinition]:
    """Make or refresh the default definition of every published pack; return every active
    definition. Idempotent; an edited definition is left as the county set it."""
    known = {d.pack_id: d for d in db.session.scalars(select(OutcomeDefinition))}
    now = utcnow()
    for release in current_releases():
        pack = pack_lessons(release)
        found = known.get(release.pack_id)
        title = (release.title or {}).get("zh-CN") or release.pack_id
        wanted = {
            "title": title[:120],
            "thresholds": default_thresholds(pack),
            "credit_hours": float(release.credit_hours),
            "credits": float(release.credit_hours),
        }
        if found is None:
            found = OutcomeDefinition(
                pack_id=release.pack_id,
                rule="lessons-with-engagement",
                level="",
                crosswalk=[],
                active=True,
                is_default=True,
                updated_at=now,
                **wanted,
            )
            db.session.add(found)
            known[release.pack_id] = found
        elif found.is_default and any(getattr(found, k) != v for k, v in wanted.items()):
            for key, value in wanted.items():
                setattr(found, key, value)
            found.updated_at = now
    db.session.flush()
    return [d for d in known.values() if d.active]


def active_definitions() -> list[OutcomeDefinition]:
    return list(
        db.session.scalars(
            select(OutcomeDefinition)
            .where(OutcomeDefinition.active.is_(True))
            .order_by(OutcomeDefinition.id)
        )
    )


def update(definition: OutcomeDefinition, data: dict) -> OutcomeDefinition:
    """Apply an administrator's edit (loaded by ``DefinitionForm``); it stops following the
    pack's releases. Outcomes certified before keep what they were certified with."""
    for key, value in data.items():
        setattr(definition, key, value)
    definition.is_default = False
    definition.updated_at = utcnow()
    db.session.flush()
    return definition
