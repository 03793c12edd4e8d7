"""Points expire first in, first out, once per learner and day, and only when the county
sets XUEDIAN_POINTS_EXPIRE_DAYS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from xuedian.extensions import db
from xuedian.points import ledger
from xuedian.points.expiry import expire_due
from xuedian.points.models import PointsEntry

NOW = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)


def _entry(key, learner, kind, points, days_ago):
    ledger.append(key, learner, kind, points, "test", created=NOW - timedelta(days=days_ago))


def test_unspent_old_points_expire_first_in_first_out(app):
    with app.app_context():
        # old: earned 100 a year ago, spent 30 this month -> 70 expire
        _entry("e1", "old", "earn", 100, 400)
        _entry("r1", "old", "redeem", -30, 10)
        # spent: earned 100 a year ago, spent 120 (recent earnings paid the rest) -> none
        _entry("e2", "spent", "earn", 100, 400)
        _entry("e3", "spent", "earn", 50, 5)
        _entry("r2", "spent", "redeem", -120, 2)
        # fresh: everything is recent -> none
        _entry("e4", "fresh", "earn", 80, 30)
        # reversed: an old earning was reversed -> it cannot expire a second time
        _entry("e5", "reversed", "earn", 40, 400)
        _entry("v5", "reversed", "reverse", -40, 300)
        db.session.commit()

        assert expire_due(NOW, 365) == (1, 70)
        assert ledger.balance("old") == 0
        assert ledger.balance("spent") == 30
        assert ledger.balance("fresh") == 80
        assert ledger.balance("reversed") == 0

        # The same day again: the key is taken, nothing more expires.
        assert expire_due(NOW, 365) == (0, 0)
        # A month later the old learner has nothing left to expire either.
        assert expire_due(NOW + timedelta(days=30), 365) == (0, 0)
        expired = db.session.scalars(select(PointsEntry).where(PointsEntry.kind == "expire"))
        assert [(e.learner, e.points, e.key) for e in expired] == [
            ("old", -70, "expire:old:2026-12-02")
        ]


def test_points_earned_later_expire_later(app):
    with app.app_context():
        _entry("a", "lea", "earn", 50, 400)
        _entry("b", "lea", "earn", 20, 100)
        db.session.commit()
        assert expire_due(NOW, 365) == (1, 50)
        assert expire_due(NOW + timedelta(days=266), 365) == (1, 20)
        assert ledger.balance("lea") == 0


def test_expiry_is_off_by_default(app):
    with app.app_context():
        _entry("a", "keep", "earn", 50, 4000)
        db.session.commit()
        assert app.config["XUEDIAN"].points_expire_days == 0
        assert expire_due(NOW, app.config["XUEDIAN"].points_expire_days) == (0, 0)
        assert ledger.balance("keep") == 50
