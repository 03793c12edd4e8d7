"""The builder validates sources, sanitises lessons, signs, and is deterministic."""

from __future__ import annotations

import gzip
import hashlib
import json
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from xuedian.keys.service import KeyRing, SignatureInvalid, verify_envelope
from xuedian.packs.builder import build
from xuedian.packs.render import plain_text, render_lesson, sanitise
from xuedian.packs.schemas import PackManifest
from xuedian.packs.source import PackSourceInvalid


@pytest.fixture
def keyring(tmp_path):
    """A key ring of its own: building needs no database."""
    ring = KeyRing(tmp_path / "instance")
    ring.create()
    return ring


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    """One build cache for the tests that do not test the cache, so each transcodes once."""
    monkeypatch.setenv("XUEDIAN_BUILD_CACHE", str(tmp_path_factory.getbasetemp() / "build-cache"))


def _manifest_bytes(archive: Path) -> bytes:
    with zipfile.ZipFile(archive) as zf:
        return zf.read("manifest.json")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), "utf-8")


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


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (lambda s: s.replace("version: 1", "version: one"), "pack.yaml: version"),
        (lambda s: s.replace("category: digital-skills", "category: games"), "pack.yaml: category"),
        (lambda s: s.replace("  en: Getting started with Xuedian\n", ""), "pack.yaml: title.en"),
        (lambda s: s + "surprise: 1\n", "pack.yaml: surprise: Unknown field."),
    ],
)
def test_build_validation_names_file_and_field(pack_source, keyring, tmp_path, edit, fragment):
    path = pack_source / "pack.yaml"
    path.write_text(edit(path.read_text("utf-8")), "utf-8")
    with pytest.raises(PackSourceInvalid) as caught:
        build(pack_source, tmp_path, keyring)
    assert fragment in caught.value.message


QUESTION = """  - prompt: {zh-CN: 问, en: Q}
    choices: [{zh-CN: 甲, en: A}, {zh-CN: 乙, en: B}]
    answer: 0
    explanation: {zh-CN: 因为, en: Because}
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    answer: 0\n", "    answer: 2\n", "quiz.0.answer: must be between 0 and 1"),
        ("    answer: 0\n", "    answer: '0'\n", "quiz.0.answer: Not a valid integer."),
        (
            "      - zh-CN: 不能，一定要连上网络\n        en: No, it always needs a network\n",
            "",
            "quiz.0.choices: Length must be between 2 and 6.",
        ),
        (
            "      en: The course is stored on the phone, so it opens without a network.\n",
            "",
            "quiz.0.explanation.en: Missing data for required field.",
        ),
        ("quiz:\n", "colour: red\nquiz:\n", "colour: Unknown field."),
        ("quiz:\n", "quiz:\n" + QUESTION * 10, "quiz: Longer than maximum length 10."),
        ("quiz:\n", "audio: narration/01.wav\nquiz:\n", "audio: media/narration/01.wav does not"),
        ("(media/welcome.svg)", "(media/missing.png)", "image media/missing.png: no such file"),
        (
            "(media/welcome.svg)",
            "(https://example.org/a.png)",
            "image https://example.org/a.png: must be a file under media/",
        ),
        ("学点是县里", "# 标题\n\n学点是县里", "no level-1 heading"),
        ("---\ntitle:", "---\ntitle: 欢迎\nx:", "title: Invalid input type."),
    ],
)
def test_build_lesson_errors_name_file_and_field(pack_source, keyring, tmp_path, old, new, message):
    _edit(pack_source / "lessons" / "01-welcome.md", old, new)
    with pytest.raises(PackSourceInvalid) as caught:
        build(pack_source, tmp_path, keyring)
    assert caught.value.message.startswith("lessons/01-welcome.md: ")
    assert message in caught.value.message
    assert caught.value.details["file"] == "lessons/01-welcome.md"


def test_build_lesson_without_title_names_the_lesson(pack_source, keyring, tmp_path):
    path = pack_source / "lessons" / "02-offline.md"
    path.write_text("---\nquiz: []\n---\nbody\n", "utf-8")
    with pytest.raises(PackSourceInvalid) as caught:
        build(pack_source, tmp_path, keyring)
    assert caught.value.message == (
        "lessons/02-offline.md: title: Missing data for required field."
    )


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (
            lambda root: (root / "lessons" / "09-orphan.en.md").write_text("Hello", "utf-8"),
            "lessons/09-orphan.en.md: no lesson lessons/09-orphan.md for this English body",
        ),
        (
            lambda root: (root / "lessons" / "02-offline.en.md").write_text(
                "---\ntitle: x\n---\nHi", "utf-8"
            ),
            "lessons/02-offline.en.md: must not have front matter",
        ),
        (
            lambda root: (root / "lessons" / "03-sync.en.md").write_text(
                "![x](media/nope.svg)", "utf-8"
            ),
            "lessons/03-sync.en.md: image media/nope.svg: no such file",
        ),
        (
            lambda root: (root / "media" / "anim.gif").write_bytes(b"GIF89a"),
            "media/anim.gif: unsupported media type",
        ),
        (
            lambda root: (root / "media" / "welcome.png").write_bytes(b"x"),
            "media/welcome.svg: builds to media/welcome.webp, as media/welcome.png does",
        ),
        (
            lambda root: (root / "lessons" / "04-Upper.md").write_text(
                "---\ntitle: {zh-CN: 甲, en: A}\n---\nbody", "utf-8"
            ),
            "lessons/04-Upper.md: file name must be lowercase",
        ),
        (
            lambda root: (root / "lessons" / "04-empty.md").write_text(
                "---\ntitle: {zh-CN: 甲, en: A}\n---\n\n", "utf-8"
            ),
            "lessons/04-empty.md: the lesson body is empty",
        ),
        (
            lambda root: (root / "lessons" / "04-open.md").write_text("---\ntitle: x\n", "utf-8"),
            "lessons/04-open.md: front matter block is not closed",
        ),
    ],
)
def test_build_source_errors_name_the_file(pack_source, keyring, tmp_path, setup, message):
    setup(pack_source)
    with pytest.raises(PackSourceInvalid) as caught:
        build(pack_source, tmp_path, keyring)
    assert message in caught.value.message


def test_build_refuses_media_ffmpeg_cannot_read(pack_source, keyring, tmp_path):
    (pack_source / "media" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(PackSourceInvalid) as caught:
        build(pack_source, tmp_path, keyring)
    assert caught.value.message.startswith("media/broken.png: ffmpeg failed")


def _tags(html: str) -> list[tuple[str, dict]]:
    """Return every element the browser would build from ``html``."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collector().feed(html)
    return found


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src='https://example.org'></iframe>",
    "<div><p style='position:fixed'>raw html</p></div>",
    "![pixel](data:image/png;base64,iVBORw0KGgo=)",
    "[file](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![remote](https://tracker.example/pixel.png)",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<object data='x.swf'></object><embed src='x.swf'>",
    "<style>body{display:none}</style>",
    "<form action='https://evil.example'><input name=pw></form>",
]


