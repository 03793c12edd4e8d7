"""Fixtures for the importers: the shared samples, a key ring, and helpers that make and
check packages."""

from __future__ import annotations

import re
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from support.shared import shared

from xuedian.keys.service import KeyRing
from xuedian.packs.render import render_lesson
from xuedian.packs.source import read_source

ROOT = Path(__file__).resolve().parents[3]


SAMPLES = shared("samples")
UNSAFE_TAGS = {"script", "iframe", "object", "embed", "style", "svg", "form", "input"}


class _Unsafe(HTMLParser):
    """Collects every tag, handler attribute and script URL a page would run."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in UNSAFE_TAGS:
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or "javascript:" in (value or "").lower().replace(" ", ""):
                self.found.append(f"{tag} {name}={value}")


def unsafe_parts(html: str) -> list[str]:
    parser = _Unsafe()
    parser.feed(html)
    parser.close()
    return parser.found


@pytest.fixture
def keyring(tmp_path):
    """A key ring of its own: importing and building need no database."""
    ring = KeyRing(tmp_path / "instance")
    ring.create()
    return ring


@pytest.fixture
def cache(tmp_path_factory, monkeypatch) -> Path:
    """One build cache for every import and build, so each picture transcodes once."""
    folder = tmp_path_factory.getbasetemp() / "build-cache"
    monkeypatch.setenv("XUEDIAN_BUILD_CACHE", str(folder))
    return folder


def png(red: int = 255) -> bytes:
    """Return a valid 2×2 RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes([red, 0, 0]) * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def rendered_lessons(folder: Path) -> list[str]:
    """Return the HTML the pack renderer makes of every imported lesson."""
    return [render_lesson(lesson.body) for lesson in read_source(folder).lessons]


def assert_clean(folder: Path) -> None:
    """The imported folder holds no page code: only the source format, pictures as WebP,
    and lessons that render with no script, frame, handler or javascript: URL."""
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    for name in files:
        assert name in ("pack.yaml", "import-report.json") or re.fullmatch(
            r"lessons/[a-z0-9-]+\.md|media/[a-z0-9-]+\.webp", name
        ), name
    for html in rendered_lessons(folder):
        assert unsafe_parts(html) == [], html[:300]


def entries(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir())
