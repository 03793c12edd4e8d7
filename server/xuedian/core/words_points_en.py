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
    "nav_services": "Points services",
    "points_catalogue": "Services for points",
    "points_catalogue_intro": (
        "Learners redeem points for these services at learning points. "
        "Volunteers redeem offline; the county checks at sync."
    ),
    "points_saved": "Saved.",
    "points_price": "Points",
    "points_where": "Offered at",
    "points_everywhere": "Every learning point of the county",
    "points_offered": "Offered",
    "points_change": "Change",
    "points_save": "Save",
    "points_add": "Add a service",
    "points_no_services": "No services yet.",
    "points_yes": "Yes",
    "points_no": "No",
    "err.points_name": "Give the service a name, at most 80 characters.",
    "err.points_price": "The points must be a whole number from 1 to 1000000.",
    "err.points_county_wide": (
        "Only a county administrator can set a county-wide service; choose a learning point."
    ),
    "points_phones_title": "Redemption phones",
    "points_phones_hint": (
        "The phones volunteers redeem points on, offline. Only a phone marked here may "
        "redeem: the county accepts only its vouchers at sync, and it receives the "
        "services this learning point offers."
    ),
    "points_phone_marked": "Redemption phone",
    "points_phone_not_marked": "Not for redemptions",
    "points_phone_mark": "Mark as redemption phone",
    "points_phone_unmark": "Unmark redemption phone",
    "action.redemption-phone": "Marked a redemption phone",
    "action.redemption-phone-clear": "Unmarked a redemption phone",
}
