"""Schemas for pack sources (``pack.yaml``, lesson front matter), the signed manifest and
the catalog version the changes feed names.

The builder loads sources with the source schemas and checks what it signs against
:class:`PackManifest`; the tests check built manifests against it too.
"""

from __future__ import annotations

import re

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from ..core.wirefields import Strict

PACK_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
LESSON_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
LANGS = ("zh-CN", "en")
CATEGORIES = ("heritage", "local", "digital-skills", "farming", "health")
MAX_QUIZ_QUESTIONS = 10
CHOICES = (2, 6)
MAX_SITES = 60


def _text():
    return fields.String(required=True, validate=validate.Length(min=1))


class Localized(Strict):
    """Text in zh-CN and English, both required; loads to ``{"zh-CN": …, "en": …}``."""

    zh_cn = fields.String(data_key="zh-CN", required=True, validate=validate.Length(min=1))
    en = fields.String(required=True, validate=validate.Length(min=1))

    @post_load
    def _wire_keys(self, data, **kwargs):
        return {"zh-CN": data["zh_cn"], "en": data["en"]}


def _unit():
    """A position on the route map, 0 (left/top edge) .. 1 (right/bottom edge)."""
    return fields.Float(required=True, validate=validate.Range(min=0, max=1))


class RouteSite(Strict):
    """One site of a route: a place with a plaque, its lesson and a marker on the map."""

    id = fields.String(required=True, validate=validate.Regexp(LESSON_ID))
    title = fields.Nested(Localized, required=True)
    photo = _text()
    audio = fields.String(validate=validate.Length(min=1))
    x = _unit()
    y = _unit()
    lesson = fields.String(required=True, validate=validate.Regexp(LESSON_ID))


class RouteSource(Strict):
    """``route:`` in ``pack.yaml``: a schematic map drawn for the pack and its sites."""

    map = _text()
    sites = fields.List(
        fields.Nested(RouteSite), required=True, validate=validate.Length(min=1, max=MAX_SITES)
    )

    @validates_schema
    def _site_ids_unique(self, data, **kwargs):
        ids = [site["id"] for site in data.get("sites", [])]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValidationError(f"site ids must be unique: {', '.join(twice)}", "sites")


class Heritage(Strict):
    """Intangible-heritage metadata of a heritage course (项目, 传承人, region, level)."""

    item = fields.String(validate=validate.Length(min=1, max=120))
    bearer = fields.String(validate=validate.Length(min=1, max=120))
    region = fields.String(validate=validate.Length(min=1, max=120))
    level = fields.String(validate=validate.OneOf(("national", "province", "city", "county")))


