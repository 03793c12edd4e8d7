"""Media transcoding: WebP images, Opus narration, synthesised speech and the build cache."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from xuedian.packs import media
from xuedian.packs.builder import build
from xuedian.packs.media import PackToolMissing, Transcoder, output_path

# Builds without ``cache_dir`` share one cache, not the user's cache folder.
pytestmark = pytest.mark.usefixtures("build_cache")


def _ffmpeg(*args: str) -> None:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args], check=True
    )


def _probe(path: Path) -> dict:
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        check=True,
        capture_output=True,
    )
    return json.loads(done.stdout)


def _written(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture(scope="session")
def inputs(tmp_path_factory) -> Path:
    """Tiny generated inputs: a wide PNG, a small PNG, an SVG and a 3-second stereo sine."""
    folder = tmp_path_factory.mktemp("media-inputs")
    _ffmpeg(
        "-f", "lavfi", "-i", "color=c=teal:s=2000x1000", "-frames:v", "1", str(folder / "wide.png")
    )
    _ffmpeg(
        "-f", "lavfi", "-i", "color=c=red:s=300x200", "-frames:v", "1", str(folder / "small.png")
    )
    (folder / "tall.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="1800">'
        '<rect width="600" height="1800" fill="#2a9d8f"/></svg>',
        "utf-8",
    )
    _ffmpeg(
        "-f", "lavfi", "-i", "sine=frequency=440:duration=3:sample_rate=44100",
        "-ac", "2", str(folder / "tone.wav"),
    )  # fmt: skip
    return folder


@pytest.fixture
def transcoder(tmp_path) -> Transcoder:
    return Transcoder(tmp_path / "cache")


@pytest.fixture
def keyring(offline_keyring):
    return offline_keyring


@pytest.fixture
def runs(monkeypatch) -> list[list[str]]:
    """Every program the media module starts, in order."""
    seen: list[list[str]] = []
    real = media._run

    def counting(args):
        seen.append(list(args))
        return real(args)

    monkeypatch.setattr(media, "_run", counting)
    return seen


def _size(transcoder, tmp_path, source: Path) -> tuple[int, int]:
    out = _written(tmp_path, "out.webp", transcoder.image(source).data)
    stream = _probe(out)["streams"][0]
    assert stream["codec_name"] == "webp"
    return stream["width"], stream["height"]


def test_image_large_png_becomes_webp_at_most_960(inputs, transcoder, tmp_path):
    result = transcoder.image(inputs / "wide.png")
    assert result.mime == "image/webp"
    assert result.data[:4] == b"RIFF" and result.data[8:12] == b"WEBP"
    assert _size(transcoder, tmp_path, inputs / "wide.png") == (960, 480)


def test_image_is_never_upscaled(inputs, transcoder, tmp_path):
    assert _size(transcoder, tmp_path, inputs / "small.png") == (300, 200)


def test_image_svg_is_rasterised_with_its_longest_side_capped(inputs, transcoder, tmp_path):
    assert _size(transcoder, tmp_path, inputs / "tall.svg") == (320, 960)


def test_audio_becomes_mono_opus_webm_at_speech_rate(inputs, transcoder, tmp_path):
    result = transcoder.audio(inputs / "tone.wav")
    assert result.mime == "audio/webm"
    assert result.seconds == pytest.approx(3.0, abs=0.1)
    probe = _probe(_written(tmp_path, "tone.webm", result.data))
    assert probe["format"]["format_name"] == "matroska,webm"
    (stream,) = probe["streams"]
    assert (stream["codec_name"], stream["channels"]) == ("opus", 1)
    kbps = len(result.data) * 8 / result.seconds / 1000
    assert kbps <= 24
    # bitexact: no library version (or any other metadata) that would change the bytes
    assert probe["format"].get("tags", {}) in ({}, {"encoder": "Lavf"})


def test_narration_speaks_text_as_opus(transcoder, tmp_path):
    result = transcoder.narration("学点是县里为大家准备的学习工具。")
    assert result.mime == "audio/webm"
    assert 1 < result.seconds < 20
    (stream,) = _probe(_written(tmp_path, "n.webm", result.data))["streams"]
    assert (stream["codec_name"], stream["channels"]) == ("opus", 1)


def test_transcodes_are_deterministic_without_the_cache(inputs, tmp_path):
    first = Transcoder(tmp_path / "one")
    second = Transcoder(tmp_path / "two")
    for run, arg in [
        ("image", inputs / "wide.png"),
        ("image", inputs / "tall.svg"),
        ("audio", inputs / "tone.wav"),
        ("narration", "没有网络也能学。"),
    ]:
        assert getattr(first, run)(arg) == getattr(second, run)(arg)


def test_cache_hit_runs_no_program(inputs, transcoder, runs):
    first = transcoder.audio(inputs / "tone.wav")
    assert [args[0] for args in runs if "-version" not in args] == ["ffmpeg", "ffprobe"]
    runs.clear()
    assert transcoder.audio(inputs / "tone.wav") == first
    assert runs == []


def test_cache_ignores_a_damaged_entry(inputs, transcoder, runs):
    first = transcoder.image(inputs / "small.png")
    for entry in transcoder.cache.folder.rglob("*"):
        if entry.is_file() and entry.suffix != ".json":
            entry.write_bytes(b"damaged")
    runs.clear()
    assert transcoder.image(inputs / "small.png") == first
    assert [args[0] for args in runs] == ["ffmpeg"]


def test_missing_tool_is_a_clear_error(inputs, transcoder, monkeypatch):
    media.tool_version.cache_clear()
    monkeypatch.setattr(media.shutil, "which", lambda name: None)
    try:
        with pytest.raises(PackToolMissing) as caught:
            transcoder.image(inputs / "small.png")
    finally:
        media.tool_version.cache_clear()
    assert caught.value.code == "pack-tool-missing"
    assert "ffmpeg is not installed" in caught.value.message


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("media/a.svg", "media/a.webp"),
        ("media/photos/B.JPG", "media/photos/B.webp"),
        ("media/narration/01.wav", "media/narration/01.webm"),
        ("media/x.webm", "media/x.webm"),
    ],
)
def test_output_path_changes_the_suffix_only(source, target):
    assert output_path(source) == target


def test_build_cache_makes_a_rebuild_run_nothing_and_match(pack_source, keyring, tmp_path, runs):
    cache = tmp_path / "cache"
    first = build(pack_source, tmp_path / "a", keyring, cache_dir=cache)
    assert [args[0] for args in runs if "-version" not in args and "--version" not in args]
    runs.clear()
    second = build(pack_source, tmp_path / "b", keyring, cache_dir=cache)
    assert runs == []
    assert second.archive.read_bytes() == first.archive.read_bytes()


def test_build_uses_recorded_audio_instead_of_narration(pack_source, keyring, inputs, tmp_path):
    (pack_source / "media" / "narration").mkdir()
    (pack_source / "media" / "narration" / "voice.wav").write_bytes(
        (inputs / "tone.wav").read_bytes()
    )
    path = pack_source / "lessons" / "02-offline.md"
    path.write_text(
        path.read_text("utf-8").replace("quiz:", "audio: narration/voice.wav\nquiz:", 1)
    )
    built = build(pack_source, tmp_path, keyring, cache_dir=tmp_path / "cache")
    manifest = built.manifest["signed"]
    audio = manifest["lessons"][1]["audio"]
    assert audio == {"path": "media/narration/voice.webm", "mime": "audio/webm", "seconds": 3.0}
    paths = {f["path"] for f in manifest["files"]}
    assert "media/narration/02-offline.webm" not in paths
    assert {"media/narration/01-welcome.webm", "media/narration/03-sync.webm"} <= paths
    assert built.audio_seconds == pytest.approx(
        sum(lesson["audio"]["seconds"] for lesson in manifest["lessons"])
    )


def test_build_narration_is_synthesised_for_a_lesson_without_audio(pack_source, keyring, tmp_path):
    built = build(pack_source, tmp_path, keyring)
    lesson = built.manifest["signed"]["lessons"][0]
    entry = next(
        f for f in built.manifest["signed"]["files"] if f["path"] == lesson["audio"]["path"]
    )
    with zipfile.ZipFile(built.archive) as zf:
        data = zf.read(f"blobs/{entry['blobs'][0]['id']}")
    (stream,) = _probe(_written(tmp_path, "lesson.webm", data))["streams"]
    assert stream["codec_name"] == "opus"
    assert lesson["audio"]["seconds"] > 5


def test_narration_prefers_the_front_matter_text(pack_source, keyring, tmp_path):
    path = pack_source / "lessons" / "03-sync.md"
    path.write_text(path.read_text("utf-8").replace("quiz:", "narration: 好。\nquiz:", 1))
    lesson = build(pack_source, tmp_path, keyring, cache_dir=tmp_path / "cache").manifest["signed"][
        "lessons"
    ][2]
    assert lesson["audio"]["seconds"] < 3


def test_narration_reads_hotlines_digit_by_digit_and_years_as_years():
    from xuedian.packs.media import speakable

    text = "请拨打96110或110。2026年，花了300元，5个人。"
    assert speakable(text) == "请拨打九六幺幺零或幺幺零。二零二六年，花了300元，5个人。"
