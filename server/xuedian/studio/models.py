"""Tables owned by the studio: a draft per pack (its publisher and review state) and the
reviewers' comments per lesson. The draft's content itself is a pack source folder under
the instance (``<instance>/studio/<pack id>/``, service.draft_root), never a table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.dbtypes import UTCDateTime
from ..extensions import db

#: The review states, in order (service.TRANSITIONS says who moves a draft where).
STATES = ("draft", "submitted", "approved", "published")


class Draft(db.Model):
    """One course being written by a publishing institution."""

    __tablename__ = "studio_draft"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: The pack id of pack.yaml; one draft per pack, for good.
    pack_id: Mapped[str] = mapped_column(String(64), unique=True)
    publisher_id: Mapped[int] = mapped_column(ForeignKey("publisher.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The last version published from this draft (0: never).
    published_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class DraftComment(db.Model):
    """A reviewer's comment on one lesson (or the whole draft: lesson_id '')."""

    __tablename__ = "studio_comment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("studio_draft.id"), index=True)
    lesson_id: Mapped[str] = mapped_column(String(64), default="", server_default="")
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
