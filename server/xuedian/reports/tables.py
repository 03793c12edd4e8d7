"""The dashboard's figures as registered tables: each :class:`Table` knows the parts of the
report it reads (``figures.build``), its columns and rows, and the charts drawn from the
same figures. The dashboard renders every table; an export computes only the parts its
one table reads, and every table has the same columns on screen, in CSV and in XLSX.

Rows are ``(header labels, rows)``; cells are numbers, text, datetimes or ``None``
(unknown). Charts are drawn from the report's figures themselves, never from formatted
rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import charts
from .figures import FRESH
from .learners import best_scores
from .sneakernet import OUTSIDE

FRESH_KEYS = [f"within{d}" for d in FRESH] + ["over60", "no_sync"]
#: Rows the page shows of a long table (slowest carry first, most recently active learner
#: first); the exports write every row.
PAGE_ROWS = 20


@dataclass(frozen=True)
class Table:
    """One figure of the dashboard."""

    name: str
    #: The parts of ``figures.build`` its rows and charts read.
    needs: tuple[str, ...]
    #: ``(report, lang, text, limit) -> (header labels, rows)``.
    rows: Callable
    #: Chart key (as the dashboard template names it) -> ``(report, lang, text) -> chart``.
    charts: dict = field(default_factory=dict)
    #: Runs to hundreds of rows: the page shows the first PAGE_ROWS.
    long: bool = False


TABLES: dict[str, Table] = {}


def registered(
    name: str, needs: tuple[str, ...], charts: dict | None = None, long=False, into=None
):
    """Register the decorated rows function as table ``name`` of the county dashboard, or
    of the registry ``into`` (the province dashboard keeps its own, province/tables.py)."""

    def add(rows: Callable) -> Callable:
        (TABLES if into is None else into)[name] = Table(name, needs, rows, charts or {}, long)
        return rows

    return add


def _label(g, lang: str) -> str:
    return g.name_en if lang == "en" else g.name


def _title(item: dict, lang: str) -> str:
    return item["title_en"] if lang == "en" else item["title"]


def _point(names: tuple, lang: str, text: dict) -> str:
    """A learner's learning point by name, or the unenrolled label (no point)."""
    name, name_en = names
    if name is None:
        return text["unenrolled"]
    return (name_en or name) if lang == "en" else name


def _percent(share: float | None) -> int | None:
    return None if share is None else round(100 * share)


def _shares(counts: list[int]) -> list:
    total = sum(counts)
    return [round(100 * n / total) if total else None for n in counts]


def _labelled(keys: list[str], text: dict, rows: list, limit: int | None):
    return [text[k] for k in keys], rows[:limit]


def _bars(key: str, value: Callable) -> Callable:
    """A chart of one bar per group, ``value(group)`` long."""

    def draw(report, lang, text):
        items = [(_label(g, lang), g.value(value(g))) for g in report["groups"]]
        return charts.bars(text[key], items, text["unknown"])

    return draw


def _fresh(report: dict, attr: str, lang: str) -> list[tuple[str, list]]:
    """(label, shares per freshness bucket) of each group (of each with points, for the
    points' freshness)."""
    shown = [g for g in report["groups"] if attr == "fresh_devices" or g.points]
    return [(_label(g, lang), _shares(getattr(g, attr))) for g in shown]


def _freshness(attr: str, title: str) -> Callable:
    def draw(report, lang, text):
        legend = [text[k] for k in FRESH_KEYS]
        return charts.stacked(text[title], _fresh(report, attr, lang), legend)

    return draw


def _ages_chart(report, lang, text):
    shares = _shares([n for _, n in report["ages"]])
    legend = [text[f"age_{band}"] for band, _ in report["ages"]]
    return charts.stacked(text["ages"], [(text["share"], shares)], legend)


def _funnels(report, lang, text):
    stages = [text[k] for k in ("started", "first_lesson", "half", "all")]
    return [
        charts.funnel(_title(f, lang), list(zip(stages, f["stages"], strict=True)))
        for f in report["funnel"]
    ]


