"""The dashboard's figures as named tables: the pages render them and the exports write
them, so every figure has the same columns on screen, in CSV and in XLSX.

A table is ``(header keys, rows)``; cells are numbers, text, datetimes or ``None``
(unknown).
"""

from __future__ import annotations

from .figures import FRESH
from .learners import best_scores
from .sneakernet import OUTSIDE

FRESH_KEYS = [f"within{d}" for d in FRESH] + ["over60", "no_sync"]

NAMES = (
    "health",
    "learning",
    "freshness_devices",
    "freshness_points",
    "funnel",
    "ages",
    "topics",
    "carry_volunteers",
    "carry_villages",
    "spread",
    "trend",
    "learners",
)


def _label(g, lang: str) -> str:
    return g.name_en if lang == "en" else g.name


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


#: Tables that can run to hundreds of rows; the page shows the first rows (slowest carry
#: first, most recently active learner first), the exports every row.
LONG = ("carry_volunteers", "carry_villages", "learners")
PAGE_ROWS = 20


def size(report: dict, name: str) -> int:
    """How many rows the LONG table ``name`` has in all."""
    if name == "learners":
        return len(report["learners"])
    return len(report["carry"][name.removeprefix("carry_")])


def table(
    report: dict, name: str, lang: str, text: dict, limit: int | None = None
) -> tuple[list[str], list[list]]:
    """Return the header labels and rows of table ``name`` (the first ``limit`` rows)."""
    groups = report["groups"]
    if name == "health":
        keys = ["name", "points", "devices", "last_sync", "silent7", "silent14", "silent30"]
        keys += ["backlog", "phone_quarantined", "rejected", "stale"]
        rows = [
            [_label(g, lang), g.points, g.devices, g.last_sync]
            + [g.value(g.silent[d]) for d in (7, 14, 30)]
            + [g.backlog, g.phone_quarantined, g.rejected, g.value(g.stale)]
            for g in groups
        ]
    elif name == "learning":
        keys = ["name", "active7", "active30", "learners", "lessons", "unverified", "hours"]
        keys += ["records", "asked"]
        rows = [
            [_label(g, lang)]
            + [g.value(len(g.active7)), g.value(len(g.active30)), g.value(len(g.learners))]
            + [g.value(g.lessons), g.value(g.unverified), g.value(round(g.seconds / 3600, 1))]
            + [g.value(g.records), g.value(g.asked)]
            for g in groups
        ]
    elif name in ("freshness_devices", "freshness_points"):
        attr = "fresh_devices" if name == "freshness_devices" else "fresh_points"
        keys = ["name", *FRESH_KEYS]
        shown = groups if attr == "fresh_devices" else [g for g in groups if g.points]
        rows = [[_label(g, lang), *_shares(getattr(g, attr))] for g in shown]
    elif name == "funnel":
        keys = ["course", "course_lessons", "started", "first_lesson", "half", "all"]
        rows = [
            [f["title_en"] if lang == "en" else f["title"], f["lessons"], *f["stages"]]
            for f in report["funnel"]
        ]
    elif name == "ages":
        keys = ["band", "profiles", "share"]
        total = sum(n for _, n in report["ages"])
        rows = [
            [text[f"age_{band}"], n, round(100 * n / total) if total else None]
            for band, n in report["ages"]
        ]
    elif name == "topics":
        keys = ["topic", "requests"]
        rows = [list(item) for item in report["topics"]]
    elif name in ("carry_volunteers", "carry_villages"):
        first = "volunteer" if name == "carry_volunteers" else "village"
        keys = [first, "bundles", "carry_hours", "import_hours", "worst_hours"]
        rows = []
        for key, s in report["carry"][name.removeprefix("carry_")]:
            if isinstance(key, tuple):
                # No village: the bundles of phones enrolled at no point.
                label = (key[1] if lang == "en" else key[0]) or text["unenrolled"]
            elif key == OUTSIDE:
                label = text["carrier_outside"]
            else:
                label = key or text["anonymous"]
            rows.append([label, s["bundles"], s["carry"], s["import"], s["worst"]])
    elif name == "trend":
        keys = ["week", "trend_active", "trend_lessons", "trend_unverified"]
        rows = [[w["week"], w["active"], w["lessons"], w["unverified"]] for w in report["trend"]]
    elif name == "learners":
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
    elif name == "spread":
        keys = ["pack", "version"]
        header = [text[k] for k in keys] + [_label(g, lang) for g in groups]
        rows = [
            [r["title_en"] if lang == "en" else r["title"], r["version"], *r["cells"]]
            for r in report["spread"]
        ]
        return header, rows
    else:
        raise KeyError(name)
    return [text[k] for k in keys], rows[:limit]
