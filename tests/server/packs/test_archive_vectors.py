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


#: The phone's names for the same refusals (docs/errors.md).
PHONE_NAMES = {
    "pack-signature-invalid": "signature-invalid",
    "pack-key-unknown": "key-unknown",
    "pack-key-expired": "key-expired",
}


def test_phone_and_county_agree_on_mutated_archives(tmp_path):
    """Differential: the vectors with random flips, cuts and inserts (fixed seed), read by the
    county here and by the phone's reader under Node; every code must be the same."""
    import random
    import shutil
    import subprocess

    node = shutil.which("node")
    assert node, "node is needed (scripts/ensure-system.sh installs nodejs)"
    rng = random.Random(20261202)
    seeds = [base64.b64decode(c["archive"]) for c in DATA["cases"]]
    cases, expected = [], []
    for index in range(400):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 3)):
            at = rng.randint(0, len(data))
            kind = rng.randint(0, 2)
            if kind == 0 and data:
                data[at % len(data)] ^= rng.randint(1, 255)
            elif kind == 1:
                del data[at:]
            else:
                data[at:at] = bytes([rng.randint(0, 255)])
        path = tmp_path / f"{index}.xdpack"
        path.write_bytes(bytes(data))
        expected.append(_code(path))
        cases.append({"archive": base64.b64encode(bytes(data)).decode("ascii")})
    listing = tmp_path / "cases.json"
    listing.write_text(json.dumps({"trusted": DATA["trusted"], "cases": cases}), "utf-8")
    pwa = Path(__file__).resolve().parents[3] / "pwa"
    run = subprocess.run(
        [node, "scripts/archive-codes.mjs", str(listing)],
        cwd=pwa,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    phone = [
        "pack-archive-invalid" if code == "pack-archive-not-zip" else PHONE_NAMES.get(code, code)
        for code in json.loads(run.stdout)
    ]
    disagree = [(i, c, p) for i, (c, p) in enumerate(zip(expected, phone, strict=True)) if c != p]
    assert disagree == []
    assert len(set(expected)) >= 3