def _trend(key: str) -> Callable:
    def draw(report, lang, text):
        items = [(w["week"].isoformat(), w[key]) for w in report["trend"]]
        return charts.columns(text[f"trend_{key}"], items, text["unknown"])

    return draw


@registered("health", ("groups",))
def health(report, lang, text, limit=None):
    keys = ["name", "points", "devices", "last_sync", "silent7", "silent14", "silent30"]
    keys += ["backlog", "phone_quarantined", "rejected", "stale"]
    rows = [
        [_label(g, lang), g.points, g.devices, g.last_sync]
        + [g.value(g.silent[d]) for d in (7, 14, 30)]
        + [g.backlog, g.phone_quarantined, g.rejected, g.value(g.stale)]
        for g in report["groups"]
    ]
    return _labelled(keys, text, rows, limit)


@registered(
    "learning",
    ("groups",),
    {
        "active30": _bars("active30", lambda g: len(g.active30)),
        "lessons": _bars("lessons", lambda g: g.lessons),
    },
)
def learning(report, lang, text, limit=None):
    keys = ["name", "active7", "active30", "learners", "lessons", "unverified", "hours"]
    keys += ["records", "asked"]
    rows = [
        [_label(g, lang)]
        + [g.value(len(g.active7)), g.value(len(g.active30)), g.value(len(g.learners))]
        + [g.value(g.lessons), g.value(g.unverified), g.value(round(g.seconds / 3600, 1))]
        + [g.value(g.records), g.value(g.asked)]
        for g in report["groups"]
    ]
    return _labelled(keys, text, rows, limit)


def _freshness_rows(attr: str) -> Callable:
    def rows(report, lang, text, limit=None):
        table = [[label, *shares] for label, shares in _fresh(report, attr, lang)]
        return _labelled(["name", *FRESH_KEYS], text, table, limit)

    return rows


registered(
    "freshness_devices",
    ("groups",),
    {"fresh_devices": _freshness("fresh_devices", "freshness_devices")},
)(_freshness_rows("fresh_devices"))
registered(
    "freshness_points",
    ("groups",),
    {"fresh_points": _freshness("fresh_points", "freshness_points")},
)(_freshness_rows("fresh_points"))


@registered("funnel", ("funnel",), {"funnels": _funnels})
def funnel(report, lang, text, limit=None):
    keys = ["course", "course_lessons", "started", "first_lesson", "half", "all"]
    rows = [[_title(f, lang), f["lessons"], *f["stages"]] for f in report["funnel"]]
    return _labelled(keys, text, rows, limit)


@registered("ages", ("ages",), {"ages": _ages_chart})
def ages(report, lang, text, limit=None):
    shares = _shares([n for _, n in report["ages"]])
    rows = [
        [text[f"age_{band}"], n, share]
        for (band, n), share in zip(report["ages"], shares, strict=True)
    ]
    return _labelled(["band", "profiles", "share"], text, rows, limit)


def _topics_chart(report, lang, text):
    return charts.bars(text["topics"], report["topics"], text["unknown"])


@registered("topics", ("topics",), {"topics": _topics_chart})
def topics(report, lang, text, limit=None):
    return _labelled(["topic", "requests"], text, [list(t) for t in report["topics"]], limit)


def _carry_rows(first: str) -> Callable:
    def rows(report, lang, text, limit=None):
        table = []
        for key, s in report["carry"][f"{first}s"]:
            if isinstance(key, tuple):
                # No village: the bundles of phones enrolled at no point.
                label = (key[1] if lang == "en" else key[0]) or text["unenrolled"]
            elif key == OUTSIDE:
                label = text["carrier_outside"]
            else:
                label = key or text["anonymous"]
            table.append([label, s["bundles"], s["carry"], s["import"], s["worst"]])
        keys = [first, "bundles", "carry_hours", "import_hours", "worst_hours"]
        return _labelled(keys, text, table, limit)

    return rows


registered("carry_volunteers", ("carry",), long=True)(_carry_rows("volunteer"))
registered("carry_villages", ("carry",), long=True)(_carry_rows("village"))