def _assert_harmless(html: str) -> None:
    tags = _tags(html)
    assert {name for name, _ in tags} <= {"p", "a", "img"}, html
    for name, attrs in tags:
        assert not [a for a in attrs if a.startswith("on") or a == "style"], html
        for attr in ("href", "src"):
            value = (attrs.get(attr) or "").lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), html
        if name == "img":
            assert (attrs.get("src") or "/content/").startswith("/content/"), html
    assert "<script" not in html
    assert "alert(1)</script>" not in html or "&lt;script&gt;" in html


@pytest.mark.parametrize("hostile", HOSTILE)
def test_render_lesson_strips_scripts_and_handlers(hostile):
    _assert_harmless(render_lesson(f"text\n\n{hostile}\n"))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_sanitise_strips_hostile_html_even_if_markdown_let_it_through(hostile):
    html = sanitise(f"<p>text</p>{hostile}")
    _assert_harmless(html)
    assert "alert(1)</script>" not in html
    assert "body{display:none}" not in html


def test_render_lesson_escapes_raw_html_as_text():
    html = render_lesson("<b onclick='x()'>bold</b> <iframe src=x></iframe>")
    assert _tags(html) == [("p", {})]
    assert "&lt;b onclick" in html


def test_render_lesson_keeps_ordinary_markup():
    html = render_lesson("# 标题\n\n**粗体** and ![图](/content/p/1/media/a.webp)")
    assert "<h1>标题</h1>" in html
    assert "<strong>粗体</strong>" in html
    assert '<img src="/content/p/1/media/a.webp" alt="图">' in html
    link = render_lesson("[学点](https://example.org/a)")
    assert 'href="https://example.org/a"' in link
    assert 'rel="noopener noreferrer"' in link


def test_plain_text_reads_words_not_markup():
    text = plain_text(
        "**粗体**字\n\n![图](media/a.svg)\n\n- 一\n- 二。\n\n```\ncode()\n```\n<b>x</b>"
    )
    assert text == "粗体字。\n一。\n二。\nx。"


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


def test_cli_packs_build_reports_the_folder_file_and_field(app, pack_source, tmp_path):
    from xuedian.cli import main

    _edit(pack_source / "lessons" / "01-welcome.md", "    answer: 0\n", "    answer: 5\n")
    with app.app_context():
        result = app.test_cli_runner().invoke(main, ["packs", "build", str(pack_source)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: pack-source-invalid: {pack_source}: "
        "lessons/01-welcome.md: quiz.0.answer: must be between 0 and 1"
    )
