"""``xuedian relay init|run|status|sync``: pinning keys, and a real ``relay run`` process that
forwards in the background and stops on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import wait_until
from support.processes import free_port as _free_port

from xuedian.cli import main
from xuedian.sync.models import SyncBundle

from ..sync.helpers import Phone, make_record
from .conftest import one_backend
from .test_forward import county_count

XUEDIAN = str(Path(sys.executable).with_name("xuedian"))


def cli(instance: Path, *args: str):
    env = {"XUEDIAN_INSTANCE_PATH": str(instance)}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@one_backend
def test_relay_init_pins_the_county_keys_on_first_use(tmp_path, county):
    instance = tmp_path / "relay-instance"
    result = cli(instance, "relay", "init", "--upstream", county.url + "/")
    assert result.exit_code == 0, result.output
    key = county.app.extensions["xuedian.keyring"].active()
    assert key.key_id in result.output and "xuedian keys list" in result.output
    pinned = json.loads((instance / "relay" / "trusted-keys.json").read_text())
    assert pinned["upstream"] == county.url
    assert pinned["source"].startswith("trust on first use")
    assert [k["public_key"] for k in pinned["keys"]] == [key.public_key]

    # The county rotates: the relay does not follow silently.
    county.app.extensions["xuedian.keyring"].create()
    again = CliRunner().invoke(
        main,
        ["relay", "init", "--upstream", county.url],
        env={"XUEDIAN_INSTANCE_PATH": str(instance)},
    )
    assert again.exit_code == 1
    assert "relay-keys-changed" in again.output
    replaced = cli(instance, "relay", "init", "--upstream", county.url, "--replace")
    assert replaced.exit_code == 0
    assert len(json.loads((instance / "relay" / "trusted-keys.json").read_text())["keys"]) == 2


@one_backend
def test_relay_init_from_a_keys_file_needs_no_network(tmp_path, county):
    keys = tmp_path / "trusted-keys.json"
    with county.app.test_client() as client:
        keys.write_bytes(client.get("/trusted-keys.json").data)
    instance = tmp_path / "relay-instance"
    result = cli(instance, "relay", "init", "--upstream", "http://127.0.0.1:9", "--keys", str(keys))
    assert result.exit_code == 0, result.output
    assert "pinned from file trusted-keys.json" in result.output
    bad = tmp_path / "bad.json"
    bad.write_text('{"keys": [{"key_id": "k", "alg": "RSA", "public_key": "x"}]}')
    refused = CliRunner().invoke(
        main,
        ["relay", "init", "--upstream", "http://x", "--keys", str(bad), "--replace"],
        env={"XUEDIAN_INSTANCE_PATH": str(instance)},
    )
    assert refused.exit_code == 1 and "relay-keys-invalid" in refused.output


def test_relay_run_refuses_to_start_before_init(tmp_path):
    result = CliRunner().invoke(
        main, ["relay", "run"], env={"XUEDIAN_INSTANCE_PATH": str(tmp_path / "nothing")}
    )
    assert result.exit_code == 1
    assert "relay-not-initialised" in result.output


@one_backend
def test_relay_sync_and_status(tmp_path, county):
    instance = tmp_path / "relay-instance"
    assert cli(instance, "relay", "init", "--upstream", county.url).exit_code == 0
    synced = cli(instance, "relay", "sync")
    assert synced.exit_code == 0, synced.output
    assert "outbox 0\tforwarded 0\trefused 0\tpacks 1" in synced.output
    status = cli(instance, "relay", "status").output
    assert f"upstream\t{county.url}" in status
    assert "pack\txuedian-welcome-v1.xdpack" in status
    county.stop()
    offline = CliRunner().invoke(
        main, ["relay", "sync"], env={"XUEDIAN_INSTANCE_PATH": str(instance)}
    )
    assert offline.exit_code == 1 and "could not be reached" in offline.output


def _get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
        return response.status, dict(response.headers), response.read()


def _post_bundle(url: str, data: bytes) -> str:
    boundary = "xuedian-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="bundles"; '
            f'filename="a.xdsync"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(  # noqa: S310 - loopback
        url + "/upload",
        data=body,
        method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.read().decode()


@one_backend
def test_relay_run_serves_forwards_in_the_background_and_stops_on_sigterm(tmp_path, county):
    instance = tmp_path / "relay-instance"
    assert cli(instance, "relay", "init", "--upstream", county.url).exit_code == 0
    port = _free_port()
    env = {**os.environ, "XUEDIAN_INSTANCE_PATH": str(instance)}
    log = open(tmp_path / "relay.log", "wb")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(
        [XUEDIAN, "relay", "run", "--host", "127.0.0.1", "--port", str(port), "--interval", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:

        def answer():
            try:
                return _get(url + "/")
            except OSError:
                assert proc.poll() is None, (tmp_path / "relay.log").read_text()
                return None

        status, headers, page = wait_until(answer, 60, "relay run to answer")
        assert status == 200 and b"<script" not in page
        assert "script-src" not in headers["Content-Security-Policy"]

        receipt = _post_bundle(url, Phone().bundle([[make_record(1), make_record(2)]]))
        assert "已收到 1 个文件" in receipt
        wait_until(lambda: county_count(county, SyncBundle), 30, "the bundle at the county")
        assert (instance / "relay" / "mirror" / "archives" / "xuedian-welcome-v1.xdpack").exists()

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
    output = (tmp_path / "relay.log").read_text()
    assert "forwarded 1 bundles" in output
    with pytest.raises(OSError):
        _get(url + "/")
