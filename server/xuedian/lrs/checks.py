"""The xAPI data types every statement part is made of (UUIDs, IRIs, language maps,
timestamps, durations), as checks that raise XapiInvalid naming where."""

from __future__ import annotations

import re
from datetime import datetime

from .errors import XapiInvalid

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$"
)
IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")
LANG_RE = re.compile(r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*|[xXiI](?:-[A-Za-z0-9]{1,8})+)$")
MBOX_RE = re.compile(r"^mailto:[^@\s:/]+@[^@\s]+$")
SHA1_RE = re.compile(r"^[0-9a-fA-F]{40}$")
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$")
DURATION_RE = re.compile(
    r"^P(?:\d+(?:\.\d+)?W|(?=\d|T\d)(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?)$"
)


def fail(where: str, why: str):
    raise XapiInvalid(f"{where}: {why}", field=where)


def _obj(value, where):
    if not isinstance(value, dict):
        fail(where, "must be a JSON object")
    return value


def _keys(value: dict, allowed, where):
    extra = set(value) - set(allowed)
    if extra:
        fail(where, f"unexpected properties {sorted(extra)}")


def _str(value, where):
    if not isinstance(value, str):
        fail(where, "must be a string")
    return value


def _bool(value, where):
    if not isinstance(value, bool):
        fail(where, "must be true or false")


def _num(value, where):
    if isinstance(value, bool) or not isinstance(value, int | float):
        fail(where, "must be a number")
    return value


def iri(value, where):
    if not isinstance(value, str) or not IRI_RE.match(value):
        fail(where, "must be an IRI")


def uuid(value, where):
    if not isinstance(value, str) or not UUID_RE.match(value):
        fail(where, "must be a UUID")


def timestamp(value, where):
    if not isinstance(value, str) or not TS_RE.match(value) or value.endswith(("-00:00", "-0000")):
        fail(where, "must be an ISO 8601 time with a time zone")
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        fail(where, "is not a valid time")


def langmap(value, where):
    _obj(value, where)
    for key, text in value.items():
        if not LANG_RE.match(key):
            fail(where, f"{key!r} is not a language tag")
        _str(text, f"{where}.{key}")


def extensions(value, where):
    _obj(value, where)
    for key in value:
        iri(key, f"{where} key")
