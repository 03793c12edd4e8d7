"""Pack sizes: every course in content_packs/ built, against DESIGN §8's pack budget.

Budget: "a 10-lesson heritage course with 20 minutes of narration fits in ≤ 5 MB". Each
course's size is also projected to exactly 20 minutes of narration (its text and images as
they are, its audio scaled), so a short or long course can be read against the same line.
Run alone with `python -m bench.packs`. kB and MB here are 10^3 and 10^6 bytes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from xuedian.errors import XuedianError
from xuedian.keys.service import KeyRing
from xuedian.packs.builder import build

from .common import ROOT, figure

PACKS = ROOT / "content_packs"
BUDGET_MB = 5.0
BUDGET_MINUTES = 20.0
BUDGET_LESSONS = 10
KB, MB = 1_000, 1_000_000


def _source_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _audio_bytes(manifest: dict) -> int:
    return sum(f["size"] for f in manifest["files"] if f["mime"].startswith("audio/"))


def measure(folder: Path, out: Path, keyring: KeyRing) -> None:
    """Build one course and print its figures."""
    name = folder.name
    built = build(folder, out, keyring)
    manifest = built.manifest["signed"]
    lessons = len(manifest["lessons"])
    minutes = built.audio_seconds / 60
    source = _source_bytes(folder)
    audio = _audio_bytes(manifest)
    print(f"{name}: {lessons} lessons, {minutes:.1f} min of narration", flush=True)
    figure(f"{name}: source files", source / KB, "kB")
    figure(f"{name}: blobs (what a phone downloads)", built.size / KB, "kB")
    figure(f"{name}: archive .xdpack", built.archive_size / KB, "kB")
    figure(f"{name}: archive / source", built.archive_size / source, "x")
    figure(f"{name}: audio share of the archive", 100 * audio / built.archive_size, "%")
    if minutes:
        kbps = audio * 8 / built.audio_seconds / 1000
        figure(f"{name}: audio bit rate incl. container", kbps, "kbps")
        projected = (built.archive_size - audio + audio * BUDGET_MINUTES / minutes) / MB
        figure(f"{name}: projected at 20 min narration", projected, "MB", BUDGET_MB)
    if lessons >= BUDGET_LESSONS:
        figure(f"{name}: archive, {lessons} lessons (§8 pack)", built.archive_size / MB, "MB", 5)


def main() -> None:
    folders = sorted(p.parent for p in PACKS.glob("*/pack.yaml"))
    with tempfile.TemporaryDirectory(prefix="xuedian-bench-packs-") as tmp:
        keyring = KeyRing(Path(tmp) / "keys")
        keyring.create()
        for folder in folders:
            try:
                measure(folder, Path(tmp) / "out", keyring)
            except XuedianError as exc:
                print(f"{folder.name}: not built: {exc.code}: {exc.message}", flush=True)


if __name__ == "__main__":
    main()
