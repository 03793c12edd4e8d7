"""Property tests: arbitrary Unicode, numbers and times in any field of any wire message are
answered with a receipt or the error envelope, never a 5xx, on both databases; and one bad
record never costs the good record beside it."""

from __future__ import annotations

import copy
import gzip
import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from xuedian.core.canonjson import canonical_bytes
from xuedian.errors import CODES

from .helpers import STATUS, Phone, make_record, now_iso


@pytest.fixture(autouse=True)
def _registrations_unlimited(app):
    """Each example registers a phone of its own: far more than one address may register
    a minute (XUEDIAN_RATE_LIMIT_REGISTER, tested in test_devices)."""
    app.config["XUEDIAN"] = replace(app.config["XUEDIAN"], rate_limit_register="")


PROPERTY = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Any code point, lone surrogates and NUL included, with the nasty ones often.
ANY_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=80),
    st.sampled_from(["\x00", "\ud800", "a\udfffb", "\u202e", "", " ", "x" * 5000]),
)
NUMBER = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**53, 2**63, 2**64, 0.5, -0.0]),
)
OFFSET = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda m: f"{'+' if m >= 0 else '-'}{abs(m) // 60:02d}:{abs(m) % 60:02d}"
)
TIME = st.one_of(
    st.builds(
        lambda moment, offset: moment.isoformat(timespec="milliseconds") + offset,
        st.datetimes(),
        st.one_of(OFFSET, st.just("Z")),
    ),
    st.sampled_from(
        [
            "9999-12-31T23:59:59.999Z",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-14:00",
            "2026-02-30T00:00:00Z",
            "2026-11-24",
            "2026-11-24T08:00:00",
        ]
    ),
)
#: What broke a database or a signature before: drawn as often as any other kind of value.
HOSTILE = st.sampled_from(
    [
        "a\x00b",
        "\x00",
        "\ud800",
        "x\udfff",
        "9999-12-31T23:59:59.999Z",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        2**64,
        2**31,
        -(2**63),
    ]
)
SCALAR = st.one_of(HOSTILE, TEXT, NUMBER, TIME, st.booleans(), st.none())
VALUE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=6,
)

RECORD_PATHS = [
    ("id",),
    ("learner",),
    ("verb",),
    ("timestamp",),
    ("device_seq",),
    ("object",),
    ("object", "pack"),
    ("object", "version"),
    ("object", "lesson"),
    ("object", "item"),
    ("object", "topic"),
    ("object", "category"),
    ("object", "record"),
    ("result",),
    ("result", "score"),
    ("result", "success"),
    ("result", "response"),
    ("result", "duration"),
    ("extra",),
]
STATUS_PATHS = [
    ("unsent",),
    ("quarantined",),
    ("app_version",),
    ("packs",),
    ("packs", "xuedian-welcome"),
    ("storage_free",),
    ("point",),
    ("profiles",),
]
BATCH_PATHS = [("created",), ("batch_id",), ("records",), ("status",)] + [
    ("status", *p) for p in STATUS_PATHS
]


def put(document: dict, path: tuple, value) -> dict:
    """Return a copy of ``document`` with ``value`` at ``path`` (made if missing)."""
    changed = copy.deepcopy(document)
    node = changed
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[path[-1]] = value
    return changed


def signable(signed: dict) -> None:
    # A phone can only send what its canonical JSON can sign (no NaN, no odd integers).
    try:
        canonical_bytes(signed)
    except (TypeError, ValueError):
        assume(False)


def assert_answer(response) -> dict:
    """The answer is a receipt (ok) or the one error envelope; never a 5xx."""
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert isinstance(body, dict), response.get_data(as_text=True)[:200]
    if response.status_code >= 400:
        assert set(body) == {"ok", "code", "message", "details"}
        assert body["ok"] is False and body["code"] in CODES
    else:
        assert body["ok"] is True
    return body


@PROPERTY
@given(path=st.sampled_from(RECORD_PATHS), value=VALUE)
@example(path=("object", "lesson"), value="a\x00b")
@example(path=("object", "topic"), value="\ud800")
@example(path=("timestamp",), value="0001-01-01T00:00:00+14:00")
def test_any_record_field_is_answered_and_spares_its_neighbour(app, client, path, value):
    phone = Phone()
    phone.register(client)
    good = phone.own(make_record(1))
    bad = put(phone.own(make_record(2)), path, value)
    signed = {**phone.batch([good])["signed"], "records": [good, bad]}
    signable(signed)
    body = assert_answer(client.post("/api/v1/sync/batches", json=phone.sign(signed)))
    assert good["id"] in body["accepted"]