class PackSource(Strict):
    """``pack.yaml`` in a pack source folder."""

    id = fields.String(required=True, validate=validate.Regexp(PACK_ID))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    date = fields.Date(required=True)
    title = fields.Nested(Localized, required=True)
    description = fields.Nested(Localized, required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    credit_hours = fields.Float(required=True, validate=validate.Range(min=0, max=1000))
    license = _text()
    authors = fields.List(_text(), required=True, validate=validate.Length(min=1))
    min_app = fields.String(load_default="0.1.0", validate=validate.Regexp(r"^\d+\.\d+\.\d+$"))
    route = fields.Nested(RouteSource)
    #: The publishing institution (studio drafts); the manifest and the catalog name it.
    publisher = fields.Nested(Localized)
    heritage = fields.Nested(Heritage)


class QuizQuestion(Strict):
    """One multiple-choice question in a lesson's front matter."""

    prompt = fields.Nested(Localized, required=True)
    choices = fields.List(
        fields.Nested(Localized),
        required=True,
        validate=validate.Length(min=CHOICES[0], max=CHOICES[1]),
    )
    answer = fields.Integer(required=True, strict=True)
    explanation = fields.Nested(Localized, required=True)

    @validates_schema
    def _answer_is_a_choice(self, data, **kwargs):
        last = len(data.get("choices", [])) - 1
        if "answer" in data and last >= 1 and not 0 <= data["answer"] <= last:
            raise ValidationError(f"must be between 0 and {last}", "answer")


class LessonFrontMatter(Strict):
    """The YAML front matter of ``lessons/<id>.md``."""

    title = fields.Nested(Localized, required=True)
    audio = fields.String(validate=validate.Length(min=1))
    narration = fields.String(validate=validate.Length(min=1))
    quiz = fields.List(
        fields.Nested(QuizQuestion),
        load_default=list,
        validate=validate.Length(max=MAX_QUIZ_QUESTIONS),
    )


# The signed manifest. Every field is required: the builder writes them all.


def _req(field):
    field.required = True
    return field


class WireLocalized(Strict):
    zh_cn = _req(fields.String(data_key="zh-CN"))
    en = _req(fields.String())


class ManifestVoice(Strict):
    """The synthesiser that spoke a narration, and the licences it comes under."""

    name = _req(fields.String())
    licence = _req(fields.String())
    model_licence = fields.String()
    source = fields.String()


class ManifestAudio(Strict):
    path = _req(fields.String())
    mime = _req(fields.String(validate=validate.Equal("audio/webm")))
    seconds = _req(fields.Float(validate=validate.Range(min=0)))
    #: Only on a synthesised narration; a recorded one has none.
    voice = fields.Nested(ManifestVoice)


class ManifestQuestion(Strict):
    id = _req(fields.String(validate=validate.Regexp(r"^q\d+$")))
    prompt = _req(fields.Nested(WireLocalized))
    choices = _req(fields.List(fields.Nested(WireLocalized), validate=validate.Length(*CHOICES)))
    answer = _req(fields.Integer(strict=True))
    explanation = _req(fields.Nested(WireLocalized))

    @validates_schema
    def _answer_is_a_choice(self, data, **kwargs):
        if not 0 <= data["answer"] < len(data["choices"]):
            raise ValidationError("is not the index of a choice", "answer")


class LessonFiles(Strict):
    zh_cn = _req(fields.String(data_key="zh-CN"))
    en = fields.String()


class ManifestLesson(Strict):
    id = _req(fields.String(validate=validate.Regexp(LESSON_ID)))
    title = _req(fields.Nested(WireLocalized))
    file = _req(fields.String())
    files = _req(fields.Nested(LessonFiles))
    audio = _req(fields.Nested(ManifestAudio))
    quiz = _req(
        fields.List(
            fields.Nested(ManifestQuestion), validate=validate.Length(max=MAX_QUIZ_QUESTIONS)
        )
    )


class BlobSlice(Strict):
    id = _req(fields.String(validate=validate.Regexp(SHA256)))
    offset = _req(fields.Integer(strict=True, validate=validate.Range(min=0)))
    length = _req(fields.Integer(strict=True, validate=validate.Range(min=0)))


class ManifestFile(Strict):
    path = _req(fields.String())
    mime = _req(fields.String())
    size = _req(fields.Integer(strict=True, validate=validate.Range(min=0)))
    sha256 = _req(fields.String(validate=validate.Regexp(SHA256)))
    blobs = _req(fields.List(fields.Nested(BlobSlice)))


class ManifestBlob(Strict):
    id = _req(fields.String(validate=validate.Regexp(SHA256)))
    size = _req(fields.Integer(strict=True, validate=validate.Range(min=0)))
    codec = _req(fields.String(validate=validate.OneOf(("gzip", "identity"))))
    raw_size = _req(fields.Integer(strict=True, validate=validate.Range(min=0)))


class ManifestSite(Strict):
    id = _req(fields.String(validate=validate.Regexp(LESSON_ID)))
    title = _req(fields.Nested(WireLocalized))
    photo = _req(fields.String())
    audio = _req(fields.String())
    x = _req(fields.Float(validate=validate.Range(min=0, max=1)))
    y = _req(fields.Float(validate=validate.Range(min=0, max=1)))
    lesson = _req(fields.String(validate=validate.Regexp(LESSON_ID)))


class ManifestRoute(Strict):
    """A route pack's map and sites (optional: only route packs have one)."""

    map = _req(fields.String())
    sites = _req(fields.List(fields.Nested(ManifestSite), validate=validate.Length(min=1)))


class PackManifest(Strict):
    """The signed body of a manifest (docs/protocol.md)."""

    type = _req(fields.String(validate=validate.Equal("manifest")))
    schema_version = _req(fields.Integer(strict=True))
    pack_id = _req(fields.String(validate=validate.Regexp(PACK_ID)))
    version = _req(fields.Integer(strict=True, validate=validate.Range(min=1)))
    created = _req(fields.String())
    min_app = _req(fields.String())
    key_id = fields.String()
    title = _req(fields.Nested(WireLocalized))
    description = _req(fields.Nested(WireLocalized))
    category = _req(fields.String(validate=validate.OneOf(CATEGORIES)))
    credit_hours = _req(fields.Float())
    #: The publishing institution; absent from packs written outside the studio.
    publisher = fields.Nested(WireLocalized)
    lessons = _req(fields.List(fields.Nested(ManifestLesson), validate=validate.Length(min=1)))
    files = _req(fields.List(fields.Nested(ManifestFile)))
    blobs = _req(fields.List(fields.Nested(ManifestBlob)))
    route = fields.Nested(ManifestRoute)

    @validates_schema
    def _references_resolve(self, data, **kwargs):
        listed = {b["id"] for b in data.get("blobs", [])}
        for file in data.get("files", []):
            for piece in file.get("blobs", []):
                if piece["id"] not in listed:
                    raise ValidationError(f"{file['path']} uses an unlisted blob.", "files")
        paths = {f["path"] for f in data.get("files", [])}
        for lesson in data.get("lessons", []):
            named = [lesson["file"], *lesson["files"].values(), lesson["audio"]["path"]]
            for path in named:
                if path not in paths:
                    raise ValidationError(f"{lesson['id']} names a missing file {path}.", "lessons")
        lesson_ids = {lesson["id"] for lesson in data.get("lessons", [])}
        route = data.get("route") or {"sites": []}
        for site in route["sites"]:
            if site["lesson"] not in lesson_ids:
                raise ValidationError(f"site {site['id']} names a missing lesson.", "route")
            for path in (site["photo"], site["audio"]):
                if path not in paths:
                    raise ValidationError(
                        f"site {site['id']} names a missing file {path}.", "route"
                    )
        if "route" in data and data["route"]["map"] not in paths:
            raise ValidationError("the route map is a missing file.", "route")


class CatalogVersion(Schema):
    """The newest signed catalog, as the changes feed names it (None: no signing key)."""

    etag = fields.String()
    created = fields.String()


class CatalogItem(Schema):
    """One pack in the signed catalog (docs/protocol.md); ``publisher`` ({zh-CN, en}) only
    when the manifest names one, for "来源：县文化馆" on the app's pack page."""

    pack_id = fields.String()
    version = fields.Integer()
    title = fields.Dict(keys=fields.String(), values=fields.String())
    description = fields.Dict(keys=fields.String(), values=fields.String())
    category = fields.String()
    credit_hours = fields.Float()
    publisher = fields.Dict(keys=fields.String(), values=fields.String())
    size = fields.Integer()
    manifest_sha256 = fields.String()
    manifest_url = fields.String()


def feed_fields() -> dict:
    """packs' part of a changes-feed page (hook ``feed-fields``)."""
    return {"catalog": fields.Nested(CatalogVersion, allow_none=True)}
