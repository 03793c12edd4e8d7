"""Whatever the bytes, the archive reader raises its own error type: the standard library's
RuntimeError (encryption), NotImplementedError (an unknown method) and RecursionError (deep
JSON) never escape it."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

from xuedian.packs.archive import ArchiveInvalid, check_archive, read_manifest

VECTORS = Path(__file__).resolve().parents[2] / "vectors"
sys.path.insert(0, str(VECTORS))
try:
    import make_archive_vectors as kit
finally:
    sys.path.remove(str(VECTORS))

LISTED = {"blobs": [{"id": kit.ID_A, "size": len(kit.BLOB_A)}, {"id": kit.ID_B, "size": 512}]}


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "case.xdpack"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "change",
    [
        {"method": 99},  # AES: zipfile raises NotImplementedError
        {"method": 98},  # PPMd
        {"flags": 1},  # encrypted: zipfile raises RuntimeError
        {"method": 14},  # LZMA with a header that is not LZMA
    ],
    ids=["aes", "ppmd", "encrypted", "lzma"],
)
def test_check_archive_raises_only_its_own_error(tmp_path, change):
    entries = list(kit.GOOD)
    entries[1] = replace(entries[1], **change)
    path = _write(tmp_path, kit.zip_bytes(entries))
    with pytest.raises(ArchiveInvalid):
        check_archive(path, LISTED)


def test_a_deeply_nested_manifest_is_refused_not_a_recursion_error(tmp_path):
    deep = b'{"signed":' + b"[" * 100_000 + b"]" * 100_000 + b',"signature":"x"}'
    entries = [replace(kit.GOOD[0], data=deep, method=8), *kit.GOOD[1:]]
    with pytest.raises(ArchiveInvalid) as caught:
        read_manifest(_write(tmp_path, kit.zip_bytes(entries)), kit.TRUSTED)
    assert caught.value.code == "pack-archive-invalid"


def test_a_manifest_entry_that_inflates_past_its_cap_is_refused(tmp_path, monkeypatch):
    import xuedian.packs.archive as archive

    monkeypatch.setattr(archive, "MAX_MANIFEST_BYTES", 1000)
    entries = [replace(kit.GOOD[0], data=b" " * 5000 + b"{}", method=8), *kit.GOOD[1:]]
    with pytest.raises(ArchiveInvalid) as caught:
        read_manifest(_write(tmp_path, kit.zip_bytes(entries)), kit.TRUSTED)
    assert caught.value.code == "pack-archive-unsafe"
