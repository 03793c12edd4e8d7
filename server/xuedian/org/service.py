"""Creating and changing the organisation: areas, learning points and staff accounts.

Every function validates its input and raises :class:`OrgError` with a sentence a county
officer can act on; the CLI prints it, nothing is stored. Callers commit.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from ..core.timeutil import utcnow
from ..core.wirefields import storable
from ..extensions import db
from .auth import MAX_PASSWORD, end_sessions, hash_password
from .models import LEVELS, PUBLISHER_KINDS, Area, LearningPoint, Publisher, Staff

#: Area and point codes, as in the install URL ``/?point=CODE``.
CODE_RE = re.compile(r"^[A-Za-z0-9-]{1,32}$")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10
#: The level an area's parent must have.
PARENT_LEVEL = {"county": None, "township": "county", "village": "township"}


class OrgError(ValueError):
    """Invalid organisation data; the message says what to change.

    A ValueError rather than a XuedianError: it reaches the CLI (in English) and the staff
    administration pages, which show the word ``err_<key>`` (core/words.py) with ``values``
    in the page's language; never a JSON client, so it needs no stable error code."""

    def __init__(self, message: str, key: str = "", **values) -> None:
        super().__init__(message)
        self.key = key
        self.values = values


def _check_code(code: str, what: str) -> str:
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise OrgError(
            f"{what} code {code!r} must be 1-32 letters, digits or hyphens.", "code", code=code
        )
    return code


def _check_name(name: str, what: str, limit: int = 80) -> str:
    name = (name or "").strip()
    if not name or len(name) > limit:
        raise OrgError(f"{what} name must be 1-{limit} characters.", "name", limit=limit)
    return name


def area_by_code(code: str) -> Area:
    area = db.session.scalar(select(Area).where(Area.code == code))
    if area is None:
        raise OrgError(
            f"No area with code {code!r}; `xuedian org area list` shows them.",
            "area_missing",
            code=code,
        )
    return area


def point_by_code(code: str) -> LearningPoint:
    point = db.session.scalar(select(LearningPoint).where(LearningPoint.code == code))
    if point is None:
        raise OrgError(f"No learning point with code {code!r}.", "point_missing", code=code)
    return point


def create_area(
    level: str, code: str, name: str, name_en: str = "", parent_code: str | None = None
) -> Area:
    """Add a county (no parent), a township (in a county) or a village (in a township)."""
    if level not in LEVELS:
        raise OrgError(f"Level must be one of {', '.join(LEVELS)}.", "level")
    code = _check_code(code, "Area")
    name = _check_name(name, "Area")
    name_en = (name_en or "").strip()[:120]
    if db.session.scalar(select(Area.id).where(Area.code == code)) is not None:
        raise OrgError(f"An area with code {code!r} already exists.", "area_exists", code=code)
    wanted = PARENT_LEVEL[level]
    parent = None
    if wanted is None:
        if parent_code:
            raise OrgError("A county has no parent area.", "parent_level")
    else:
        if not parent_code:
            raise OrgError(f"A {level} needs --parent, the code of its {wanted}.", "parent_needed")
        parent = area_by_code(parent_code)
        if parent.level != wanted:
            raise OrgError(
                f"A {level}'s parent must be a {wanted}; {parent_code!r} is a {parent.level}.",
                "parent_level",
            )
    area = Area(level=level, code=code, name=name, name_en=name_en, parent_id=parent and parent.id)
    db.session.add(area)
    db.session.flush()
    area.path = f"{parent.path if parent else '/'}{area.id}/"
    db.session.flush()
    return area


def create_point(code: str, name: str, village_code: str, name_en: str = "") -> LearningPoint:
    """Add a learning point in a village."""
    code = _check_code(code, "Learning point")
    name = _check_name(name, "Learning point")
    if db.session.scalar(select(LearningPoint.id).where(LearningPoint.code == code)) is not None:
        raise OrgError(
            f"A learning point with code {code!r} already exists.", "point_exists", code=code
        )
    village = area_by_code(village_code)
    if village.level != "village":
        raise OrgError(
            f"Learning points sit in villages; {village_code!r} is a {village.level}.",
            "not_village",
        )
    point = LearningPoint(
        code=code,
        name=name,
        name_en=(name_en or "").strip()[:120],
        area_id=village.id,
        created_at=utcnow(),
    )
    db.session.add(point)
    db.session.flush()
    return point


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise OrgError(
            f"The password must be at least {MIN_PASSWORD} characters.",
            "password_short",
            min=MIN_PASSWORD,
        )
    if len(password) > MAX_PASSWORD:
        raise OrgError(
            f"The password must be at most {MAX_PASSWORD} characters.",
            "password_long",
            max=MAX_PASSWORD,
        )
    return password


