"""The builder refuses bad sources naming the file and field: front matter, lessons,
quizzes, media ffmpeg cannot read, and through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from xuedian.packs.builder import build
from xuedian.packs.source import PackSourceInvalid

pytestmark = pytest.mark.usefixtures("build_cache")


@pytest.fixture
def keyring(offline_keyring):
    """A key ring of its own: building needs no database."""
    return offline_keyring


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), "utf-8")


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
    ("name", "content", "message"),
    [
        (
            "lessons/09-orphan.en.md",
            "Hello",
            "lessons/09-orphan.en.md: no lesson lessons/09-orphan.md for this English body",
        ),
        (
            "lessons/02-offline.en.md",
            "---\ntitle: x\n---\nHi",
            "lessons/02-offline.en.md: must not have front matter",
        ),
        (
            "lessons/03-sync.en.md",
            "![x](media/nope.svg)",
            "lessons/03-sync.en.md: image media/nope.svg: no such file",
        ),
        ("media/anim.gif", b"GIF89a", "media/anim.gif: unsupported media type"),
        (
            "media/welcome.png",
            b"x",
            "media/welcome.svg: builds to media/welcome.webp, as media/welcome.png does",
        ),
        (
            "lessons/04-Upper.md",
            "---\ntitle: {zh-CN: 甲, en: A}\n---\nbody",
            "lessons/04-Upper.md: file name must be lowercase",
        ),
        (
            "lessons/04-empty.md",
            "---\ntitle: {zh-CN: 甲, en: A}\n---\n\n",
            "lessons/04-empty.md: the lesson body is empty",
        ),
        (
            "lessons/04-open.md",
            "---\ntitle: x\n",
            "lessons/04-open.md: front matter block is not closed",
        ),
    ],
)
def test_build_source_errors_name_the_file(pack_source, keyring, tmp_path, name, content, message):
    target = pack_source / name
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, "utf-8")
    with pytest.raises(PackSourceInvalid) as caught:
        build(pack_source, tmp_path, keyring)
    assert message in caught.value.message


def test_build_refuses_media_ffmpeg_cannot_read(pack_source, keyring, tmp_path):
    (pack_source / "media" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(PackSourceInvalid) as caught:
        build(pack_source, tmp_path, keyring)
    assert caught.value.message.startswith("media/broken.png: ffmpeg failed")


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
