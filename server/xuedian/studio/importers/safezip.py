"""Reading an untrusted zip (IMS CP, SCORM, H5P) without trusting its names or sizes.

Owns the limits on a package: how many entries, how large each may grow, how much it may
expand in all, and which names are acceptable. Every refusal raises ``import-unsafe``.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from ...errors import ImportInvalid, ImportUnsafe

MAX_ENTRIES = 5000
#: What all entries together may expand to.
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_ENTRY_BYTES = 128 * 1024 * 1024
#: A file past this size that expands more than MAX_RATIO times is a bomb, not a page.
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_RATIO = 100


def _check_name(name: str) -> None:
    path = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or (len(name) > 1 and name[1] == ":")
        or any(part == ".." for part in path.parts)
    ):
        raise ImportUnsafe(f"import-unsafe: the entry name {name[:120]!r} leaves the package")


class SafeZip:
    """An opened package whose every entry passed the checks; read files by their name."""

    def __init__(self, path: Path):
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ImportInvalid("not a readable zip file") from exc
        infos = self.zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ImportUnsafe(f"the package has {len(infos)} entries (at most {MAX_ENTRIES})")
        total = 0
        self.files: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            _check_name(info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise ImportUnsafe(f"the entry {info.filename!r} is a symbolic link")
            if info.flag_bits & 0x1:
                raise ImportUnsafe(f"the entry {info.filename!r} is encrypted")
            total += info.file_size
            if info.file_size > MAX_ENTRY_BYTES or total > MAX_TOTAL_BYTES:
                raise ImportUnsafe("the package expands past the size limit (a zip bomb?)")
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
                raise ImportUnsafe(
                    f"the entry {info.filename!r} expands {ratio:.0f} times (a zip bomb?)"
                )
            if not info.is_dir():
                self.files[PurePosixPath(info.filename).as_posix()] = info
        self.read_total = 0

    def names(self) -> list[str]:
        return list(self.files)

    def has(self, name: str) -> bool:
        return name in self.files

    def read(self, name: str) -> bytes:
        """Return the bytes of ``name``, never more than its header promised."""
        info = self.files[name]
        chunks, size = [], 0
        try:
            with self.zip.open(info) as handle:
                while chunk := handle.read(65536):
                    size += len(chunk)
                    if size > info.file_size:
                        raise ImportUnsafe(f"the entry {name!r} is larger than it declares")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise ImportInvalid(f"the entry {name!r} cannot be read") from exc
        self.read_total += size
        if self.read_total > MAX_TOTAL_BYTES:
            raise ImportUnsafe("the package expands past the size limit (a zip bomb?)")
        return b"".join(chunks)

    def text(self, name: str) -> str:
        return self.read(name).decode("utf-8", errors="replace")

    def close(self) -> None:
        self.zip.close()


def check_svgs(package: SafeZip) -> None:
    """Refuse a package that carries a scripted SVG anywhere, used or not."""
    from .common import check_svg

    for name in package.names():
        if name.lower().endswith(".svg"):
            check_svg(name, package.read(name))
