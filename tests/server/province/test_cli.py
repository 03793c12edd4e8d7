"""``xuedian province``: a county issues a token (shown once, only its hash kept) and
prints its key; a province registers the county with that key pinned, and replaces its
keys after a rotation; revoked tokens stop pulls."""

from __future__ import annotations

import re

from click.testing import CliRunner
from sqlalchemy import select

from xuedian.cli import main
from xuedian.extensions import db
from xuedian.province.models import ProvinceCounty, ProvinceToken


def _run(app, *args):
    with app.app_context():
        return CliRunner().invoke(main, list(args))


def test_token_issue_then_county_add_with_the_printed_key(app, province):
    issued = _run(app, "province", "token", "issue", "sheng")
    assert issued.exit_code == 0, issued.output
    token = re.search(r"^token: (\S+)$", issued.output, re.M).group(1)
    key_id, public = re.search(r"^key: (\S+) (\S+)$", issued.output, re.M).groups()
    with app.app_context():
        row = db.session.scalar(select(ProvinceToken))
        assert row.name == "sheng" and token not in row.token_sha256
    assert _run(app, "province", "token", "issue", "sheng").exit_code == 1
    added = _run(
        province,
        "province",
        "county",
        "add",
        "qingshui",
        "http://c.test/",
        token,
        "--key",
        f"{key_id}:{public}",
    )
    assert added.exit_code == 0, added.output
    with province.app_context():
        county = db.session.scalar(select(ProvinceCounty))
        assert county.url == "http://c.test" and county.token == token
        assert county.keys == [{"key_id": key_id, "alg": "Ed25519", "public_key": public}]
    listed = _run(province, "province", "county", "list")
    assert listed.output.split("\t")[:3] == ["qingshui", "http://c.test", "-"]
    rotated = _run(province, "province", "county", "keys", "qingshui", "--key", "k-new:AAAA")
    assert rotated.exit_code == 0, rotated.output
    with province.app_context():
        assert db.session.scalar(select(ProvinceCounty)).keys[0]["key_id"] == "k-new"
    assert _run(province, "province", "county", "keys", "nobody", "--key", "k:A").exit_code == 1
    revoked = _run(app, "province", "token", "revoke", "sheng")
    assert revoked.exit_code == 0
    name, _created, _used, revoked_at = _run(app, "province", "token", "list").output.split("\t")
    assert name == "sheng" and revoked_at.strip() != "-"
