"""The province dashboard's figures and tables.

:func:`report` reads the counties' latest documents into the same shape as the county
dashboard's figures (``reports.figures.build``): ``groups`` (one per county, or one per
village of one county), ``totals``, ``funnel``, ``ages``, ``trend`` and ``credits``, so the
reports feature's registered tables draw them unchanged. :data:`TABLES` is the province's
registry: those tables by reference, plus two of its own registered with reports'
``registered(..., into=TABLES)``: ``packs`` (each county's completions of each pack) and
``months``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from ..reports import charts
from ..reports import tables as county_tables
from . import groups
from .intake import latest

#: The county dashboard's tables the province shows as they are.
SHARED = ("health", "learning", "freshness_devices", "freshness_points", "funnel", "ages")
SHARED += ("trend", "credits")
TABLES: dict = {name: county_tables.TABLES[name] for name in SHARED}


def _place(body: dict, lang: str) -> str:
    county = body.get("county") or {}
    return county.get("name_en" if lang == "en" else "name") or ""


def _sum_funnel(items: list[list[dict]]) -> list[dict]:
    out: dict[str, dict] = {}
    for funnel in items:
        for f in funnel:
            row = out.setdefault(f["pack"], {**f, "stages": [0, 0, 0, 0]})
            row["lessons"] = max(row["lessons"], f["lessons"])
            row["stages"] = [a + b for a, b in zip(row["stages"], f["stages"], strict=True)]
    return [out[k] for k in sorted(out)]


def _sum_by(rows: list[list[dict]], key: str, fields: tuple[str, ...], ordered=True) -> list[dict]:
    """Rows with equal ``key`` added up (None where every part is unknown); in ``key``
    order, or as first seen (age bands keep the county dashboard's order)."""
    out: dict = {}
    for part in rows:
        for r in part:
            row = out.setdefault(r[key], {key: r[key], **dict.fromkeys(fields)})
            for f in fields:
                if r.get(f) is not None:
                    row[f] = (row[f] or 0) + r[f]
    return [out[k] for k in (sorted(out) if ordered else out)]


def _sum_credits(items: list[dict]) -> dict:
    out = {"issued": 0, "waiting": 0, "courses": [], "villages": [], "ages": []}
    for part in ("courses", "villages", "ages"):
        bucket: dict = defaultdict(lambda: [0, 0.0])
        for c in items:
            for k, n, h in c.get(part, []):
                bucket[k][0] += n
                bucket[k][1] += h
        out[part] = sorted(
            ((k, n, round(h, 2)) for k, (n, h) in bucket.items()), key=lambda r: (-r[1], str(r[0]))
        )
    for c in items:
        out["issued"] += c.get("issued", 0)
        out["waiting"] += c.get("waiting", 0)
    return out


def report(county_id: int | None = None, pack: str | None = None, lang: str = "zh-CN") -> dict:
    """The figures of every county (``county_id`` None) or of one county's villages;
    ``pack`` narrows the packs table. Raises ``LookupError`` for a county not registered
    or without a document yet."""
    docs = [(c, a) for c, a in latest()]
    if county_id is not None:
        docs = [(c, a) for c, a in docs if c.id == county_id and a is not None]
        if not docs:
            raise LookupError(county_id)
    known = [(c, a.body) for c, a in docs if a is not None]
    if county_id is None:
        shown = []
        for c, a in docs:
            body = a.body if a else {}
            if body.get("total"):
                g = groups.load(body["total"], id_=c.id)
            else:
                g = groups.merge([], "county", c.id, c.name, c.name, distinct=False)
            g.name = f"{c.name} · {body['county']['name']}" if body.get("county") else c.name
            g.name_en = f"{c.name} · {body['county']['name_en']}" if body.get("county") else c.name
            shown.append(g)
    else:
        shown = [groups.load(v) for v in known[0][1]["villages"]]
    total = groups.merge(shown, "all", "", "", "", distinct=False)
    bodies = [b for _, b in known]
    trend = _sum_by(
        [b.get("trend", []) for b in bodies], "week", ("active", "lessons", "unverified")
    )
    return {
        "county_name": docs[0][0].name if county_id is not None else None,
        "groups": shown,
        "totals": {
            "pv.counties": len(docs),
            "points": total.points,
            "devices": total.devices,
            "active7": len(total.active7),
            "active30": len(total.active30),
            "learners": len(total.learners),
            "lessons": total.lessons,
            "records": total.records,
            "hours": round(total.seconds / 3600, 1),
        },
        "funnel": _sum_funnel([b.get("funnel", []) for b in bodies]),
        "ages": [
            (r["band"], r["n"])
            for r in _sum_by(
                [[{"band": b, "n": n} for b, n in x.get("ages", [])] for x in bodies],
                "band",
                ("n",),
                ordered=False,
            )
        ],
        "trend": [{**w, "week": date.fromisoformat(w["week"])} for w in trend],
        "months": _sum_by(
            [b.get("months", []) for b in bodies], "month", ("learners", "lessons", "records")
        ),
        "credits": _sum_credits([b["credits"] for b in bodies if b.get("credits")]),
        "packs": [
            (c.name, f)
            for c, b in known
            for f in b.get("funnel", [])
            if pack is None or f["pack"] == pack
        ],
        "periods": {c.name: b["period"] for c, b in known},
    }


def _months_chart(report, lang, text):
    items = [(m["month"], m["learners"]) for m in report["months"]]
    return charts.columns(text["pv.months_learners"], items, text["unknown"])


@county_tables.registered("months", ("months",), {"months": _months_chart}, into=TABLES)
def months(report, lang, text, limit=None):
    rows = [[m["month"], m["learners"], m["lessons"], m["records"]] for m in report["months"]]
    header = [text[k] for k in ("pv.month", "learners", "lessons", "records")]
    return header, rows[:limit]


@county_tables.registered("packs", ("packs",), into=TABLES)
def packs(report, lang, text, limit=None):
    keys = ["pv.county", "course", "course_lessons", "started", "first_lesson", "half", "all"]
    rows = [
        [name, f["title_en"] if lang == "en" else f["title"], f["lessons"], *f["stages"]]
        for name, f in report["packs"]
    ]
    return [text[k] for k in keys], rows[:limit]


def drawn(report: dict, lang: str, text: dict) -> dict:
    """Every province table's charts, by key."""
    return {k: draw(report, lang, text) for t in TABLES.values() for k, draw in t.charts.items()}
