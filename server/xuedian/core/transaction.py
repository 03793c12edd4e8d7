"""Running a unit of work that a concurrent writer may race."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from ..extensions import db

T = TypeVar("T")


def retry_once_on_conflict(work: Callable[[], T]) -> T:
    """Return ``work()``, run once more if a concurrent writer committed the same row first.

    ``work`` commits its own transaction and must look again for what it is about to write,
    so the second run finds the winner's rows and answers from them. Any failure rolls the
    session back before it propagates.
    """
    for attempt in range(2):
        try:
            return work()
        except IntegrityError:
            db.session.rollback()
            if attempt:
                raise
        except Exception:
            db.session.rollback()
            raise
    raise AssertionError("unreachable")
