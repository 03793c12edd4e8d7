"""``xuedian quarantine purge``: rows past the quota window (or --older-than) are deleted,
newer ones stay and still count."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import select

from xuedian.cli import main
from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.sync.models import QuarantinedRecord


def _row(device: str, days_ago: float) -> QuarantinedRecord:
    return QuarantinedRecord(
        device_id=device,
        code="validation-failed",
        reason={"id": ["Missing."]},
        received_at=utcnow() - timedelta(days=days_ago),
        excerpt="{}",
        stored_bytes=10,
    )


def _left() -> list[str]:
    db.session.remove()
    return sorted(db.session.scalars(select(QuarantinedRecord.device_id)).all())


def test_purge_deletes_rows_past_the_window_and_keeps_the_rest(app):
    with app.app_context():
        db.session.add_all([_row("old", 45), _row("edge", 29), _row("new", 1)])
        db.session.commit()
        result = CliRunner().invoke(main, ["quarantine", "purge"])
        assert result.exit_code == 0, result.output
        assert "deleted 1 quarantine rows older than 30 days" in result.output
        assert _left() == ["edge", "new"]
        result = CliRunner().invoke(main, ["quarantine", "purge", "--older-than", "7"])
        assert result.exit_code == 0, result.output
        assert _left() == ["new"]


def test_purge_refuses_a_window_of_no_days(app):
    with app.app_context():
        db.session.add(_row("new", 1))
        db.session.commit()
        result = CliRunner().invoke(main, ["quarantine", "purge", "--older-than", "0"])
        assert result.exit_code != 0
        assert _left() == ["new"]
