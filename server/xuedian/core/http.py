"""Reading untrusted request bodies: size caps, gzip with a bomb cap, JSON, schemas.

Every API route reads its body through :func:`load_body`, so the limits and the error codes
are the same everywhere.
"""

from __future__ import annotations

import json
import zlib

from flask import Response, current_app, request, send_file
from marshmallow import Schema
from marshmallow import ValidationError as MarshmallowError
from werkzeug.routing import IntegerConverter

from ..errors import (
    BodyEncodingUnsupported,
    BodyNotJson,
    BodyTooLarge,
    NotFound,
    TextNotStorable,
    TimeOutOfRange,
    ValidationFailed,
    XuedianError,
)
from .wirefields import INT32_MAX, printable_excerpt, refusal_code


class DbIdConverter(IntegerConverter):
    """The ``<int:...>`` URL converter of both apps: a path id beyond what a database
    integer holds (2**31-1) matches no route (404) instead of failing in the database."""

    def __init__(self, url_map, fixed_digits=0, min=1, max=INT32_MAX, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class UnknownField(ValidationFailed):
    code = "unknown-field"
    message = "The request has a field this server does not know."


class BadGzip(BodyNotJson):
    code = "body-gzip-invalid"
    message = "The request body is not valid gzip."


def read_capped(stream, limit: int) -> bytes:
    """Return at most ``limit`` bytes of ``stream``. Raises :class:`BodyTooLarge` past it."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise BodyTooLarge(limit=limit)
    return data


def gunzip_capped(data: bytes, limit: int) -> bytes:
    """Return gzip ``data`` decoded, never holding more than ``limit + 1`` decoded bytes.

    Raises :class:`BodyTooLarge` when it expands past ``limit`` (a gzip bomb) and
    :class:`BadGzip` when it is not valid gzip.
    """
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise BadGzip() from exc
    if len(out) > limit or inflater.unconsumed_tail:
        raise BodyTooLarge("The request body expands beyond the accepted size.", limit=limit)
    if not inflater.eof:
        raise BadGzip()
    return out


def raw_body() -> bytes:
    """Return the decoded request body, at most ``max_body_bytes`` after decoding.

    Raises :class:`BodyTooLarge`, :class:`BadGzip` or :class:`BodyEncodingUnsupported`.
    """
    limit = current_app.config["XUEDIAN"].max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        raise BodyTooLarge(limit=limit)
    data = read_capped(request.stream, limit)
    encoding = (request.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding == "gzip":
        return gunzip_capped(data, limit)
    if encoding != "identity":
        raise BodyEncodingUnsupported(encoding=encoding)
    return data


def parse_json(data: bytes):
    """Return the JSON value in ``data``. Raises :class:`BodyNotJson`."""
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        # RecursionError: nesting deeper than the parser goes, a cheap hostile body.
        raise BodyNotJson() from exc


def validation_error(errors: dict) -> XuedianError:
    """Return the error for marshmallow ``errors``: unknown-field or validation-failed."""

    def messages(node):
        if isinstance(node, dict):
            for value in node.values():
                yield from messages(value)
        elif isinstance(node, list):
            for value in node:
                yield from messages(value)
        else:
            yield str(node)

    code = refusal_code(errors, ValidationFailed.code)
    if code == TextNotStorable.code:
        return TextNotStorable(fields=_printable(errors))
    if code == TimeOutOfRange.code:
        return TimeOutOfRange(fields=errors)
    if any(m == "Unknown field." for m in messages(errors)):
        return UnknownField(fields=_printable(errors))
    return ValidationFailed(fields=_printable(errors))


def _printable(errors):
    """``errors`` with keys a client chose (an unknown field's name) cut short and made
    printable, so an error envelope never echoes a megabyte or a NUL back."""
    if isinstance(errors, dict):
        return {
            printable_excerpt(str(k), 64) if isinstance(k, str) else k: _printable(v)
            for k, v in list(errors.items())[:50]
        }
    if isinstance(errors, list):
        return [_printable(v) for v in errors[:50]]
    return errors


def load(schema: Schema, value) -> dict:
    """Return ``value`` loaded through ``schema``. Raises a validation error envelope."""
    if not isinstance(value, dict):
        raise ValidationFailed("The request body must be a JSON object.")
    try:
        return schema.load(value)
    except MarshmallowError as exc:
        raise validation_error(exc.normalized_messages()) from exc


def load_body(schema: Schema) -> dict:
    """Return the request's JSON body loaded through ``schema``."""
    return load(schema, parse_json(raw_body()))


#: Content-addressed or versioned files never change under their name.
IMMUTABLE = "public, max-age=31536000, immutable"


def send_immutable(path, etag: str, download_name: str | None = None) -> Response:
    """Send a file that never changes under its URL, with Range, If-Range and ETag.

    Flask's ``send_file`` answers If-Range correctly (WhiteNoise does not), and the bytes go
    out as stored (``application/octet-stream``, never re-encoded). Raises
    :class:`~xuedian.errors.NotFound` when the file is missing.
    """
    if not path.is_file():
        raise NotFound()
    response = send_file(
        path,
        mimetype="application/octet-stream",
        conditional=True,
        etag=etag,
        max_age=31536000,
        as_attachment=download_name is not None,
        download_name=download_name,
    )
    response.headers["Cache-Control"] = IMMUTABLE
    return response


def send_immutable_ranged(
    size: int, read, etag: str, name: str, download_name: str | None = None
) -> Response:
    """Send a file kept elsewhere (an S3 store) the way :func:`send_immutable` sends one
    on disk: ETag, If-None-Match, Range, If-Range, 206 and 416 are answered here.

    ``read(start, stop)`` returns an iterable of the bytes ``[start, stop)``; it is called
    only for the bytes this answer sends (none for 304 or HEAD), so a phone resuming a
    download makes the store send only the rest, whatever the store does with ranges.
    """
    response = Response(mimetype="application/octet-stream", direct_passthrough=True)
    response.set_etag(etag)
    response.headers["Cache-Control"] = IMMUTABLE
    # As send_file names it: inline under the stored name, or an attachment to download.
    if download_name is not None:
        response.headers.set("Content-Disposition", "attachment", filename=download_name)
    else:
        response.headers.set("Content-Disposition", "inline", filename=name)
    response.content_length = size
    response.make_conditional(request, accept_ranges=True, complete_length=size)
    if response.status_code == 206:
        # werkzeug wrapped the empty body; the store is asked for exactly the range instead.
        response.response = _lazy(read, response.content_range.start, response.content_range.stop)
    elif response.status_code == 200 and request.method == "GET":
        response.response = _lazy(read, 0, size)
    return response


def _lazy(read, start: int, stop: int):
    """Yield ``read(start, stop)``'s bytes, asking the store only once the server sends."""
    yield from read(start, stop)
