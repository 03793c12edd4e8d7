"""The county reads every case of the shared archive vectors (tests/vectors/archives.json) as
the phone does (pwa/test/archive.test.mjs): the same cases accepted, the same codes refused."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import pytest

from xuedian.errors import XuedianError
from xuedian.packs.archive import check_archive, read_manifest

VECTORS = Path(__file__).resolve().parents[2] / "vectors"
DATA = json.loads((VECTORS / "archives.json").read_text("utf-8"))


def _code(path: Path) -> str | None:
    try:
        manifest, _ = read_manifest(path, DATA["trusted"])
        check_archive(path, manifest)
    except XuedianError as error:
        return error.code
    return None


@pytest.mark.parametrize("case", DATA["cases"], ids=[c["name"] for c in DATA["cases"]])
def test_archive_vector_gives_its_code(case, tmp_path):
    path = tmp_path / "case.xdpack"
    path.write_bytes(base64.b64decode(case["archive"]))
    assert _code(path) == case["code"], case["description"]


def test_archive_vectors_are_what_the_generator_writes():
    sys.path.insert(0, str(VECTORS))
    try:
        import make_archive_vectors
    finally:
        sys.path.remove(str(VECTORS))
    assert (VECTORS / "archives.json").read_text("utf-8") == make_archive_vectors.text()
    codes = {c["code"] for c in DATA["cases"]}
    assert {None, "pack-archive-unsafe", "pack-archive-invalid", "blob-hash-mismatch"} <= codes
