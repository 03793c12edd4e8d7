"""``xuedian create-admin`` and ``xuedian org …`` through the real command group."""

from __future__ import annotations

from xuedian.cli import main
from xuedian.extensions import db
from xuedian.org.auth import verify_password
from xuedian.org.models import Staff


def _invoke(app, runner, args, env=None, input=None):
    with app.app_context():
        return runner.invoke(main, args, env=env or {}, input=input)


def _tree(app, runner):
    for args in (
        [
            "org",
            "area",
            "add",
            "--level",
            "county",
            "--code",
            "qs",
            "--name",
            "清水县",
            "--name-en",
            "Qingshui",
        ],
        [
            "org",
            "area",
            "add",
            "--level",
            "township",
            "--code",
            "qs-dz",
            "--name",
            "东镇",
            "--parent",
            "qs",
        ],
        [
            "org",
            "area",
            "add",
            "--level",
            "village",
            "--code",
            "qs-lc",
            "--name",
            "柳村",
            "--parent",
            "qs-dz",
        ],
        ["org", "point", "add", "--code", "lc-1", "--name", "柳村学习点", "--village", "qs-lc"],
    ):
        result = _invoke(app, runner, args)
        assert result.exit_code == 0, result.output


def _staff(app, username):
    with app.app_context():
        return db.session.scalar(db.select(Staff).where(Staff.username == username))


def test_org_tree_and_lists(app, runner):
    _tree(app, runner)
    listing = _invoke(app, runner, ["org", "area", "list"])
    assert listing.exit_code == 0
    lines = listing.output.splitlines()
    assert lines[0].startswith("qs\tcounty\t清水县")
    assert lines[1].startswith("  qs-dz\ttownship")
    assert lines[2].startswith("    qs-lc\tvillage")
    points = _invoke(app, runner, ["org", "point", "list"])
    assert "lc-1\tqs-lc\t柳村学习点" in points.output
    bad = _invoke(
        app,
        runner,
        [
            "org",
            "area",
            "add",
            "--level",
            "village",
            "--code",
            "v",
            "--name",
            "V",
            "--parent",
            "qs",
        ],
    )
    assert bad.exit_code == 1 and "parent must be a township" in bad.output


def test_create_admin_from_env_and_file(app, runner, tmp_path):
    _tree(app, runner)
    result = _invoke(
        app,
        runner,
        ["create-admin", "--username", "officer", "--area", "qs"],
        env={"XUEDIAN_ADMIN_PASSWORD": "env-password-123"},
    )
    assert result.exit_code == 0, result.output
    assert verify_password(_staff(app, "officer"), "env-password-123")
    secret = tmp_path / "pw"
    secret.write_text("file-password-456\n")
    result = _invoke(
        app,
        runner,
        ["create-admin", "--username", "town", "--area", "qs-dz", "--password-file", str(secret)],
        env={"XUEDIAN_ADMIN_PASSWORD": "env-password-123"},
    )
    assert result.exit_code == 0, result.output
    assert verify_password(_staff(app, "town"), "file-password-456")


def test_create_admin_prompts_with_confirmation(app, runner):
    _tree(app, runner)
    result = _invoke(
        app,
        runner,
        ["create-admin", "--username", "officer", "--area", "qs"],
        input="typed-password-1\ntyped-password-1\n",
    )
    assert result.exit_code == 0, result.output
    assert verify_password(_staff(app, "officer"), "typed-password-1")


def test_create_admin_refuses_short_or_missing_password(app, runner):
    _tree(app, runner)
    short = _invoke(
        app,
        runner,
        ["create-admin", "--username", "officer", "--area", "qs"],
        env={"XUEDIAN_ADMIN_PASSWORD": "short"},
    )
    assert short.exit_code == 1 and "at least 10" in short.output
    no_stdin = _invoke(
        app, runner, ["create-admin", "--username", "officer", "--area", "qs"], input=""
    )
    assert no_stdin.exit_code != 0
    unknown = _invoke(
        app,
        runner,
        ["create-admin", "--username", "officer", "--area", "nowhere"],
        env={"XUEDIAN_ADMIN_PASSWORD": "long-enough-1"},
    )
    assert unknown.exit_code == 1 and "No area with code" in unknown.output
    assert _staff(app, "officer") is None


