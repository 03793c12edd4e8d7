"""English words of the points part of the catalog (core/words_points_zh.py)."""

from __future__ import annotations

WORDS: dict[str, str] = {
    "points": "Points",
    "points_totals": "Points earned and redeemed",
    "points_services": "Services most redeemed",
    "points_double_spends": "Double spends",
    "points_kind": "Kind",
    "points_kind_earn": "Earned",
    "points_kind_redeem": "Redeemed",
    "points_kind_expire": "Expired",
    "points_kind_reverse": "Reversed",
    "points_entries": "Entries",
    "points_sum": "Points",
    "points_service": "Service",
    "points_redemptions": "Redemptions",
    "points_voucher": "Voucher",
    "points_first_phone": "Device redeemed first",
    "points_time": "Redeemed at",
}
