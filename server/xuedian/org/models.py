"""Tables owned by org: the area tree, learning points, publishing institutions and staff
accounts.

Scope is by area path: an area's ``path`` is its ancestors' ids and its own, as
``/1/4/9/``, so "everything under this township" is one ``LIKE '/1/4/%'``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.dbtypes import UTCDateTime
from ..extensions import db

LEVELS = ("county", "township", "village")
ROLES = ("admin", "volunteer", "author")
#: The kinds of institution a county registers as a publisher (studio, docs/studio.md).
PUBLISHER_KINDS = ("school", "library", "cultural-centre", "enterprise", "village-committee")


class Area(db.Model):
    """A county, township or village."""

    __tablename__ = "area"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    level: Mapped[str] = mapped_column(String(10))
    #: A short stable code, e.g. ``qingshui`` or ``qingshui-dongzhen``.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(120), default="", server_default="")
    #: ``/<root id>/…/<own id>/``; set right after the row has its id.
    path: Mapped[str] = mapped_column(String(255), default="", server_default="", index=True)


class LearningPoint(db.Model):
    """A village learning point; phones enrolled with its code report under it."""

    __tablename__ = "learning_point"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: The enrolment code in the install URL (``/?point=CODE``): [A-Za-z0-9-]{1,32}.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(120), default="", server_default="")
    #: The village it sits in.
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Publisher(db.Model):
    """An institution registered by a county (or township) that writes courses in the
    studio; its authors see only its drafts, and its name goes into its packs' manifests."""

    __tablename__ = "publisher"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(120), default="", server_default="")
    kind: Mapped[str] = mapped_column(String(20))
    #: The area that registered it; its administrators and those above manage it.
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Staff(db.Model):
    """A county administrator (scoped to an area), a volunteer (scoped to a point) or an
    author (scoped to a publishing institution)."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(12))
    #: An administrator's area (a county, or a township for a township officer).
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    #: A volunteer's learning point.
    point_id: Mapped[int | None] = mapped_column(ForeignKey("learning_point.id"), index=True)
    #: An author's publishing institution.
    publisher_id: Mapped[int | None] = mapped_column(ForeignKey("publisher.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Stored in each session at sign-in; bumped by sign-out, a password change or reset and
    #: deactivation, which ends every session signed with the old value (auth.py).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
