"""The demo organisation made by ``xuedian demo``: county 清水县, two townships, four
villages with a learning point each, an administrator and a volunteer (README "Staff pages").

Idempotent: what already exists (by code or username) is left as it is.
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .auth import verify_password
from .models import Area, LearningPoint
from .service import create_area, create_point, create_staff, staff_by_username

ADMIN = ("admin", "xuedian-admin-demo")
VOLUNTEER = ("volunteer", "xuedian-volunteer-demo")
COUNTY = ("qingshui", "清水县", "Qingshui County")
TOWNSHIPS = [
    ("qingshui-dongzhen", "东镇", "Dongzhen Town"),
    ("qingshui-xixiang", "西乡", "Xixiang Township"),
]
#: (code, name, English name, township code, point code, point name, English point name)
VILLAGES = [
    (
        "qingshui-liucun",
        "柳村",
        "Liucun",
        "qingshui-dongzhen",
        "liucun",
        "柳村学习点",
        "Liucun point",
    ),
    (
        "qingshui-taocun",
        "桃村",
        "Taocun",
        "qingshui-dongzhen",
        "taocun",
        "桃村学习点",
        "Taocun point",
    ),
    (
        "qingshui-shancun",
        "山村",
        "Shancun",
        "qingshui-xixiang",
        "shancun",
        "山村学习点",
        "Shancun point",
    ),
    ("qingshui-hecun", "河村", "Hecun", "qingshui-xixiang", "hecun", "河村学习点", "Hecun point"),
]


def _has_area(code: str) -> bool:
    return db.session.scalar(select(Area.id).where(Area.code == code)) is not None


def ensure_demo_org() -> list[str]:
    """Create whatever of the demo organisation is missing; return what was made."""
    made = []
    code, name, name_en = COUNTY
    if not _has_area(code):
        create_area("county", code, name, name_en)
        made.append(f"county {code}")
    for code, name, name_en in TOWNSHIPS:
        if not _has_area(code):
            create_area("township", code, name, name_en, COUNTY[0])
            made.append(f"township {code}")
    for code, name, name_en, township, point, point_name, point_en in VILLAGES:
        if not _has_area(code):
            create_area("village", code, name, name_en, township)
            made.append(f"village {code}")
        if db.session.scalar(select(LearningPoint.id).where(LearningPoint.code == point)) is None:
            create_point(point, point_name, code, point_en)
            made.append(f"point {point}")
    if staff_by_username(ADMIN[0]) is None:
        create_staff(ADMIN[0], ADMIN[1], "admin", area_code=COUNTY[0])
        made.append(f"admin {ADMIN[0]}")
    if staff_by_username(VOLUNTEER[0]) is None:
        create_staff(VOLUNTEER[0], VOLUNTEER[1], "volunteer", point_code=VILLAGES[0][4])
        made.append(f"volunteer {VOLUNTEER[0]}")
    db.session.commit()
    return made


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, password, what it is) of each demo account that still takes its demo
    password: one whose password was changed, or that was deactivated, is left out."""
    accounts = [
        (ADMIN, f"administrator of county {COUNTY[0]}"),
        (VOLUNTEER, f"volunteer of point {VILLAGES[0][4]}"),
    ]
    return [
        (username, password, role)
        for (username, password), role in accounts
        if verify_password(staff_by_username(username), password)
    ]
