"""Words of the province dashboard (province/pages.py), in both languages; kept apart from
words_zh.py and words_en.py for length alone."""

from __future__ import annotations

ZH: dict[str, str] = {
    "nav_province": "全省",
    "pv.title": "全省看板",
    "pv.all_counties": "全部县",
    "pv.villages": "各村",
    "pv.counties": "县数",
    "pv.county": "县",
    "pv.note": "各县只发来汇总数字，从不发来学员的记录；数字为各县最近一次发来的统计（最近30天）。",
    "pv.months": "每月学习",
    "pv.months_learners": "每月学员",
    "pv.month": "月份",
    "pv.packs": "各县课程完成情况",
}

EN: dict[str, str] = {
    "nav_province": "Province",
    "pv.title": "Province dashboard",
    "pv.all_counties": "All counties",
    "pv.villages": "Villages",
    "pv.counties": "Counties",
    "pv.county": "County",
    "pv.note": "Counties send only aggregate counts, never learners' records; figures are each "
    "county's latest document (the 30 days to its day of sending).",
    "pv.months": "Learning by month",
    "pv.months_learners": "Learners by month",
    "pv.month": "Month",
    "pv.packs": "Course completion by county",
}
