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
    "nav_services": "积分服务",
    "points_catalogue": "积分兑换服务",
    "points_catalogue_intro": (
        "学员可以在学习点用积分兑换这些服务。志愿者离线兑换，同步时县里核对。"
    ),
    "points_saved": "已保存。",
    "points_price": "所需积分",
    "points_where": "在哪里提供",
    "points_everywhere": "全县所有学习点",
    "points_offered": "提供中",
    "points_change": "修改",
    "points_save": "保存",
    "points_add": "添加服务",
    "points_no_services": "还没有服务。",
    "points_yes": "是",
    "points_no": "否",
    "err.points_name": "请填写服务名称，最多 80 个字。",
    "err.points_price": "所需积分必须是 1 到 1000000 之间的整数。",
    "err.points_county_wide": "只有县级管理员可以设置全县的服务；请选择一个学习点。",
    "points_phones_title": "兑换用手机",
    "points_phones_hint": (
        "志愿者用来离线兑换积分的手机。只有设为兑换用手机的手机能兑换，"
        "同步时县里才认它的兑换券；它也会收到本学习点可兑换的服务。"
    ),
    "points_phone_marked": "兑换用手机",
    "points_phone_not_marked": "不用于兑换",
    "points_phone_mark": "设为兑换用手机",
    "points_phone_unmark": "取消兑换用手机",
    "action.redemption-phone": "设为兑换用手机",
    "action.redemption-phone-clear": "取消兑换用手机",
}
