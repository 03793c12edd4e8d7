"""`xuedian packs list` and `packs export`: volunteers carry verified archives."""

from __future__ import annotations

import zipfile

from click.testing import CliRunner

from xuedian.cli import main
from xuedian.packs.archive import read_manifest
from xuedian.packs.builder import build
from xuedian.packs.service import publish


def _publish(app, pack_source, keyring, tmp_path):
    archive = build(pack_source, tmp_path / "built", keyring).archive
    with app.app_context():
        publish(archive)
    return archive


def _run(app, *args: str):
    with app.app_context():
        return CliRunner().invoke(main, list(args))


def test_export_copies_the_current_archive_verified(app, pack_source, keyring, tmp_path):
    archive = _publish(app, pack_source, keyring, tmp_path)
    listing = _run(app, "packs", "list")
    assert listing.exit_code == 0, listing.output
    assert listing.output.startswith("xuedian-welcome\tv1\t")

    out = tmp_path / "sdcard"
    result = _run(app, "packs", "export", "--out", str(out))
    assert result.exit_code == 0, result.output
    copied = out / archive.name
    assert copied.read_bytes() == archive.read_bytes()
    manifest, _ = read_manifest(copied, keyring.trusted())
    assert manifest["pack_id"] == "xuedian-welcome"
    assert [p.name for p in out.iterdir()] == [archive.name]


def test_export_refuses_unknown_packs_and_damaged_store(app, pack_source, keyring, tmp_path):
    _publish(app, pack_source, keyring, tmp_path)
    result = _run(app, "packs", "export", "nope", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "not-found: No published pack nope." in result.output

    # Damage the stored archive: one blob's bytes change but the zip stays readable.
    stored = next((tmp_path / "instance" / "store" / "archives").glob("*.xdpack"))
    with zipfile.ZipFile(stored) as zf:
        entries = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(stored, "w") as zf:
        for info, data in entries:
            if info.filename.startswith("blobs/"):
                data = bytes([data[0] ^ 1]) + data[1:]
            zf.writestr(info, data)
    out = tmp_path / "out2"
    result = _run(app, "packs", "export", "--out", str(out))
    assert result.exit_code == 1
    assert "blob-hash-mismatch" in result.output
    assert list(out.iterdir()) == []
