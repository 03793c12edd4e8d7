"""The catalog's (core/words.py) Chinese words for points (积分): the services catalogue
page and the points reports. Kept apart from words_zh.py only for its length; the keys
are one catalog with it."""

from __future__ import annotations

WORDS: dict[str, str] = {
    "points": "积分",
    "points_totals": "积分收支",
    "points_services": "兑换最多的服务",
    "points_double_spends": "重复兑换",
    "points_kind": "类别",
    "points_kind_earn": "获得",
    "points_kind_redeem": "兑换",
    "points_kind_expire": "过期",
    "points_kind_reverse": "冲销",
    "points_entries": "笔数",
    "points_sum": "积分",
    "points_service": "服务",
    "points_redemptions": "兑换次数",
    "points_voucher": "兑换券",
    "points_first_phone": "先兑换的设备",
    "points_time": "兑换时间",
}
