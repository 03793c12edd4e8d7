"""Publishing a pack with the CLI tells every phone through the inbox (and push)."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from xuedian.cli import main
from xuedian.packs.builder import build

from ..sync.helpers import now_iso, register

ROOT = Path(__file__).resolve().parents[3]


def test_packs_publish_writes_an_inbox_message_for_every_phone(app, client, tmp_path):
    source = tmp_path / "src" / "xuedian-welcome"
    shutil.copytree(ROOT / "content_packs" / "xuedian-welcome", source)
    archive = build(source, tmp_path / "out", app.extensions["xuedian.keyring"]).archive
    phone = register(client)
    with app.app_context():
        quiet = CliRunner().invoke(main, ["packs", "publish", "--no-notify", str(archive)])
        assert quiet.exit_code == 0, quiet.output
    envelope = phone.sign(
        {"type": "changes-request", "device_id": phone.device_id, "created": now_iso()}
    )
    assert client.post("/api/v1/sync/changes", json=envelope).get_json()["messages"] == []

    path = source / "pack.yaml"
    path.write_text(path.read_text("utf-8").replace("version: 1", "version: 2"), "utf-8")
    archive = build(source, tmp_path / "v2", app.extensions["xuedian.keyring"]).archive
    with app.app_context():
        result = CliRunner().invoke(main, ["packs", "publish", str(archive)])
        assert result.exit_code == 0, result.output
    envelope = phone.sign(
        {"type": "changes-request", "device_id": phone.device_id, "created": now_iso()}
    )
    [message] = client.post("/api/v1/sync/changes", json=envelope).get_json()["messages"]
    assert message["title"]["en"].startswith("Pack updated: ")
    assert "第 2 版" in message["body"]["zh-CN"]
