"""A job summary split by area, and the part of it one administrator may read.

A job's summary (what its function returns, kept with the run) holds two kinds of keys:

- the job's ``shared`` keys (``@job(..., shared=("day",))``): facts about the run that name
  no area's data (the day it covered, rows of server housekeeping removed). Every
  administrator reads them;
- ``by_area``: ``{area id: part}``, what the run found in each area (``""``: phones at no
  learning point). An administrator reads the parts of the areas in their scope, added
  up by :func:`merge` (numbers add, lists join, dicts merge key by key); parts at no area
  only an administrator of a whole top-level area reads.

Any other key is shown to nobody on the page, so a job that forgets to split its summary
hides it rather than showing one county's figures to another (``xuedian jobs list`` shows
the operator everything).
"""

from __future__ import annotations

from collections.abc import Iterable

BY_AREA = "by_area"
#: The ``by_area`` key of what belongs to no area (phones at no learning point).
NO_AREA = ""


def by_area(parts: dict[int | None, dict]) -> dict[str, dict]:
    """``{area id or None: part}`` as stored in a summary (JSON keys are text)."""
    return {NO_AREA if area is None else str(area): part for area, part in parts.items()}


def merge(parts: Iterable[dict]) -> dict:
    """One part adding up ``parts``: numbers add, lists join, dicts merge key by key, and
    other values keep the first one seen."""
    out: dict = {}
    for part in parts:
        for key, value in part.items():
            if key not in out:
                out[key] = merge([value]) if isinstance(value, dict) else value
            elif isinstance(value, dict) and isinstance(out[key], dict):
                out[key] = merge([out[key], value])
            elif isinstance(value, list) and isinstance(out[key], list):
                out[key] = sorted([*out[key], *value], key=str)
            elif _number(value) and _number(out[key]):
                out[key] = out[key] + value
    return out


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def visible(summary: dict | None, shared: Iterable[str], areas: set[str], unassigned: bool) -> dict:
    """The part of a run's ``summary`` an administrator may read: the ``shared`` keys,
    then the ``by_area`` parts of ``areas`` (ids as text) merged, and the part of no area
    when ``unassigned``."""
    if not summary:
        return {}
    out = {key: summary[key] for key in shared if key in summary}
    parts = summary.get(BY_AREA)
    if isinstance(parts, dict):
        mine = [
            part
            for area, part in sorted(parts.items())
            if isinstance(part, dict) and (area in areas or (unassigned and area == NO_AREA))
        ]
        out.update({k: v for k, v in merge(mine).items() if k not in out})
    return out