@PROPERTY
@given(path=st.sampled_from(BATCH_PATHS), value=VALUE)
@example(path=("status", "app_version"), value="1\x00")
@example(path=("created",), value="9999-12-31T23:59:59-14:00")
def test_any_batch_or_heartbeat_field_is_answered(app, client, path, value):
    phone = Phone()
    phone.register(client)
    signed = put(phone.batch([make_record(1)])["signed"], path, value)
    signable(signed)
    assert_answer(client.post("/api/v1/sync/batches", json=phone.sign(signed)))


@PROPERTY
@given(
    path=st.sampled_from(
        [("created",), ("cursor",), ("status",)] + [("status", *p) for p in STATUS_PATHS]
    ),
    value=VALUE,
)
@example(path=("status", "app_version"), value="\x00")
def test_any_changes_request_field_is_answered(app, client, path, value):
    phone = Phone()
    phone.register(client)
    signed = {"type": "changes-request", "device_id": phone.device_id, "created": now_iso()}
    signed = put({**signed, "status": dict(STATUS)}, path, value)
    signable(signed)
    assert_answer(client.post("/api/v1/sync/changes", json=phone.sign(signed)))


@PROPERTY
@given(
    path=st.sampled_from([("app_version",), ("created",), ("public_key",), ("extra",)]),
    value=VALUE,
)
@example(path=("app_version",), value="\x00")
def test_any_registration_field_is_answered(app, client, path, value):
    phone = Phone()
    signed = put(phone.registration()["signed"], path, value)
    signable(signed)
    assert_answer(client.post("/api/v1/devices", json=phone.sign(signed)))


@PROPERTY
@given(
    path=st.sampled_from(
        [
            ("created",),
            ("subscription",),
            ("subscription", "endpoint"),
            ("subscription", "keys", "p256dh"),
            ("subscription", "keys", "auth"),
            ("endpoint",),
        ]
    ),
    value=VALUE,
    method=st.sampled_from(["post", "delete"]),
)
@example(path=("subscription", "endpoint"), value="https://push.example/\x00", method="post")
def test_any_push_subscription_field_is_answered(app, client, path, value, method):
    phone = Phone()
    phone.register(client)
    signed = {
        "type": "push-subscription",
        "device_id": phone.device_id,
        "created": now_iso(),
        "subscription": {
            "endpoint": "https://fcm.googleapis.com/fcm/send/abc",
            "keys": {"p256dh": "B" * 87, "auth": "A" * 22},
        },
    }
    signed = put(signed, path, value)
    signable(signed)
    send = getattr(client, method)
    assert_answer(send("/api/v1/push/subscriptions", json=phone.sign(signed)))


@PROPERTY
@given(
    where=st.sampled_from(["bundle", "registration", "batch", "record"]),
    path=st.sampled_from(
        [("created",), ("device_id",), ("app_version",), ("timestamp",), ("object", "lesson")]
        + [("status", *p) for p in STATUS_PATHS[:4]]
    ),
    value=VALUE,
)
@example(where="record", path=("timestamp",), value="9999-12-31T23:59:59.999Z")
@example(where="bundle", path=("created",), value="0001-01-01T00:00:00+14:00")
def test_any_bundle_field_is_answered(app, client, where, path, value):
    phone = Phone()
    good, other = phone.own(make_record(1)), phone.own(make_record(2))
    document = json.loads(gzip.decompress(phone.bundle([[good, other]])))
    if where == "bundle":
        document = put(document, path, value)
    else:
        key = "registration" if where == "registration" else None
        envelope = document[key] if key else document["batches"][0]
        signed = envelope["signed"]
        if where == "record":
            signed = put(signed, ("records",), [good, put(other, path, value)])
        else:
            signed = put(signed, path, value)
        signable(signed)
        resigned = phone.sign(signed)
        if key:
            document[key] = resigned
        else:
            document["batches"][0] = resigned
    try:
        data = gzip.compress(json.dumps(document).encode("utf-8", "surrogatepass"))
    except (TypeError, ValueError):
        assume(False)
    response = client.post(
        "/api/v1/sync/bundles", data=data, content_type="application/octet-stream"
    )
    body = assert_answer(response)
    if response.status_code == 200 and where == "record":
        (result,) = body["bundles"]
        assert good["id"] in result["receipts"][0]["accepted"]
