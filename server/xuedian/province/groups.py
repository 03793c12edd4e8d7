"""A dashboard group (reports' :class:`~xuedian.reports.figures.Group`) as it travels in
an aggregates document, and back.

Only counts leave the county: the sets of learner ids a group holds are sent as their
sizes, and read back as ``range(n)`` (a sized stand-in that the report tables count with
``len``), so no learner id is ever in a document.
"""

from __future__ import annotations

from ..core.timeutil import iso, parse_iso
from ..reports.figures import FRESH, SILENT, Group

COUNTS = ("active7", "active30", "learners")
NUMBERS = ("points", "devices", "rejected", "stale", "records", "lessons", "unverified")
NUMBERS += ("seconds", "asked")
MAYBE = ("backlog", "phone_quarantined")


def dump(group: Group, key: str) -> dict:
    """The group as a document row; ``key`` names it within its county (an area code)."""
    out = {"kind": group.kind, "key": key, "name": group.name, "name_en": group.name_en}
    out.update({n: getattr(group, n) for n in NUMBERS + MAYBE})
    out.update({n: len(getattr(group, n)) for n in COUNTS})
    out["last_sync"] = iso(group.last_sync) if group.last_sync else None
    out["silent"] = [group.silent[d] for d in SILENT]
    out["fresh_devices"] = list(group.fresh_devices)
    out["fresh_points"] = list(group.fresh_points)
    return out


def load(row: dict, id_=None) -> Group:
    """A :class:`Group` the report tables read, from a document row."""
    group = Group(row["kind"], row["key"] if id_ is None else id_, row["name"], row["name_en"])
    for n in NUMBERS + MAYBE:
        setattr(group, n, row[n])
    for n in COUNTS:
        setattr(group, n, range(row[n]))
    group.last_sync = parse_iso(row["last_sync"]) if row["last_sync"] else None
    group.silent = dict(zip(SILENT, row["silent"], strict=True))
    group.fresh_devices = list(row["fresh_devices"])
    group.fresh_points = list(row["fresh_points"])
    return group


def merge(groups: list[Group], kind: str, id_, name: str, name_en: str, distinct=True) -> Group:
    """One group adding up ``groups``: counts add, learner sets join (``distinct``: inside
    the county, before they become sizes; else the parts are different counties, whose
    learners are different people, and their sizes add), the last sync is the latest;
    unknown stays unknown only if every part is unknown."""
    out = Group(kind, id_, name, name_en)
    out.fresh_devices = [0] * (len(FRESH) + 2)
    out.fresh_points = [0] * (len(FRESH) + 2)
    for g in groups:
        for n in NUMBERS:
            setattr(out, n, getattr(out, n) + getattr(g, n))
        for n in MAYBE:
            if getattr(g, n) is not None:
                setattr(out, n, (getattr(out, n) or 0) + getattr(g, n))
        if distinct:
            for n in COUNTS:
                getattr(out, n).update(getattr(g, n))
        if g.last_sync is not None and (out.last_sync is None or g.last_sync > out.last_sync):
            out.last_sync = g.last_sync
        for d in SILENT:
            out.silent[d] += g.silent[d]
        out.fresh_devices = [a + b for a, b in zip(out.fresh_devices, g.fresh_devices, strict=True)]
        out.fresh_points = [a + b for a, b in zip(out.fresh_points, g.fresh_points, strict=True)]
    if not distinct:
        for n in COUNTS:
            setattr(out, n, range(sum(len(getattr(g, n)) for g in groups)))
    return out
