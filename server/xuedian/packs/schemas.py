"""Schemas for pack sources (``pack.yaml``, lesson front matter) and the signed manifest."""

from __future__ import annotations

import re

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

PACK_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
LANGS = ("zh-CN", "en")
CATEGORIES = ("heritage", "local", "digital-skills", "farming", "health")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class Localized(_Strict):
    """Text in zh-CN (required) and English (required)."""

    zh_cn = fields.String(data_key="zh-CN", required=True, validate=validate.Length(min=1))
    en = fields.String(required=True, validate=validate.Length(min=1))


class PackSource(_Strict):
    """``pack.yaml`` in a pack source folder."""

    id = fields.String(required=True, validate=validate.Regexp(PACK_ID))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    date = fields.Date(required=True)
    title = fields.Nested(Localized, required=True)
    description = fields.Nested(Localized, required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    credit_hours = fields.Float(required=True, validate=validate.Range(min=0, max=1000))
    license = fields.String(required=True)
    authors = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    min_app = fields.String(load_default="0.1.0")


class LessonFrontMatter(_Strict):
    """The YAML front matter of ``lessons/*.md``."""

    title = fields.Nested(Localized, required=True)
    audio = fields.String()
    quiz = fields.List(fields.Dict(), load_default=list)


class ManifestLesson(Schema):
    id = fields.String()
    title = fields.Dict()
    file = fields.String()


class BlobSlice(Schema):
    id = fields.String()
    offset = fields.Integer()
    length = fields.Integer()


class ManifestFile(Schema):
    path = fields.String()
    mime = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    blobs = fields.List(fields.Nested(BlobSlice))


class ManifestBlob(Schema):
    id = fields.String()
    size = fields.Integer()
    codec = fields.String(validate=validate.OneOf(("gzip", "identity")))
    raw_size = fields.Integer()


class PackManifest(Schema):
    """The signed body of a manifest (docs/protocol.md)."""

    type = fields.Constant("manifest")
    schema_version = fields.Integer()
    pack_id = fields.String(validate=validate.Regexp(PACK_ID))
    version = fields.Integer(validate=validate.Range(min=1))
    created = fields.String()
    min_app = fields.String()
    key_id = fields.String()
    title = fields.Dict()
    description = fields.Dict()
    category = fields.String()
    credit_hours = fields.Float()
    lessons = fields.List(fields.Nested(ManifestLesson))
    files = fields.List(fields.Nested(ManifestFile))
    blobs = fields.List(fields.Nested(ManifestBlob))

    @validates_schema
    def _files_use_listed_blobs(self, data, **kwargs):
        listed = {b["id"] for b in data.get("blobs", [])}
        for file in data.get("files", []):
            for piece in file.get("blobs", []):
                if piece["id"] not in listed:
                    raise ValidationError(f"{file['path']} uses an unlisted blob.", "files")
