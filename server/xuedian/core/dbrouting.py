"""Reads on a PostgreSQL streaming replica (``XUEDIAN_READ_REPLICA_URL``), writes on the primary.

Owns two facts kept per database session (``session.info``, so per request): whether the
code running asked for replica reads (:func:`replica_reads`), and which tables the session
wrote. A statement goes to the replica only when all of these hold: a replica is set, the
session asked for it, the statement is a plain SELECT (not ``FOR UPDATE``, not inside a
flush), and it reads no table this session wrote (after raw SQL, which may have written
anything, no read of the session goes there). So report pages and exports read the
replica, and whatever writes, or reads what it just wrote, uses the primary.
"""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask_sqlalchemy.session import Session
from sqlalchemy.sql import Select
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.util import find_tables

#: The bind key of the replica engine (``SQLALCHEMY_BINDS``); no model uses it.
REPLICA = "replica"
_ASKED = "xuedian.replica_reads"
_WRITTEN = "xuedian.written_tables"
_RAW = "xuedian.raw_sql"


def engine_options(url: str) -> dict:
    """Return the ``SQLALCHEMY_BINDS`` entry of the replica at ``url``.

    Raises ``ValueError`` for anything but PostgreSQL (streaming replicas are its own).
    """
    if not url.startswith("postgresql"):
        raise ValueError("XUEDIAN_READ_REPLICA_URL must be a postgresql:// URL")
    return {
        "url": url,
        "pool_pre_ping": True,
        # Named, so pg_stat_activity on the replica shows who reads there.
        "connect_args": {"application_name": "xuedian-reports"},
    }


class RoutingSession(Session):
    """``db.session``: Flask-SQLAlchemy's session, with replica reads where asked."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        written = self.info.setdefault(_WRITTEN, set())
        if bind is None and self._flushing and mapper is not None:
            written.update(t.name for t in sa.inspect(mapper).tables)
        elif isinstance(clause, UpdateBase):
            written.update(t.name for t in find_tables(clause, include_crud=True))
        elif clause is not None and not isinstance(clause, Select):
            self.info[_RAW] = True  # raw SQL may have written any table
        elif bind is None and self._replica_may_answer(clause, written):
            return self._db.engines[REPLICA]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)

    def _replica_may_answer(self, clause, written: set[str]) -> bool:
        if not self.info.get(_ASKED) or self.info.get(_RAW) or self._flushing:
            return False
        if not isinstance(clause, Select):
            return False
        if clause._for_update_arg is not None or REPLICA not in self._db.engines:
            return False
        tables = find_tables(clause, include_aliases=True, include_joins=True)
        return not any(getattr(t, "name", None) in written for t in tables)


def replica_reads(view):
    """Decorate a view (under its sign-in check) whose reads may come from the replica."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        from ..extensions import db

        db.session.info[_ASKED] = True
        return view(*args, **kwargs)

    return wrapped
