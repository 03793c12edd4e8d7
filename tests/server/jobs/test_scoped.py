"""A job summary narrowed to one administrator: shared keys, their areas' parts added up,
phones at no point only for a whole top-level area, and nothing else."""

from __future__ import annotations

from xuedian.jobs.scoped import by_area, merge, visible

SUMMARY = {
    "day": "2026-11-24",
    "total": 99,  # neither shared nor per area: shown to nobody
    "by_area": by_area(
        {
            1: {"points": 2, "never": ["p-1"], "pushed": {"sent": 1}},
            2: {"points": 3, "never": ["p-2"], "pushed": {"sent": 2, "failed": 1}},
            7: {"points": 5, "never": ["p-7"]},
            None: {"points": 1},
        }
    ),
}


def test_merge_adds_numbers_joins_lists_and_merges_dicts():
    merged = merge([{"n": 1, "l": ["b"], "d": {"x": 1}}, {"n": 2, "l": ["a"], "d": {"y": 2}}])
    assert merged == {"n": 3, "l": ["a", "b"], "d": {"x": 1, "y": 2}}


def test_visible_keeps_shared_keys_and_the_areas_in_scope():
    seen = visible(SUMMARY, ("day",), {"1", "2"}, unassigned=False)
    assert seen == {
        "day": "2026-11-24",
        "points": 5,
        "never": ["p-1", "p-2"],
        "pushed": {"sent": 3, "failed": 1},
    }


def test_visible_shows_phones_at_no_point_to_a_top_level_administrator_only():
    assert visible(SUMMARY, (), {"7"}, unassigned=True) == {"points": 6, "never": ["p-7"]}
    assert visible(SUMMARY, (), {"7"}, unassigned=False) == {"points": 5, "never": ["p-7"]}


def test_visible_shows_nothing_of_a_summary_not_split_by_area():
    legacy = {"areas": {"c2": {"learners": 40}}, "silent": {"7": ["pt-charlie"]}}
    assert visible(legacy, (), {"1"}, unassigned=True) == {}
    assert visible(None, ("day",), {"1"}, unassigned=True) == {}