def test_volunteer_add_list_deactivate(app, runner):
    _tree(app, runner)
    added = _invoke(
        app,
        runner,
        ["org", "volunteer", "add", "--username", "wang", "--point", "lc-1"],
        env={"XUEDIAN_VOLUNTEER_PASSWORD": "volunteer-pw-1"},
    )
    assert added.exit_code == 0, added.output
    listing = _invoke(app, runner, ["org", "staff", "list"])
    assert "wang\tvolunteer\tpoint:lc-1\tyes\t-" in listing.output
    off = _invoke(app, runner, ["org", "staff", "deactivate", "wang"])
    assert off.exit_code == 0
    assert (
        "wang\tvolunteer\tpoint:lc-1\tno" in _invoke(app, runner, ["org", "staff", "list"]).output
    )
    assert not verify_password(_staff(app, "wang"), "volunteer-pw-1")
    _invoke(app, runner, ["org", "staff", "activate", "wang"])
    changed = _invoke(
        app,
        runner,
        ["org", "staff", "password", "wang"],
        env={"XUEDIAN_STAFF_PASSWORD": "new-password-99"},
    )
    assert changed.exit_code == 0
    assert verify_password(_staff(app, "wang"), "new-password-99")
    missing = _invoke(app, runner, ["org", "staff", "deactivate", "ghost"])
    assert missing.exit_code == 1 and "No staff account" in missing.output


def test_demo_creates_the_organisation_once(app, runner, tmp_path):
    from xuedian.org.demo import ADMIN, VOLUNTEER
    from xuedian.org.models import Area, LearningPoint

    for _ in range(2):
        result = _invoke(app, runner, ["demo", "--packs-dir", str(tmp_path)])
        assert result.exit_code == 0, result.output
    assert "already there" in result.output
    # What to open, where `make run` serves by default, and the accounts to sign in with.
    assert "Open http://127.0.0.1:8000/ " in result.output
    assert "http://127.0.0.1:8000/staff/login" in result.output
    assert f"{ADMIN[0]} / {ADMIN[1]}" in result.output
    assert f"{VOLUNTEER[0]} / {VOLUNTEER[1]}" in result.output
    with app.app_context():
        levels = [a.level for a in db.session.scalars(db.select(Area))]
        assert sorted(levels).count("county") == 1
        assert levels.count("township") == 2 and levels.count("village") == 4
        assert db.session.query(LearningPoint).count() == 4
        county = db.session.scalar(db.select(Area).where(Area.level == "county"))
        assert (county.code, county.name) == ("qingshui", "清水县")
    admin, volunteer = _staff(app, ADMIN[0]), _staff(app, VOLUNTEER[0])
    assert verify_password(admin, ADMIN[1]) and admin.area_id == county.id
    assert verify_password(volunteer, VOLUNTEER[1]) and volunteer.point_id is not None


def test_demo_prints_where_it_is_served_and_only_accounts_that_still_take_the_demo_password(
    app, runner, tmp_path
):
    from xuedian.org.demo import ADMIN, VOLUNTEER

    _invoke(app, runner, ["demo", "--packs-dir", str(tmp_path)])
    _invoke(
        app,
        runner,
        ["org", "staff", "password", ADMIN[0]],
        env={"XUEDIAN_STAFF_PASSWORD": "a-real-password-77"},
    )
    result = _invoke(
        app, runner, ["demo", "--packs-dir", str(tmp_path), "--url", "http://10.0.0.5:8080/"]
    )
    assert result.exit_code == 0, result.output
    assert "Open http://10.0.0.5:8080/ " in result.output
    assert "http://10.0.0.5:8080/staff/login" in result.output
    assert ADMIN[1] not in result.output
    assert f"{VOLUNTEER[0]} / {VOLUNTEER[1]}" in result.output
