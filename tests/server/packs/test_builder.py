"""The builder signs deterministic archives whose files resolve to their hashes, groups lesson
text, rewrites media links and reports progress. Refusals are test_builder_errors.py's."""

from __future__ import annotations

import gzip
import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from xuedian.keys.service import SignatureInvalid, verify_envelope
from xuedian.packs.builder import build
from xuedian.packs.schemas import PackManifest

pytestmark = pytest.mark.usefixtures("build_cache")


@pytest.fixture
def keyring(offline_keyring):
    """A key ring of its own: building needs no database."""
    return offline_keyring


def _manifest_bytes(archive: Path) -> bytes:
    with zipfile.ZipFile(archive) as zf:
        return zf.read("manifest.json")


def test_build_is_byte_identical_for_the_same_source(pack_source, keyring, tmp_path):
    first = build(pack_source, tmp_path / "a", keyring).archive.read_bytes()
    second = build(pack_source, tmp_path / "b", keyring).archive.read_bytes()
    cold = build(pack_source, tmp_path / "c", keyring, cache_dir=tmp_path / "fresh-cache")
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()
    assert cold.archive.read_bytes() == first


def test_build_archive_has_manifest_first_then_sorted_stored_blobs(pack_source, keyring, tmp_path):
    built = build(pack_source, tmp_path, keyring)
    with zipfile.ZipFile(built.archive) as zf:
        infos = zf.infolist()
    names = [info.filename for info in infos]
    assert names[0] == "manifest.json"
    listed = [f"blobs/{b['id']}" for b in built.manifest["signed"]["blobs"]]
    assert names[1:] == sorted(listed) == listed
    assert {info.compress_type for info in infos} == {zipfile.ZIP_STORED}
    assert built.archive_size == built.archive.stat().st_size


def test_build_signature_round_trips_and_one_changed_byte_fails(pack_source, keyring, tmp_path):
    built = build(pack_source, tmp_path, keyring)
    raw = _manifest_bytes(built.archive)
    signed = verify_envelope(json.loads(raw), "manifest", keyring.trusted())
    assert signed["pack_id"] == "xuedian-welcome"
    assert signed["key_id"] == keyring.active().key_id
    at = raw.index(b'"answer": 0') + len(b'"answer": ')
    tampered = raw[:at] + b"1" + raw[at + 1 :]
    with pytest.raises(SignatureInvalid):
        verify_envelope(json.loads(tampered), "manifest", keyring.trusted())


def _decoded_blobs(archive: Path, manifest: dict) -> dict[str, bytes]:
    decoded = {}
    with zipfile.ZipFile(archive) as zf:
        for blob in manifest["blobs"]:
            data = zf.read(f"blobs/{blob['id']}")
            assert hashlib.sha256(data).hexdigest() == blob["id"]
            assert len(data) == blob["size"]
            decoded[blob["id"]] = gzip.decompress(data) if blob["codec"] == "gzip" else data
            assert len(decoded[blob["id"]]) == blob["raw_size"]
    return decoded


def _file(manifest: dict, decoded: dict[str, bytes], path: str) -> bytes:
    entry = next(f for f in manifest["files"] if f["path"] == path)
    return b"".join(
        decoded[p["id"]][p["offset"] : p["offset"] + p["length"]] for p in entry["blobs"]
    )


