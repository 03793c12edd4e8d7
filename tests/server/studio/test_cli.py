"""``xuedian studio publisher add/list`` and ``xuedian studio author add`` through the real
command group: the institution and the author it makes are the ones the studio's pages
use, refusals are one line, and each change is audited."""

from __future__ import annotations

from sqlalchemy import select

from xuedian.audit.models import AuditEvent
from xuedian.cli import main
from xuedian.extensions import db
from xuedian.org.auth import verify_password
from xuedian.org.models import Publisher, Staff


def _invoke(app, runner, args, env=None):
    with app.app_context():
        return runner.invoke(main, args, env=env or {})


def test_publisher_and_author_from_the_command_line(app, runner, tmp_path):
    county = ["org", "area", "add", "--level", "county", "--code", "qs", "--name", "清水县"]
    assert _invoke(app, runner, county).exit_code == 0
    add = ["studio", "publisher", "add", "--code", "wenhuaguan", "--name", "县文化馆"]
    add += ["--name-en", "Cultural centre", "--kind", "cultural-centre", "--area", "qs"]
    made = _invoke(app, runner, add)
    assert made.exit_code == 0, made.output
    assert "publisher wenhuaguan" in made.output
    again = _invoke(app, runner, add)
    assert again.exit_code == 1 and "Error" in again.output
    wrong_kind = _invoke(app, runner, [*add[:-4], "--kind", "shop", "--area", "qs"])
    assert wrong_kind.exit_code == 2

    listed = _invoke(app, runner, ["studio", "publisher", "list"])
    lines = listed.output.splitlines()
    assert lines[0] == "id\tcode\tkind\tarea\tname\tname_en"
    assert lines[1].split("\t")[1:] == [
        "wenhuaguan",
        "cultural-centre",
        "qs",
        "县文化馆",
        "Cultural centre",
    ]

    secret = tmp_path / "pw"
    secret.write_text("a long enough password\n", "utf-8")
    author = ["studio", "author", "add", "--username", "Wang", "--publisher", "wenhuaguan"]
    result = _invoke(app, runner, [*author, "--password-file", str(secret)])
    assert result.exit_code == 0, result.output
    missing = ["studio", "author", "add", "--username", "li", "--publisher", "nowhere"]
    refused = _invoke(app, runner, missing, env={"XUEDIAN_AUTHOR_PASSWORD": "x" * 20})
    assert refused.exit_code == 1
    with app.app_context():
        wang = db.session.scalar(select(Staff).where(Staff.username == "wang"))
        centre = db.session.scalar(select(Publisher).where(Publisher.code == "wenhuaguan"))
        assert wang.role == "author" and wang.publisher_id == centre.id
        assert verify_password(wang, "a long enough password")
        assert db.session.scalar(select(Staff).where(Staff.username == "li")) is None
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"publisher-add", "account-add"} <= actions
