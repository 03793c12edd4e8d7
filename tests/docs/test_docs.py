"""Docs stay true: every setting, CLI command and error code is documented."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import click

import xuedian
from xuedian.cli import main
from xuedian.config import describe
from xuedian.errors import CODES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _import_everything() -> None:
    for module in pkgutil.walk_packages(xuedian.__path__, "xuedian."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)


def _commands(group: click.Group, prefix: str = "xuedian"):
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            yield from _commands(command, path)
        else:
            yield path


def test_docs_list_every_setting():
    text = (DOCS / "settings.md").read_text("utf-8")
    missing = [name for name, *_ in describe() if f"`{name}`" not in text]
    assert missing == []


def test_docs_list_every_cli_command():
    text = (DOCS / "cli.md").read_text("utf-8")
    missing = [path for path in _commands(main) if f"`{path}" not in text]
    assert missing == []


def test_docs_list_every_error_code():
    _import_everything()
    text = (DOCS / "errors.md").read_text("utf-8")
    missing = sorted(code for code in CODES if f"`{code}`" not in text)
    assert missing == []
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", text, re.M))
    assert documented - set(CODES) == set(), "documented codes the server never sends"


def test_pwa_has_text_for_every_error_code_in_both_languages():
    _import_everything()
    messages = DOCS.parent / "pwa" / "src" / "lib" / "messages"
    for name in ("zh-CN-errors.js", "en-errors.js"):
        catalog = (messages / name).read_text("utf-8")
        missing = sorted(code for code in CODES if f"'err.{code}'" not in catalog)
        assert missing == [], f"add text for these codes in pwa/src/lib/messages/{name}"


def test_security_page_names_tests_that_exist():
    """docs/security.md says which test shows each protection: each must exist."""
    text = (DOCS / "security.md").read_text("utf-8")
    tests = DOCS.parent / "tests"
    named = re.findall(r"`(server/[\w/]+\.py)(?:::(\w+))?`", text)
    assert named
    missing = []
    for path, test in named:
        source = tests / path
        if not source.is_file() or (test and f"def {test}(" not in source.read_text("utf-8")):
            missing.append(f"{path}::{test}")
    assert missing == []
