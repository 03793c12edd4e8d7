"""Packages of each kind that are not among the samples, made in the test, import into
sources that build: an IMS CP / SCORM 2004 zip, H5P quizzes of every mapped type, a ZIM."""

from __future__ import annotations

import json

from xuedian.packs.builder import build
from xuedian.packs.schemas import PackManifest
from xuedian.packs.source import read_source
from xuedian.studio.importers import Options, import_package

from .conftest import assert_clean, png, rendered_lessons, unsafe_parts
from .packages import h5p, manifest, write_zip, zim

PAGE_ONE = """<html><head><title>ignored</title><script src="api.js"></script></head>
<body onload="LMSInitialize('')"><nav><ul><li>Menu</li></ul></nav>
<h1>Rice seedlings</h1><p onclick="steal()">Plant <strong>rows</strong> 20 cm apart.
<a href="javascript:alert(1)">click</a> <a href="https://example.org/rice">more</a></p>
<img src="img/field.png" alt="A field"><iframe src="https://example.org/video"></iframe>
<script>doLMSSetValue('cmi.core.lesson_status', 'completed')</script></body></html>"""
PAGE_TWO = (
    "<html><body><p>Water the field in the <em>morning</em>.</p><ul><li>one</li></ul></body></html>"
)


def _imscp(tmp_path):
    items = """<item identifier="F"><title>Growing rice</title>
      <item identifier="I1" identifierref="R1"><title>Seedlings</title></item>
      <item identifier="I2" identifierref="R2"><title>Watering</title></item>
      <item identifier="I3" identifierref="R3" isvisible="false"><title>Hidden</title></item>
      <item identifier="I4" identifierref="MISSING"><title>Lost</title></item>
      <item identifier="I5" identifierref="R5"><title>Handout</title></item></item>"""
    resources = """<resource identifier="R1" type="webcontent" href="pages/one.html"/>
      <resource identifier="R2" type="webcontent" href="pages/two.html"/>
      <resource identifier="R3" type="webcontent" href="pages/two.html"/>
      <resource identifier="R5" type="webcontent" href="handout.pdf"/>"""
    rights = (
        "<rights><description>https://creativecommons.org/licenses/by/4.0/</description></rights>"
    )
    return write_zip(
        tmp_path / "rice.zip",
        {
            "imsmanifest.xml": manifest(items, resources, rights),
            "pages/one.html": PAGE_ONE,
            "pages/two.html": PAGE_TWO,
            "pages/img/field.png": png(),
            "handout.pdf": b"%PDF-1.4",
            "api.js": "function LMSInitialize(){}",
        },
    )


def test_import_made_imscp_keeps_order_strips_javascript_and_names_it(tmp_path, cache, keyring):
    report = import_package(_imscp(tmp_path), tmp_path / "rice", cache)
    source = read_source(tmp_path / "rice")
    assert report.format == "SCORM 2004"
    assert source.pack["license"] == "CC-BY-4.0"
    assert [lesson.meta["title"]["en"] for lesson in source.lessons] == ["Seedlings", "Watering"]
    one = source.lessons[0].body
    assert "## Rice seedlings" in one and "**rows**" in one and "Menu" not in one
    assert "[more](https://example.org/rice)" in one and "click" in one
    assert "![A field](media/001-field.webp)" in one
    assert (tmp_path / "rice" / "media" / "001-field.webp").read_bytes()[8:12] == b"WEBP"
    (page,) = report.needs_javascript
    assert page["item"] == "Seedlings (pages/one.html)"
    assert set(page["signs"]) == {"script", "event handler", "iframe", "SCORM API call"}
    reasons = {d["item"]: d["reason"] for d in report.left_out}
    assert reasons["Hidden"].startswith("hidden")
    assert "Lost" in reasons and "Handout (handout.pdf)" in reasons
    assert_clean(tmp_path / "rice")
    built = build(tmp_path / "rice", tmp_path / "built", keyring, cache_dir=cache)
    assert len(PackManifest().load(built.manifest["signed"])["lessons"]) == 2


