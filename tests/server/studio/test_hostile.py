"""Damaged and hostile packages are refused with a registered code, and nothing is
written: no output folder, no staging folder left beside it."""

from __future__ import annotations

import zipfile

import pytest

from xuedian.cli import main
from xuedian.errors import CODES, ImportInvalid, ImportUnsafe, XuedianError
from xuedian.studio.importers import Options, import_package, safezip

from .conftest import SAMPLES, entries, png
from .packages import h5p, manifest, write_zip

ITEM = '<item identifier="I" identifierref="R"><title>Page</title></item>'
RESOURCE = '<resource identifier="R" type="webcontent" href="page.html"/>'
PAGE = "<html><body><p>Hello</p></body></html>"


def _refused(path, tmp_path, cache, error=XuedianError) -> XuedianError:
    parent = tmp_path / "parent"
    parent.mkdir(exist_ok=True)
    before = entries(parent)
    with pytest.raises(error) as caught:
        import_package(path, parent / "out", cache)
    assert caught.value.code in CODES
    assert entries(parent) == before, "the import left files behind"
    return caught.value


def _cp(tmp_path, name="p.zip", **extra) -> object:
    files = {"imsmanifest.xml": manifest(ITEM, RESOURCE), "page.html": PAGE, **extra}
    return write_zip(tmp_path / name, files)


@pytest.mark.parametrize("name", sorted(p.name for p in (SAMPLES / "zim" / "invalid").iterdir()))
def test_import_refuses_every_invalid_zim(name, tmp_path, cache):
    error = _refused(SAMPLES / "zim" / "invalid" / name, tmp_path, cache, ImportInvalid)
    assert error.code == "import-invalid"


@pytest.mark.parametrize(
    "evil", ["../escape.html", "/etc/passwd.html", "a/../../up.html", "c:/win.html", "a\\b.html"]
)
def test_import_refuses_zip_slip_names(evil, tmp_path, cache):
    path = tmp_path / "slip.zip"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("imsmanifest.xml", manifest(ITEM, RESOURCE))
        package.writestr("page.html", PAGE)
        package.writestr(zipfile.ZipInfo(evil), "<p>x</p>")
    assert _refused(path, tmp_path, cache, ImportUnsafe).code == "import-unsafe"


def test_import_refuses_a_symlink_entry(tmp_path, cache):
    path = _cp(tmp_path)
    link = zipfile.ZipInfo("link.html")
    link.external_attr = 0o120777 << 16
    with zipfile.ZipFile(path, "a") as package:
        package.writestr(link, "/etc/passwd")
    assert "symbolic link" in _refused(path, tmp_path, cache, ImportUnsafe).message


def test_import_refuses_a_zip_bomb_by_ratio(tmp_path, cache):
    path = _cp(tmp_path, **{"bomb.html": b"\0" * (20 * 1024 * 1024)})
    assert "zip bomb" in _refused(path, tmp_path, cache, ImportUnsafe).message


def test_import_refuses_a_package_past_the_total_cap(tmp_path, cache, monkeypatch):
    monkeypatch.setattr(safezip, "MAX_TOTAL_BYTES", 4096)
    path = _cp(tmp_path, **{f"f{n}.txt": bytes(range(256)) * 8 for n in range(3)})
    assert "size limit" in _refused(path, tmp_path, cache, ImportUnsafe).message


def test_import_refuses_too_many_entries(tmp_path, cache, monkeypatch):
    monkeypatch.setattr(safezip, "MAX_ENTRIES", 10)
    path = _cp(tmp_path, **{f"f{n}.txt": "x" for n in range(10)})
    assert "12 entries" in _refused(path, tmp_path, cache, ImportUnsafe).message


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect onload="alert(1)"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"/></svg>',
    ],
)
def test_import_refuses_an_svg_with_script(svg, tmp_path, cache):
    path = _cp(tmp_path, **{"pic.svg": svg, "page.html": '<p>x <img src="pic.svg"></p>'})
    assert "SVG" in _refused(path, tmp_path, cache, ImportUnsafe).message


def test_import_refuses_an_h5p_carrying_a_scripted_svg(tmp_path, cache):
    path = h5p(tmp_path / "tf.h5p", "H5P.TrueFalse", {"question": "Q", "correct": "true"})
    with zipfile.ZipFile(path, "a") as package:
        package.writestr("content/images/x.svg", "<svg><script>alert(1)</script></svg>")
    assert "SVG" in _refused(path, tmp_path, cache, ImportUnsafe).message


def test_import_refuses_a_broken_manifest(tmp_path, cache):
    path = write_zip(tmp_path / "broken.zip", {"imsmanifest.xml": "<manifest><organizations>"})
    assert "well-formed" in _refused(path, tmp_path, cache, ImportInvalid).message


def test_import_refuses_a_manifest_with_external_entities(tmp_path, cache):
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<manifest><organizations><organization><title>&x;</title></organization>"
        "</organizations></manifest>"
    )
    path = write_zip(tmp_path / "xxe.zip", {"imsmanifest.xml": xxe})
    assert "DTD" in _refused(path, tmp_path, cache, ImportUnsafe).message


def test_import_refuses_an_h5p_with_broken_content(tmp_path, cache):
    info = '{"title": "x", "mainLibrary": "H5P.MultiChoice"}'
    path = write_zip(tmp_path / "x.h5p", {"h5p.json": info, "content/content.json": "{not"})
    _refused(path, tmp_path, cache, ImportInvalid)


def test_import_refuses_a_file_of_another_kind(tmp_path, cache):
    path = tmp_path / "picture.png"
    path.write_bytes(png())
    assert _refused(path, tmp_path, cache).code == "import-unsupported"


def test_import_refuses_a_pack_id_the_format_does_not_allow(tmp_path, cache):
    with pytest.raises(ImportInvalid, match="pack id"):
        import_package(_cp(tmp_path), tmp_path / "out", cache, Options(pack_id="Bad Id"))
    assert entries(tmp_path) == ["p.zip"]


def test_import_refuses_an_out_folder_that_is_not_empty(tmp_path, cache):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(ImportInvalid):
        import_package(_cp(tmp_path), out, cache)
    assert entries(out) == ["keep.txt"]
    assert entries(tmp_path) == ["out", "p.zip"]


def test_cli_import_names_the_code_exits_1_and_writes_nothing(runner, tmp_path, cache):
    work = tmp_path / "work"
    work.mkdir()
    path = write_zip(work / "slip.zip", {"imsmanifest.xml": "<manifest/>", "../x.html": "x"})
    result = runner.invoke(main, ["packs", "import", str(path), "--out", str(work / "o")])
    assert result.exit_code == 1
    assert "import-unsafe: slip.zip:" in result.output
    assert entries(work) == ["slip.zip"]


def test_cli_import_prints_the_report(runner, tmp_path, cache):
    out = tmp_path / "o"
    result = runner.invoke(main, ["packs", "import", str(_cp(tmp_path)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 lessons, 0 quiz questions" in result.output
    assert "licence: unknown" in result.output
    assert (out / "import-report.json").is_file()
