"""Route packs: pack.yaml's ``route`` is validated naming the field, and the manifest
carries the map and the sites with built media paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from xuedian.packs.builder import build
from xuedian.packs.schemas import PackManifest
from xuedian.packs.source import PackSourceInvalid, read_source

pytestmark = pytest.mark.usefixtures("build_cache")
ROOT = Path(__file__).resolve().parents[3]

ROUTE = """route:
  map: media/map.svg
  sites:
    - id: start
      title: {zh-CN: 起点, en: Start}
      photo: media/map.svg
      x: 0.25
      y: 0.5
      lesson: LESSON
"""


@pytest.fixture
def route_source(pack_source) -> Path:
    """The welcome pack with a one-site route on a map of its own."""
    shutil.copy(
        ROOT / "content_packs/jianzhu-keyuedu/media/route-map.svg", pack_source / "media/map.svg"
    )
    lesson = sorted((pack_source / "lessons").glob("*.md"))[0].name.split(".")[0]
    with (pack_source / "pack.yaml").open("a", encoding="utf-8") as f:
        f.write(ROUTE.replace("LESSON", lesson))
    return pack_source


def test_route_manifest_carries_sites_with_built_paths(route_source, offline_keyring, tmp_path):
    built = build(route_source, tmp_path, offline_keyring)
    body = built.manifest["signed"]
    route = body["route"]
    assert route["map"] == "media/map.webp"
    [site] = route["sites"]
    lesson = site["lesson"]
    assert site == {
        "id": "start",
        "title": {"zh-CN": "起点", "en": "Start"},
        "photo": "media/map.webp",
        "audio": f"media/narration/{lesson}.webm",
        "x": 0.25,
        "y": 0.5,
        "lesson": lesson,
    }
    paths = {f["path"] for f in body["files"]}
    assert {route["map"], site["photo"], site["audio"]} <= paths


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        (
            "  map: media/map.svg",
            "  map: media/nowhere.svg",
            "route.map: media/nowhere.svg does not exist",
        ),
        (
            "      photo: media/map.svg",
            "      photo: media/x.mp3",
            "route.sites.0.photo: media/x.mp3 does not exist",
        ),
        ("      x: 0.25", "      x: 1.5", "route.sites.0.x: Must be greater than or equal to 0"),
        ("      y: 0.5", "", "route.sites.0.y: Missing data for required field."),
        ("      lesson: ", "      lesson: zz-", "route.sites.0.lesson: no lesson lessons/zz-"),
        (
            "      x: 0.25",
            "      x: 0.25\n      audio: media/map.svg",
            "route.sites.0.audio: media/map.svg is not audio",
        ),
        (
            "  sites:\n",
            "  sites: []\n  other:\n",
            "pack.yaml: route.sites: Length must be between 1 and 60",
        ),
    ],
)
def test_route_validation_names_the_field(
    route_source, offline_keyring, tmp_path, old, new, fragment
):
    path = route_source / "pack.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    with pytest.raises(PackSourceInvalid) as caught:
        build(route_source, tmp_path, offline_keyring)
    assert fragment in caught.value.message


def test_route_site_ids_must_be_unique(route_source):
    path = route_source / "pack.yaml"
    text = path.read_text("utf-8")
    site = text[text.index("    - id: start") :]
    path.write_text(text + site, "utf-8")
    with pytest.raises(PackSourceInvalid, match="route.sites: site ids must be unique: start"):
        read_source(route_source)


def test_route_demo_pack_has_five_sites_each_on_a_lesson():
    source = read_source(ROOT / "content_packs/jianzhu-keyuedu")
    sites = source.pack["route"]["sites"]
    assert len(sites) == 5
    lessons = {lesson.id for lesson in source.lessons}
    assert all(site["lesson"] in lessons for site in sites)


def test_route_manifest_schema_refuses_a_site_on_a_missing_lesson(
    route_source, offline_keyring, tmp_path
):
    built = build(route_source, tmp_path, offline_keyring)
    body = dict(built.manifest["signed"])
    body.pop("signature", None)
    body.pop("key_id", None)
    body["route"] = {**body["route"], "sites": [{**body["route"]["sites"][0], "lesson": "gone"}]}
    assert "route" in PackManifest().validate(body)