@registered("spread", ("groups",))
def spread(report, lang, text, limit=None):
    header = [text["pack"], text["version"]] + [_label(g, lang) for g in report["groups"]]
    rows = [[_title(r, lang), r["version"], *r["cells"]] for r in report["spread"]]
    return header, rows


@registered(
    "trend",
    ("trend",),
    {"trend_active": _trend("active"), "trend_lessons": _trend("lessons")},
)
def trend(report, lang, text, limit=None):
    keys = ["week", "trend_active", "trend_lessons", "trend_unverified"]
    rows = [[w["week"], w["active"], w["lessons"], w["unverified"]] for w in report["trend"]]
    return _labelled(keys, text, rows, limit)


@registered("learners", ("learners",), long=True)
def learners(report, lang, text, limit=None):
    keys = ["learner", "phone", "point", "lessons", "unverified", "minutes", "best_score"]
    keys += ["last_active"]
    shown = report["learners"][:limit]
    best = best_scores(shown)
    rows = [
        [r["learner"][:8], r["device_id"][:8], _point(r["point"], lang, text)]
        + [r["lessons"], r["unverified"], r["minutes"]]
        + [_percent(best.get((r["learner"], r["device_id"]))), r["last"].isoformat()]
        for r in shown
    ]
    return _labelled(keys, text, rows, None)


@registered("credits", ("credits",))
def credits(report, lang, text, limit=None):
    """The credit bank: one row per course, village and age band, then the certificates
    issued and the attestations waiting (the same columns on screen, CSV and XLSX)."""
    c = report["credits"]
    rows = [[text["course"], title, n, hours] for title, n, hours in c["courses"]]
    rows += [[text["village"], v or text["unknown"], n, h] for v, n, h in c["villages"]]
    rows += [
        [text["band"], text[f"age_{band}"] if band else text["age_unknown"], n, h]
        for band, n, h in c["ages"]
    ]
    rows += [[text["cr.issued"], "", c["issued"], None]]
    rows += [[text["cr.waiting"], "", c["waiting"], None]]
    return _labelled(["cr.by", "name", "cr.outcomes_n", "cr.hours"], text, rows, limit)


@registered("points_totals", ("points",))
def points_totals(report, lang, text, limit=None):
    rows = [[text[f"points_kind_{k}"], n, total] for k, n, total in report["points"]["totals"]]
    return _labelled(["points_kind", "points_entries", "points_sum"], text, rows, limit)


@registered("points_services", ("points",))
def points_services(report, lang, text, limit=None):
    rows = [list(r) for r in report["points"]["services"]]
    return _labelled(["points_service", "points_redemptions", "points_sum"], text, rows, limit)


@registered("points_double_spends", ("points",), long=True)
def points_double_spends(report, lang, text, limit=None):
    keys = ["points_voucher", "learner", "phone", "points_first_phone", "points_sum"]
    rows = [
        [voucher[:8], learner[:8], device[:8], (first or "")[:8], points, moment]
        for voucher, learner, device, first, points, moment in report["points"]["double_spends"]
    ]
    return _labelled([*keys, "points_time"], text, rows[:limit], None)


NAMES = tuple(TABLES)
LONG = tuple(name for name, t in TABLES.items() if t.long)


def size(report: dict, name: str) -> int:
    """How many rows the LONG table ``name`` has in all."""
    if name == "learners":
        return len(report["learners"])
    if name == "points_double_spends":
        return len(report["points"]["double_spends"])
    return len(report["carry"][name.removeprefix("carry_")])


def table(
    report: dict, name: str, lang: str, text: dict, limit: int | None = None
) -> tuple[list[str], list[list]]:
    """Return the header labels and rows of table ``name`` (the first ``limit`` rows)."""
    return TABLES[name].rows(report, lang, text, limit)


def drawn(report: dict, lang: str, text: dict) -> dict:
    """Every table's charts, by the key the dashboard names them."""
    return {
        key: draw(report, lang, text) for t in TABLES.values() for key, draw in t.charts.items()
    }