def test_assert_clean_would_catch_a_script_that_survived():
    found = unsafe_parts('<p onclick="x()">a</p><script>1</script><a href="javascript:x()">b</a>')
    assert len(found) == 3


MULTI = {
    "question": "<p>Which crop grows in <b>water</b>?</p>",
    "answers": [
        {"text": "<div>Wheat</div>", "correct": False},
        {"text": "<div>Rice</div>", "correct": True, "tipsAndFeedback": {"chosenFeedback": "Yes"}},
        {"text": "Maize", "correct": False},
    ],
}
TRUEFALSE = {
    "question": "<p>Rice needs water.</p>",
    "correct": "true",
    "media": {"type": {"library": "H5P.Image 1.1", "params": {"file": {"path": "images/a.png"}}}},
}
BLANKS = {
    "text": "<p>Fill in the words.</p>",
    "questions": ["<p>Rice is a *grain*.</p>", "<p>It grows in *paddies/fields:wet ones*.</p>"],
}


def test_import_made_h5p_multichoice_truefalse_blanks_and_questionset(tmp_path, cache, keyring):
    packages = {
        "mc": h5p(
            tmp_path / "mc.h5p",
            "H5P.MultiChoice",
            MULTI,
            license="CC BY",
            licenseVersion="4.0",
            authors=[{"name": "County school"}],
        ),
        "tf": h5p(tmp_path / "tf.h5p", "H5P.TrueFalse", TRUEFALSE),
        "blanks": h5p(tmp_path / "blanks.h5p", "H5P.Blanks", BLANKS),
        "set": h5p(
            tmp_path / "set.h5p",
            "H5P.QuestionSet",
            {
                "questions": [
                    {"library": "H5P.MultiChoice 1.16", "params": MULTI},
                    {"library": "H5P.TrueFalse 1.8", "params": TRUEFALSE},
                    {"library": "H5P.Image 1.1", "params": {"file": {}}},
                ]
            },
        ),
    }
    quizzes, reports = {}, {}
    for name, path in packages.items():
        reports[name] = import_package(path, tmp_path / name, cache)
        assert_clean(tmp_path / name)
        assert not list((tmp_path / name).rglob("*.js"))
        (lesson,) = read_source(tmp_path / name).lessons
        quizzes[name] = [
            (q["prompt"]["en"], [c["en"] for c in q["choices"]], q["answer"])
            for q in lesson.meta["quiz"]
        ]
    mc = ("Which crop grows in water?", ["Wheat", "Rice", "Maize"], 1)
    assert quizzes["mc"] == [mc]
    assert read_source(tmp_path / "mc").pack["license"] == "CC-BY-4.0"
    assert read_source(tmp_path / "mc").pack["authors"] == ["County school"]
    assert quizzes["tf"] == [("Rice needs water.", ["True", "False"], 0)]
    assert quizzes["blanks"] == [
        ("Rice is a ____.", ["grain", "paddies"], 0),
        ("It grows in ____.", ["grain", "paddies"], 1),
    ]
    assert quizzes["set"] == [mc, quizzes["tf"][0]]
    media, image = reports["set"].left_out
    assert media["item"] == "H5P.TrueFalse #2 media"
    assert image["item"] == "H5P.Image #3" and "H5P.Image" in image["reason"]
    built = build(tmp_path / "set", tmp_path / "built", keyring, cache_dir=cache)
    assert len(PackManifest().load(built.manifest["signed"])["lessons"][0]["quiz"]) == 2


def test_import_made_h5p_of_another_type_is_unsupported_and_named(tmp_path, cache):
    from xuedian.errors import ImportUnsupported

    path = h5p(tmp_path / "cp.h5p", "H5P.CoursePresentation", {"presentation": {}})
    try:
        import_package(path, tmp_path / "out", cache)
    except ImportUnsupported as exc:
        assert exc.code == "import-unsupported"
    else:
        raise AssertionError("a package with nothing to import was accepted")
    assert not (tmp_path / "out").exists()


