"""The builder validates sources, sanitises lessons, signs, and is deterministic."""

from __future__ import annotations

import gzip
import hashlib
import json
import zipfile
from html.parser import HTMLParser

import pytest

from xuedian.keys.service import KeyRing, SignatureInvalid, verify_envelope
from xuedian.packs.builder import build
from xuedian.packs.render import render_lesson
from xuedian.packs.source import PackSourceInvalid


@pytest.fixture
def keyring(tmp_path):
    """A key ring of its own: building needs no database."""
    ring = KeyRing(tmp_path / "instance")
    ring.create()
    return ring


def test_build_is_byte_identical_for_the_same_source(pack_source, keyring, tmp_path):
    first = build(pack_source, tmp_path / "a", keyring).archive.read_bytes()
    second = build(pack_source, tmp_path / "b", keyring).archive.read_bytes()
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()


def test_build_signature_round_trips_and_detects_tampering(pack_source, keyring, tmp_path):
    built = build(pack_source, tmp_path, keyring)
    with zipfile.ZipFile(built.archive) as zf:
        envelope = json.loads(zf.read("manifest.json"))
    signed = verify_envelope(envelope, "manifest", keyring.trusted())
    assert signed["pack_id"] == "xuedian-welcome"
    assert signed["key_id"] == keyring.active().key_id
    envelope["signed"]["version"] = 99
    with pytest.raises(SignatureInvalid):
        verify_envelope(envelope, "manifest", keyring.trusted())


def test_build_files_resolve_to_their_hashes(pack_source, keyring, tmp_path):
    built = build(pack_source, tmp_path, keyring)
    manifest = built.manifest["signed"]
    with zipfile.ZipFile(built.archive) as zf:
        decoded = {}
        for blob in manifest["blobs"]:
            data = zf.read(f"blobs/{blob['id']}")
            assert hashlib.sha256(data).hexdigest() == blob["id"]
            decoded[blob["id"]] = gzip.decompress(data) if blob["codec"] == "gzip" else data
    for entry in manifest["files"]:
        data = b"".join(
            decoded[p["id"]][p["offset"] : p["offset"] + p["length"]] for p in entry["blobs"]
        )
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert [lesson["id"] for lesson in manifest["lessons"]] == [
        "01-welcome",
        "02-offline",
        "03-sync",
    ]


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (lambda s: s.replace("version: 1", "version: one"), "pack.yaml: version"),
        (lambda s: s.replace("category: digital-skills", "category: games"), "pack.yaml: category"),
        (lambda s: s.replace("  en: Getting started with Xuedian\n", ""), "pack.yaml: title.en"),
        (lambda s: s + "surprise: 1\n", "pack.yaml: surprise"),
    ],
)
def test_build_validation_names_file_and_field(pack_source, keyring, tmp_path, edit, fragment):
    path = pack_source / "pack.yaml"
    path.write_text(edit(path.read_text("utf-8")), "utf-8")
    with pytest.raises(PackSourceInvalid) as caught:
        build(pack_source, tmp_path, keyring)
    assert fragment in caught.value.message.replace(str(pack_source) + "/", "")


def test_build_lesson_without_title_names_the_lesson(pack_source, keyring, tmp_path):
    path = pack_source / "lessons" / "02-offline.md"
    path.write_text("---\naudio: x.webm\n---\nbody\n", "utf-8")
    with pytest.raises(PackSourceInvalid) as caught:
        build(pack_source, tmp_path, keyring)
    assert "02-offline.md" in caught.value.message
    assert "title" in caught.value.message


def _tags(html: str) -> list[tuple[str, dict]]:
    """Return every element the browser would build from ``html``."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collector().feed(html)
    return found


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src='https://example.org'></iframe>",
    ],
)
def test_render_lesson_strips_scripts_and_handlers(hostile):
    tags = _tags(render_lesson(f"text\n\n{hostile}\n"))
    assert {name for name, _ in tags} <= {"p", "a", "img"}
    for name, attrs in tags:
        assert not [a for a in attrs if a.startswith("on")], name
        assert "javascript:" not in attrs.get("href", "")
        assert "javascript:" not in attrs.get("src", "")
        assert name != "script"


def test_render_lesson_keeps_ordinary_markup():
    html = render_lesson("# 标题\n\n**粗体** and ![图](/content/p/1/media/a.webp)")
    assert "<h1>标题</h1>" in html
    assert "<strong>粗体</strong>" in html
    assert '<img src="/content/p/1/media/a.webp" alt="图">' in html


def test_build_reports_progress_for_every_file(pack_source, keyring, tmp_path):
    seen = []
    build(pack_source, tmp_path, keyring, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