def test_build_files_resolve_to_their_hashes(pack_source, keyring, tmp_path):
    built = build(pack_source, tmp_path, keyring)
    manifest = built.manifest["signed"]
    assert PackManifest().validate(manifest) == {}
    decoded = _decoded_blobs(built.archive, manifest)
    for entry in manifest["files"]:
        data = _file(manifest, decoded, entry["path"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["size"]
    assert [lesson["id"] for lesson in manifest["lessons"]] == [
        "01-welcome",
        "02-offline",
        "03-sync",
    ]


def test_build_groups_all_lesson_text_in_one_gzip_blob(pack_source, keyring, tmp_path):
    manifest = build(pack_source, tmp_path, keyring).manifest["signed"]
    text = [f for f in manifest["files"] if f["path"].startswith("lessons/")]
    assert len(text) == 6  # three lessons, zh-CN and English
    assert {p["id"] for f in text for p in f["blobs"]} == {
        b["id"] for b in manifest["blobs"] if b["codec"] == "gzip"
    }
    media = [f for f in manifest["files"] if f["path"].startswith("media/")]
    codecs = {b["id"]: b["codec"] for b in manifest["blobs"]}
    assert {codecs[f["blobs"][0]["id"]] for f in media} == {"identity"}


def test_build_lesson_shape(pack_source, keyring, tmp_path):
    manifest = build(pack_source, tmp_path, keyring).manifest["signed"]
    lesson = manifest["lessons"][1]
    audio = lesson.pop("audio")
    assert lesson == {
        "id": "02-offline",
        "title": {"zh-CN": "没有网络也能学", "en": "Learning without a network"},
        "file": "lessons/02-offline.html",
        "files": {"zh-CN": "lessons/02-offline.html", "en": "lessons/02-offline.en.html"},
        "quiz": [
            {
                "id": "q1",
                "prompt": {
                    "zh-CN": "第一次下载课程，最好怎么做？",
                    "en": "What is best when you download a course for the first time?",
                },
                "choices": [
                    {"zh-CN": "用手机流量，越快越好", "en": "Use mobile data, as fast as possible"},
                    {
                        "zh-CN": "连上村里学习点的无线网络",
                        "en": "Join the Wi-Fi at the village learning point",
                    },
                    {"zh-CN": "等到晚上再说", "en": "Wait until the evening"},
                ],
                "answer": 1,
                "explanation": {
                    "zh-CN": "学习点的无线网络不花您的流量。",
                    "en": "The learning point's Wi-Fi does not use your mobile data.",
                },
            }
        ],
    }
    assert audio["path"] == "media/narration/02-offline.webm"
    assert audio["mime"] == "audio/webm"
    assert audio["seconds"] > 1


def test_build_english_body_is_optional(pack_source, keyring, tmp_path):
    (pack_source / "lessons" / "03-sync.en.md").unlink()
    lessons = build(pack_source, tmp_path, keyring).manifest["signed"]["lessons"]
    assert lessons[2]["files"] == {"zh-CN": "lessons/03-sync.html"}
    assert "en" in lessons[0]["files"]


def test_build_rewrites_media_links_to_pack_urls(pack_source, keyring, tmp_path):
    built = build(pack_source, tmp_path, keyring)
    manifest = built.manifest["signed"]
    decoded = _decoded_blobs(built.archive, manifest)
    for path in ("lessons/01-welcome.html", "lessons/01-welcome.en.html"):
        html = _file(manifest, decoded, path).decode()
        assert 'src="/content/xuedian-welcome/1/media/welcome.webp"' in html
        assert "welcome.svg" not in html
    assert "media/welcome.webp" in {f["path"] for f in manifest["files"]}
    assert "media/welcome.svg" not in {f["path"] for f in manifest["files"]}


def test_build_reports_progress_for_every_lesson_media_file_and_narration(
    pack_source, keyring, tmp_path
):
    seen = []
    build(pack_source, tmp_path, keyring, progress=lambda done, total: seen.append((done, total)))
    total = 3 + 1 + 3  # lessons, media/welcome.svg, narrations
    assert seen == [(n, total) for n in range(1, total + 1)]


def test_cli_packs_build_prints_archive_size_and_audio(app, pack_source, tmp_path):
    from xuedian.cli import main

    with app.app_context():
        result = app.test_cli_runner().invoke(
            main, ["packs", "build", str(pack_source), "--out", str(tmp_path / "out")]
        )
    assert result.exit_code == 0, result.output
    archive = tmp_path / "out" / "xuedian-welcome-v1.xdpack"
    path, size, audio = result.stdout.strip().split("\t")
    assert path == str(archive)
    assert size.startswith(f"{archive.stat().st_size} bytes")
    assert audio.endswith(" min audio")
    assert "build xuedian-welcome" in result.stderr
