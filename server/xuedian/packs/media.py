"""Pack media: images to WebP, audio to Opus in WebM, narration synthesised by a voice
(voices.py: espeak-ng by default).

Owns the build cache, a folder of finished transcodes keyed by the sha256 of (input bytes,
the exact tool arguments, the tool versions). A cache hit runs no program at all, so a
rebuild is fast, and because ffmpeg runs with bitexact flags a miss gives the same bytes.
Entries are written atomically (temporary file, then rename), so builds may share a cache.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import XuedianError
from .source import AUDIO_SUFFIXES, IMAGE_SUFFIXES
from .voices import EspeakVoice, Voice

MAX_IMAGE_SIDE = 960
WEBP_QUALITY = 75
#: Opus bit rate for speech: 16–24 kbps mono is clear speech at ~150 KB a minute.
AUDIO_BITRATE = "20k"
#: espeak-ng 1.51's plain ``cmn`` voice spells Han characters out as English-read pinyin
#: ("du two yi one…"); ``cmn-latn-pinyin`` speaks them as Mandarin.
NARRATION_VOICE = "cmn-latn-pinyin"
#: espeak-ng words a minute; its default (175) is quick for older listeners.
NARRATION_SPEED = 150
#: Bump when the meaning of a cache entry changes.
CACHE_FORMAT = 1
TIMEOUT_SECONDS = 600

_QUIET = ("-hide_banner", "-loglevel", "error", "-nostdin", "-y")
IMAGE_ARGS = (
    "-vf",
    # Never upscale, keep the aspect ratio, longest side at most MAX_IMAGE_SIDE.
    f"scale='min({MAX_IMAGE_SIDE},iw)':'min({MAX_IMAGE_SIDE},ih)'"
    ":force_original_aspect_ratio=decrease",
    "-frames:v",
    "1",
    "-c:v",
    "libwebp",
    "-lossless",
    "0",
    "-quality",
    str(WEBP_QUALITY),
    "-compression_level",
    "6",
    "-map_metadata",
    "-1",
    "-fflags",
    "+bitexact",
    "-flags:v",
    "+bitexact",
    "-f",
    "webp",
)
AUDIO_ARGS = (
    "-map",
    "0:a:0",
    "-vn",
    "-sn",
    "-dn",
    "-ac",
    "1",
    "-c:a",
    "libopus",
    "-b:a",
    AUDIO_BITRATE,
    "-application",
    "voip",
    "-map_metadata",
    "-1",
    "-map_chapters",
    "-1",
    "-fflags",
    "+bitexact",
    "-flags:a",
    "+bitexact",
    "-f",
    "webm",
)
NARRATION_ARGS = ("-v", NARRATION_VOICE, "-s", str(NARRATION_SPEED), "-b", "1")

_INSTALL = {"ffmpeg": "ffmpeg", "ffprobe": "ffmpeg", "espeak-ng": "espeak-ng"}


class PackToolMissing(XuedianError):
    code = "pack-tool-missing"
    status = 500
    message = "A program the pack builder needs is not installed."


class TranscodeFailed(Exception):
    """A tool could not convert an input; the builder names the source file."""


@dataclass(frozen=True)
class Output:
    """A finished transcode: the bytes to store, their type and, for audio, its length."""

    data: bytes
    mime: str
    seconds: float | None = None


_DIGITS = "零一二三四五六七八九"
#: After these, a number is a quantity ("300元", "5个"), and espeak-ng reads it as one.
_UNITS = "元角分米斤亩个岁天次人秒克块张条位户间座层根把只件名多万千百%％"
_NUMBER = re.compile(r"\d{3,}")


def speakable(text: str) -> str:
    """Return ``text`` with numbers spelled the way a Mandarin speaker reads them aloud.

    A year is read digit by digit (2026年 → 二零二六年). Any other run of three or more
    digits that is not a quantity is read like a phone number, with 1 as 幺
    (96110 → 九六幺幺零), as hotlines are. Shorter numbers and quantities stay as they are.
    """

    def spell(match: re.Match) -> str:
        digits = match.group(0)
        following = text[match.end() : match.end() + 1]
        if following == "年":
            return "".join(_DIGITS[int(d)] for d in digits)
        if following and following in _UNITS:
            return digits
        return "".join("幺" if d == "1" else _DIGITS[int(d)] for d in digits)

    return _NUMBER.sub(spell, text)


def default_cache_dir(setting: str = "") -> Path:
    """Return the build cache folder: ``setting``, else ``$XDG_CACHE_HOME/xuedian/build``,
    else ``~/.cache/xuedian/build``."""
    if setting:
        return Path(setting).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "xuedian" / "build"


def output_path(path: str) -> str:
    """Return where a source media file lands in the pack (``media/a.svg`` → ``media/a.webp``).

    Raises ``ValueError`` for a type the builder does not take.
    """
    source = PurePosixPath(path)
    suffix = source.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return str(source.with_suffix(".webp"))
    if suffix in AUDIO_SUFFIXES:
        return str(source.with_suffix(".webm"))
    raise ValueError(f"unsupported media type {suffix!r}")


def _run(args: list[str]) -> subprocess.CompletedProcess:
    """Run a tool; the one place this module starts a process (tests count calls here)."""
    return subprocess.run(
        args, capture_output=True, stdin=subprocess.DEVNULL, timeout=TIMEOUT_SECONDS, check=False
    )


def _checked(args: list[str]) -> subprocess.CompletedProcess:
    if shutil.which(args[0]) is None:
        raise PackToolMissing(
            f"{args[0]} is not installed; on Debian: apt-get install {_INSTALL[args[0]]}",
            tool=args[0],
        )
    done = _run(args)
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise TranscodeFailed(f"{args[0]} failed: {lines[-1] if lines else done.returncode}")
    return done


@functools.cache
def tool_version(tool: str) -> str:
    """Return the first line of ``tool``'s version banner (part of every cache key)."""
    flag = "--version" if tool == "espeak-ng" else "-version"
    banner = _checked([tool, flag]).stdout.decode("utf-8", "replace")
    return banner.strip().splitlines()[0] if banner.strip() else tool


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class BuildCache:
    """Finished transcodes on disk: ``<key[:2]>/<key>`` (bytes) and ``<key>.json`` (facts)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _paths(self, key: str) -> tuple[Path, Path]:
        base = self.folder / key[:2] / key
        return base, base.with_suffix(".json")

    def get(self, key: str) -> Output | None:
        """Return the cached output for ``key``, None when absent or damaged."""
        data_path, meta_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            data = data_path.read_bytes()
        except (OSError, ValueError):
            return None
        if _sha256(data) != meta.get("sha256"):
            return None
        return Output(data=data, mime=meta["mime"], seconds=meta.get("seconds"))

    def put(self, key: str, output: Output) -> None:
        """Store ``output`` under ``key``; the facts file is written last, marking it whole."""
        data_path, meta_path = self._paths(key)
        _write_atomic(data_path, output.data)
        meta = {"sha256": _sha256(output.data), "mime": output.mime, "seconds": output.seconds}
        _write_atomic(meta_path, json.dumps(meta).encode())


class Transcoder:
    """Turns source media into pack media through the build cache; narration is spoken by
    ``voice`` (voices.py; espeak-ng when not given)."""

    def __init__(self, cache_dir: Path, voice: Voice | None = None):
        self.cache = BuildCache(cache_dir)
        self.voice = voice or EspeakVoice()

    def _key(self, kind: str, data: bytes, tools: tuple[str, ...], args: tuple) -> str:
        facts = {
            "format": CACHE_FORMAT,
            "kind": kind,
            "input": _sha256(data),
            "tools": [tool_version(tool) for tool in tools],
            "args": list(args),
        }
        return _sha256(json.dumps(facts, sort_keys=True).encode())

    def image(self, path: Path) -> Output:
        """Return ``path`` as WebP, longest side ≤ :data:`MAX_IMAGE_SIDE`, never upscaled.

        Raises :class:`TranscodeFailed` or :class:`PackToolMissing`.
        """
        data = path.read_bytes()
        key = self._key("image", data, ("ffmpeg",), IMAGE_ARGS)
        cached = self.cache.get(key)
        if cached:
            return cached
        with tempfile.TemporaryDirectory(prefix="xuedian-media-") as tmp:
            out = Path(tmp) / "out.webp"
            _checked(["ffmpeg", *_QUIET, "-i", str(path), *IMAGE_ARGS, str(out)])
            result = Output(data=out.read_bytes(), mime="image/webp")
        self.cache.put(key, result)
        return result

    def audio(self, path: Path) -> Output:
        """Return ``path`` as mono Opus in WebM with its length in seconds.

        Raises :class:`TranscodeFailed` or :class:`PackToolMissing`.
        """
        data = path.read_bytes()
        key = self._key("audio", data, ("ffmpeg", "ffprobe"), AUDIO_ARGS)
        return self.cache.get(key) or self._encode_audio(key, path)

    def narration(self, text: str) -> Output:
        """Return ``text`` spoken by the build's voice as mono Opus in WebM.

        Raises :class:`TranscodeFailed` or :class:`PackToolMissing`.
        """
        data = speakable(text).encode("utf-8")
        if isinstance(self.voice, EspeakVoice):
            # espeak-ng's key is the one every earlier build cached under.
            key = self._key(
                "narration", data, ("espeak-ng", "ffmpeg", "ffprobe"), NARRATION_ARGS + AUDIO_ARGS
            )
        else:
            facts = (self.voice.name, *self.voice.cache_facts(), *AUDIO_ARGS)
            key = self._key("narration", data, ("ffmpeg", "ffprobe"), facts)
        cached = self.cache.get(key)
        if cached:
            return cached
        with tempfile.TemporaryDirectory(prefix="xuedian-narration-") as tmp:
            wav = Path(tmp) / "speech.wav"
            self.voice.speak(data.decode("utf-8"), wav)
            return self._encode_audio(key, wav)

    def _encode_audio(self, key: str, path: Path) -> Output:
        with tempfile.TemporaryDirectory(prefix="xuedian-media-") as tmp:
            out = Path(tmp) / "out.webm"
            _checked(["ffmpeg", *_QUIET, "-i", str(path), *AUDIO_ARGS, str(out)])
            probe = _checked(
                ["ffprobe", "-v", "error", "-show_entries", "format=duration"]
                + ["-of", "default=noprint_wrappers=1:nokey=1", str(out)]
            )
            try:
                seconds = round(float(probe.stdout.decode().strip()), 1)
            except ValueError as exc:
                raise TranscodeFailed("ffprobe could not measure the audio length") from exc
            result = Output(data=out.read_bytes(), mime="audio/webm", seconds=seconds)
        self.cache.put(key, result)
        return result