def create_staff(
    username: str,
    password: str,
    role: str,
    area_code: str | None = None,
    point_code: str | None = None,
    publisher_code: str | None = None,
) -> Staff:
    """Add an administrator scoped to an area, a volunteer scoped to a learning point or an
    author scoped to a publishing institution."""
    username = (username or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise OrgError(
            "A username is 2-64 lower-case letters, digits, dots, hyphens or underscores.",
            "username",
        )
    if db.session.scalar(select(Staff.id).where(func.lower(Staff.username) == username)):
        raise OrgError(f"The username {username!r} is taken.", "username_taken", username=username)
    check_password(password)
    staff = Staff(username=username, role=role, active=True, created_at=utcnow())
    if role == "admin":
        if not area_code or point_code:
            raise OrgError("An administrator is scoped to an area (--area), not a point.", "scope")
        staff.area_id = area_by_code(area_code).id
    elif role == "volunteer":
        if not point_code or area_code:
            raise OrgError(
                "A volunteer is scoped to a learning point (--point), not an area.", "scope"
            )
        staff.point_id = point_by_code(point_code).id
    elif role == "author":
        if not publisher_code or area_code or point_code:
            raise OrgError("An author is scoped to a publishing institution.", "scope")
        staff.publisher_id = publisher_by_code(publisher_code).id
    else:
        raise OrgError("Role must be admin, volunteer or author.", "role")
    staff.password_hash = hash_password(password)
    db.session.add(staff)
    db.session.flush()
    return staff


def publisher_by_code(code: str) -> Publisher:
    found = db.session.scalar(select(Publisher).where(Publisher.code == (code or "")))
    if found is None:
        raise OrgError(f"No publisher {code!r}.", "publisher_missing", code=code)
    return found


def create_publisher(code: str, name: str, name_en: str, kind: str, area: Area) -> Publisher:
    """Register a publishing institution under ``area`` (the caller commits)."""
    code = _check_code(code, "A publisher")
    name, name_en = (name or "").strip(), (name_en or "").strip()
    if not name or len(name) > 80:
        raise OrgError("A name is 1-80 characters.", "name", limit=80)
    if len(name_en) > 120:
        raise OrgError("An English name is at most 120 characters.", "name", limit=120)
    if kind not in PUBLISHER_KINDS:
        raise OrgError("Not a kind of institution.", "publisher_kind")
    if db.session.scalar(select(Publisher.id).where(Publisher.code == code)):
        raise OrgError(f"The code {code!r} is taken.", "publisher_exists", code=code)
    publisher = Publisher(
        code=code, name=name, name_en=name_en, kind=kind, area_id=area.id, created_at=utcnow()
    )
    db.session.add(publisher)
    db.session.flush()
    return publisher


def staff_by_username(username: str) -> Staff | None:
    name = (username or "").strip().lower()
    if not storable(name) or len(name) > 64:
        return None  # no account has such a name, and PostgreSQL cannot compare a NUL
    return db.session.scalar(select(Staff).where(func.lower(Staff.username) == name))


def set_active(username: str, active: bool) -> Staff:
    """Deactivate (or reactivate) an account; deactivating ends its sessions for good (a
    later reactivation does not revive them)."""
    staff = staff_by_username(username)
    if staff is None:
        raise OrgError(f"No staff account {username!r}.", "staff_missing", username=username)
    staff.active = active
    if not active:
        end_sessions(staff)
    db.session.flush()
    return staff


def set_password(username: str, password: str) -> Staff:
    """Set an account's password and end every session it has (a copied cookie too)."""
    staff = staff_by_username(username)
    if staff is None:
        raise OrgError(f"No staff account {username!r}.", "staff_missing", username=username)
    staff.password_hash = hash_password(check_password(password))
    end_sessions(staff)
    db.session.flush()
    return staff


def list_areas() -> list[Area]:
    return list(db.session.scalars(select(Area).order_by(Area.path)))


def list_points() -> list[tuple[LearningPoint, Area]]:
    query = select(LearningPoint, Area).join(Area, LearningPoint.area_id == Area.id)
    return [(p, a) for p, a in db.session.execute(query.order_by(Area.path, LearningPoint.code))]


def list_staff() -> list[Staff]:
    return list(db.session.scalars(select(Staff).order_by(Staff.username)))


def scope_label(staff: Staff) -> str:
    """The code of what an account is scoped to, e.g. ``area:qingshui``."""
    if staff.role == "admin" and staff.area_id:
        area = db.session.get(Area, staff.area_id)
        return f"area:{area.code if area else '?'}"
    if staff.point_id:
        point = db.session.get(LearningPoint, staff.point_id)
        return f"point:{point.code if point else '?'}"
    if staff.publisher_id:
        publisher = db.session.get(Publisher, staff.publisher_id)
        return f"publisher:{publisher.code if publisher else '?'}"
    return "-"
