"""``xuedian packs import``: open packages (ZIM, IMS CP / SCORM, H5P) to pack source folders.

Owns the choice of importer for a file; each format lives in its own module and all of them
write through :class:`~.common.PackWriter`, which stages the folder and reports.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from ...errors import ImportInvalid, ImportUnsupported
from ...packs.schemas import PACK_ID
from .common import PackWriter, Report

ZIM_MAGIC = b"ZIM\x04"
DEFAULT_MAX_LESSONS = 200


@dataclass(frozen=True)
class Options:
    max_lessons: int = DEFAULT_MAX_LESSONS
    category: str = "local"
    pack_id: str = ""


def detect(path: Path) -> str:
    """Return ``zim``, ``h5p`` or ``imscp`` for the package in ``path``.

    Raises ``import-invalid`` for an unreadable file, ``import-unsupported`` for another kind.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise ImportInvalid("the file cannot be read") from exc
    if head == ZIM_MAGIC:
        return "zim"
    if not zipfile.is_zipfile(path):
        raise ImportUnsupported("neither a ZIM archive nor a zip package")
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportInvalid("not a readable zip file") from exc
    if "h5p.json" in names:
        return "h5p"
    if "imsmanifest.xml" in names:
        return "imscp"
    raise ImportUnsupported("a zip with neither imsmanifest.xml nor h5p.json at its root")


def import_package(path: Path, out: Path, cache_dir: Path, options: Options = Options()) -> Report:
    """Import the package in ``path`` into the new pack source folder ``out``.

    Returns the report. Raises ``import-invalid``, ``import-unsafe`` or ``import-unsupported``
    (from :mod:`xuedian.errors`), and then nothing is written.
    """
    path = Path(path)
    if options.pack_id and not PACK_ID.match(options.pack_id):
        raise ImportInvalid("the pack id must be 2–63 lowercase letters, digits and '-'")
    kind = detect(path)
    writer = PackWriter(Path(out), cache_dir)
    try:
        if kind == "zim":
            from .zim import import_zim as run
        elif kind == "h5p":
            from .h5p import import_h5p as run
        else:
            from .imscp import import_imscp as run
        report, meta = run(path, writer, options)
        meta.setdefault("category", options.category)
        if options.pack_id:
            meta["id"] = options.pack_id
        return writer.finish(report, meta)
    except BaseException:
        writer.abandon()
        raise
