"""Every real package in ../shared/samples imports into a pack source that the builder
builds, with sanitised lessons and a report that says what became what."""

from __future__ import annotations

import json

import pytest

from xuedian.packs.builder import build
from xuedian.packs.schemas import PackManifest
from xuedian.packs.source import read_source
from xuedian.studio.importers import Options, import_package

from .conftest import SAMPLES, assert_clean

CASES = [
    # sample, format, lessons, quiz questions, licence
    ("scorm/test_quiz.zip", "SCORM 1.2", 1, 2, "unknown"),
    ("scorm/eventos.zip", "IMS Content Package", 7, 0, "CC-BY-SA-4.0"),
    ("h5p/H5P.DragText.h5p", "H5P (H5P.DragText)", 1, 3, "unknown"),
    ("zim/data_nons_small.zim", "ZIM", 1, 0, "unknown"),
    ("zim/data_nons_wikibooks_be_all_nopic_2017-02.zim", "ZIM", 66, 0, "CC-BY-SA-4.0"),
]


@pytest.mark.parametrize(("sample", "kind", "lessons", "questions", "licence"), CASES)
def test_import_sample_makes_a_clean_source_and_report(
    sample, kind, lessons, questions, licence, tmp_path, cache
):
    out = tmp_path / "pack"
    report = import_package(SAMPLES / sample, out, cache)
    source = read_source(out)
    assert len(source.lessons) == lessons
    assert sum(len(lesson.meta["quiz"]) for lesson in source.lessons) == questions
    assert source.pack["license"] == licence
    saved = json.loads((out / "import-report.json").read_text("utf-8"))
    assert saved["format"] == kind == report.format
    assert saved["licence"] == licence
    assert [d["id"] for d in saved["lessons"]] == [lesson.id for lesson in source.lessons]
    assert_clean(out)


@pytest.mark.parametrize("sample", [case[0] for case in CASES])
def test_import_sample_builds_with_the_pack_builder(sample, tmp_path, cache, keyring):
    out = tmp_path / "pack"
    import_package(SAMPLES / sample, out, cache, Options(max_lessons=8))
    built = build(out, tmp_path / "built", keyring, cache_dir=cache)
    signed = PackManifest().load(built.manifest["signed"])
    assert len(signed["lessons"]) == len(read_source(out).lessons) >= 1
    assert [lesson["title"] for lesson in built.manifest["signed"]["lessons"]] == [
        lesson.meta["title"] for lesson in read_source(out).lessons
    ]


def test_import_scorm_quiz_names_the_javascript_and_keeps_the_questions(tmp_path, cache):
    report = import_package(SAMPLES / "scorm/test_quiz.zip", tmp_path / "q", cache)
    (page,) = report.needs_javascript
    assert page["item"] == "A question (test_quiz.htm)"
    assert "SCORM API call" in page["signs"] and "script" in page["signs"]
    quiz = read_source(tmp_path / "q").lessons[0].meta["quiz"]
    assert [q["prompt"]["en"] for q in quiz] == ["Testing", "New question"]
    assert [q["choices"][q["answer"]]["en"] for q in quiz] == ["Test", "Test 2"]


def test_import_eventos_keeps_the_order_pictures_and_licence(tmp_path, cache):
    report = import_package(SAMPLES / "scorm/eventos.zip", tmp_path / "e", cache)
    source = read_source(tmp_path / "e")
    assert [lesson.meta["title"]["en"] for lesson in source.lessons][1:3] == [
        "El origen del proyecto",
        "El salón de celebraciones",
    ]
    assert len(source.media) >= 10
    assert "![Gente feliz](media/" in source.lessons[1].body
    assert len(report.needs_javascript) == 7


def test_import_dragtext_makes_a_choice_per_blank_and_drops_the_libraries(tmp_path, cache):
    report = import_package(SAMPLES / "h5p/H5P.DragText.h5p", tmp_path / "d", cache)
    quiz = read_source(tmp_path / "d").lessons[0].meta["quiz"]
    right = [q["choices"][q["answer"]]["en"] for q in quiz]
    assert right == ["blue", "red", "orange"]
    assert all(len(q["choices"]) == 3 for q in quiz)
    assert quiz[0]["prompt"]["en"] == "Blueberries are ____."
    assert any("JavaScript files left out" in note for note in report.notes)
    assert any("multiple-choice question" in note for note in report.notes)


def test_import_zim_fills_pack_yaml_from_metadata_and_bounds_lessons(tmp_path, cache):
    sample = SAMPLES / "zim/data_nons_wikibooks_be_all_nopic_2017-02.zim"
    report = import_package(sample, tmp_path / "w", cache, Options(max_lessons=5))
    source = read_source(tmp_path / "w")
    assert len(source.lessons) == 5
    assert any("has 66 articles; only the first 5" in note for note in report.notes)
    assert source.pack["title"]["en"] == "Wikibooks"
    assert source.pack["authors"] == ["Wikibooks"]
    assert str(source.pack["date"]) == "2017-02-13"
