"""`xuedian backup` then `xuedian restore` on a new machine: every table's rows, the
dashboard's figures, the keys and the blobs come back, and phones carry on syncing."""

from __future__ import annotations

import tarfile
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import select

from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.org.models import Staff
from xuedian.packs.builder import build
from xuedian.packs.service import publish

from ..reports.helpers import Learner, make_org
from ..sync.test_feed import ask, changes
from .conftest import run

ROOT = Path(__file__).resolve().parents[3]


def fill(app, tmp_path: Path) -> list[Learner]:
    """A county with points, staff, a published pack and three phones' records."""
    make_org(app)
    keyring = app.extensions["xuedian.keyring"]
    with app.app_context():
        keyring.ensure()
        publish(
            build(ROOT / "content_packs" / "xuedian-welcome", tmp_path / "built", keyring).archive
        )
    client = app.test_client()
    phones = [Learner(client, "p1a"), Learner(client, "p1b"), Learner(client, None)]
    for phone in phones:
        phone.send([phone.record(), phone.record("attempted"), phone.asked("养猪")])
    return phones


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        names = [t.name for t in db.metadata.sorted_tables] + ["alembic_version"]
        counts = {
            name: db.session.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar()  # noqa: S608
            for name in names
        }
        db.session.remove()
        return counts


def dashboard(app, now) -> dict:
    """The county administrator's dashboard figures, as its page builds them."""
    from xuedian.reports import figures
    from xuedian.reports.scope import frame

    with app.test_request_context():
        admin = db.session.scalars(select(Staff).where(Staff.username == "admin")).one()
        report = figures.build(frame(admin, {}, now))
        db.session.remove()
        return report


def test_restore_brings_back_every_row_the_dashboard_keys_and_blobs(site, tmp_path):
    source = site.app("county")
    phones = fill(source, tmp_path)
    cursor = changes(source.test_client(), phones[0].phone)["cursor"]
    before, now = row_counts(source), utcnow()
    figures = dashboard(source, now)
    keys = (Path(source.instance_path) / "keys" / "keys.json").read_text()
    out = tmp_path / "county.xdbackup"
    result = run(source, "backup", "--out", str(out))
    assert result.exit_code == 0, result.output
    site.lose(source)

    target = site.app("new-machine", revision=None)
    result = run(target, "restore", str(out))
    assert result.exit_code == 0, result.output
    assert before["learning_record"] == 9 and before["pack_release"] == 1
    assert row_counts(target) == before
    assert dashboard(target, now) == figures
    assert (Path(target.instance_path) / "keys" / "keys.json").read_text() == keys
    store = target.extensions["xuedian.blobs"]
    with tarfile.open(out) as tar:
        blobs = [n.rsplit("/", 1)[1] for n in tar.getnames() if "/store/blobs/" in n]
    assert blobs and all(store.has(b) for b in blobs)
    assert target.test_client().get(f"/blobs/{blobs[0]}").status_code == 200

    # The server starts again on the restored instance, and the phones carry on where they
    # were: no new registration, the same feed cursor.
    target = site.app("new-machine", revision=None)
    client = target.test_client()
    for phone in phones:
        phone.client = client
        receipt = phone.send([phone.record()])
        assert len(receipt["accepted"]) == 1
    assert ask(client, phones[0].phone, cursor).status_code == 200
    after = row_counts(target)
    assert after["device"] == before["device"] and after["learning_record"] == 12


def test_restore_refuses_an_instance_with_data_unless_forced(site, tmp_path):
    source = site.app("county")
    fill(source, tmp_path)
    before = row_counts(source)
    out = tmp_path / "county.xdbackup"
    assert run(source, "backup", "--out", str(out)).exit_code == 0
    late = Learner(source.test_client(), "p1a")  # one more phone after the backup
    late.send([late.record()])

    refused = run(source, "restore", str(out))
    assert refused.exit_code == 1
    assert "restore-target-not-empty" in refused.output
    assert row_counts(source)["device"] == before["device"] + 1

    forced = run(source, "restore", "--force", str(out))
    assert forced.exit_code == 0, forced.output
    assert row_counts(source) == before
    # The instance's own keys are kept aside, never deleted.
    assert list(Path(source.instance_path).glob("keys.before-restore-*/keys.json"))


def test_restore_of_an_older_schema_migrates_it_up(site, tmp_path):
    source = site.app("county", revision="0012")
    with source.app_context():
        db.session.execute(
            sa.text(
                "INSERT INTO area (level, code, name, path) VALUES ('county', 'old', '旧县', '/')"
            )
        )
        db.session.commit()
        db.session.remove()
    out = tmp_path / "old.xdbackup"
    made = run(source, "backup", "--out", str(out))
    assert made.exit_code == 0 and "schema 0012" in made.output, made.output
    site.lose(source)

    target = site.app("new-machine", revision=None)
    result = run(target, "restore", str(out))
    assert result.exit_code == 0, result.output
    with target.app_context():
        revision = db.session.execute(sa.text("SELECT version_num FROM alembic_version"))
        assert revision.scalar() == _head(target) != "0012"
        assert db.session.execute(sa.text("SELECT name FROM area")).scalar() == "旧县"
        db.session.remove()


def _head(app) -> str:
    from xuedian.backup.service import _scripts

    return _scripts(app).get_current_head()
