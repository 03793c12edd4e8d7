"""``xuedian serve`` and ``xuedian relay run`` hand their settings to gunicorn through
Settings: the environment is read, never written, and command options reach the master as
gunicorn options and the app as its factory's argument."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from xuedian import serving
from xuedian.cli import main


class Exec(Exception):
    """Raised instead of replacing the test process."""


@pytest.fixture
def execs(monkeypatch):
    seen = []

    def fake_execv(path, argv):
        seen.append(argv)
        raise Exec

    monkeypatch.setattr(serving.os, "execv", fake_execv)
    return seen


def run(args: list[str], env: dict) -> None:
    before = dict(os.environ)
    result = CliRunner().invoke(main, args, env=env)
    assert isinstance(result.exception, Exec), result.output
    assert dict(os.environ) == before


def test_serve_passes_its_options_as_gunicorn_options_and_factory_arguments(execs, tmp_path):
    run(["serve", "--port", "8123", "--workers", "3"], {"XUEDIAN_INSTANCE_PATH": str(tmp_path)})
    (argv,) = execs
    # The master and its workers leave docstrings out (bench server_rss: 5 MB a worker).
    assert argv[1:4] == ["-OO", "-m", "gunicorn"]
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8123"
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[-1] == ("xuedian:create_app({'bind_port': 8123, 'workers': 3}, migrations=False)")


def test_serve_reads_the_bind_settings_from_the_environment(execs, tmp_path):
    env = {"XUEDIAN_INSTANCE_PATH": str(tmp_path), "XUEDIAN_BIND_HOST": "127.0.0.2"}
    run(["serve"], {**env, "XUEDIAN_BIND_PORT": "8124"})
    (argv,) = execs
    assert argv[argv.index("--bind") + 1] == "127.0.0.2:8124"
    assert "--workers" not in argv
    assert argv[-1] == "xuedian:create_app({}, migrations=False)"


def test_relay_run_gives_upstream_and_interval_to_the_app_not_the_environment(execs, tmp_path):
    env = {"XUEDIAN_INSTANCE_PATH": str(tmp_path)}
    keys = tmp_path / "keys.json"
    key = "w6lQUW0D3BIVANJFXDzjxntm-a3JOzMufOT4W0jcnlA"
    keys.write_text(json.dumps({"keys": [{"key_id": "k1", "alg": "Ed25519", "public_key": key}]}))
    init = CliRunner().invoke(
        main, ["relay", "init", "--upstream", "http://county.invalid", "--keys", str(keys)], env=env
    )
    assert init.exit_code == 0, init.output
    run(["relay", "run", "--upstream", "http://other.invalid", "--interval", "5"], env)
    (argv,) = execs
    assert argv[1] == "-OO"
    assert argv[argv.index("-c") + 1] == "python:xuedian.relay.gunicorn_conf"
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:8080"
    assert argv[-1] == (
        "xuedian:create_relay_app({'relay_upstream': 'http://other.invalid', 'relay_interval': 5})"
    )


def test_the_bytecode_workers_run_is_prepared_before_they_start(tmp_path):
    """`-OO` reads ``*.opt-2.pyc``, which pip never writes: serve and init write it first,
    and the plain kind is left as it was."""
    import importlib.util

    # A folder that is itself called "tests" still counts; the test suites inside do not.
    root = tmp_path / "tests"
    source, suite = root / "pkg" / "mod.py", root / "pkg" / "tests" / "test_mod.py"
    suite.parent.mkdir(parents=True)
    source.write_text('"""A docstring."""\nX = 1\n')
    suite.write_text("def test_x():\n    assert True\n")
    assert serving.compile_bytecode([root])

    def cached(path: Path, optimization="") -> Path:
        return Path(importlib.util.cache_from_source(str(path), optimization=optimization))

    optimized = cached(source, 2)
    assert optimized.exists()
    assert not cached(source).exists()
    assert not cached(suite, 2).exists()
    # Up to date, it is left alone.
    written = optimized.stat().st_mtime_ns
    assert serving.compile_bytecode([root])
    assert optimized.stat().st_mtime_ns == written


def test_gunicorn_settings_come_from_settings_with_the_control_socket_off(monkeypatch):
    monkeypatch.setenv("XUEDIAN_BIND_PORT", "8125")
    monkeypatch.setenv("XUEDIAN_WORKERS", "2")
    config = serving.settings_from_env()
    assert (config["bind"], config["workers"]) == ("127.0.0.1:8125", 2)
    assert config["control_socket_disable"] is True
    relay = serving.relay_settings_from_env()
    assert (relay["bind"], relay["workers"]) == ("0.0.0.0:8125", 1)
    assert relay["control_socket_disable"] is True
    monkeypatch.delenv("XUEDIAN_WORKERS")
    assert serving.settings_from_env(default_workers=4)["workers"] == 4


@pytest.mark.parametrize("settings", [serving.settings_from_env, serving.relay_settings_from_env])
def test_the_master_freezes_its_objects_before_forking_a_worker(settings):
    """A worker's collector never walks what it was forked with, so those pages stay
    shared with the master (bench server_rss: the master's own pages 10.9 -> 8.6 MB)."""
    import gc

    from gunicorn.config import Config

    config = Config()
    for name, value in settings().items():
        config.set(name, value)
    before = gc.get_freeze_count()
    try:
        config.pre_fork(None, None)
        assert gc.get_freeze_count() > before
        gc.disable()
        config.post_fork(None, None)
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()