def test_import_made_zim_reads_metadata_pictures_and_bounds(tmp_path, cache, keyring):
    articles = [
        (
            "home",
            "Home page",
            '<html><body><p>Welcome <img src="i/pic.png" alt="P"></p></body></html>',
        ),
        (
            "a/tea",
            "Tea",
            "<html><body><h2>Tea</h2><p>Pick leaves <img src='../i/pic.png'></p></body></html>",
        ),
        ("a/silk", "Silk", "<html><body><p>Silk <script>x()</script>worms.</p></body></html>"),
    ]
    path = zim(
        tmp_path / "made.zim",
        articles,
        {"i/pic.png": png(10)},
        Title="Crafts",
        Creator="Library",
        Date="2026-03-04",
        Name="county_crafts",
        Language="zho",
        License="CC-BY-SA-4.0",
        Description="Three crafts",
    )
    report = import_package(
        path, tmp_path / "z", cache, Options(max_lessons=2, category="heritage")
    )
    source = read_source(tmp_path / "z")
    assert source.pack["id"] == "county-crafts"
    assert source.pack["category"] == "heritage" and source.pack["license"] == "CC-BY-SA-4.0"
    assert source.pack["authors"] == ["Library"] and str(source.pack["date"]) == "2026-03-04"
    assert [lesson.meta["title"]["en"] for lesson in source.lessons] == ["Home page", "Silk"]
    assert "narration" not in source.lessons[0].meta  # Chinese content: the body is read
    assert [p.name for p in source.media] == ["001-pic.webp"]
    assert any("has 3 articles; only the first 2" in note for note in report.notes)
    assert json.loads((tmp_path / "z" / "import-report.json").read_text())["language"] == "zho"
    assert "worms" in rendered_lessons(tmp_path / "z")[1]
    built = build(tmp_path / "z", tmp_path / "built", keyring, cache_dir=cache)
    assert len(PackManifest().load(built.manifest["signed"])["lessons"]) == 2


def test_import_made_imscp_follows_xml_base_and_bounds_pages(tmp_path, cache):
    items = "".join(
        f'<item identifier="I{n}" identifierref="R{n}"><title>Page {n}</title></item>'
        for n in range(3)
    )
    resources = "".join(
        f'<resource identifier="R{n}" type="webcontent" xml:base="p{n}/" href="index.html"/>'
        for n in range(3)
    )
    files = {f"content/p{n}/index.html": f"<p>Page number {n}</p>" for n in range(3)}
    text = manifest(items, resources).replace("<resources>", '<resources xml:base="content/">')
    path = write_zip(tmp_path / "base.zip", {"imsmanifest.xml": text, **files})
    report = import_package(path, tmp_path / "b", cache, Options(max_lessons=2))
    bodies = [lesson.body.strip() for lesson in read_source(tmp_path / "b").lessons]
    assert bodies == ["Page number 0", "Page number 1"]
    assert report.left_out == [{"item": "Page 2", "reason": "past --max-lessons 2"}]


def test_import_made_h5p_multichoice_with_two_right_answers_is_named(tmp_path, cache):
    two = {
        "question": "Pick two",
        "answers": [{"text": "a", "correct": True}, {"text": "b", "correct": True}],
    }
    path = h5p(
        tmp_path / "set.h5p",
        "H5P.QuestionSet",
        {
            "questions": [
                {"library": "H5P.MultiChoice 1.16", "params": two},
                {"library": "H5P.TrueFalse 1.8", "params": TRUEFALSE},
            ]
        },
    )
    report = import_package(path, tmp_path / "s", cache)
    left = report.left_out[0]
    assert left["item"] == "H5P.MultiChoice #1" and "more than one right answer" in left["reason"]
    assert len(read_source(tmp_path / "s").lessons[0].meta["quiz"]) == 1
