"""Inputs that used to give a 500: ids beyond a database integer, dates off the calendar's
usable end, NUL in a login name, and a body gunicorn finds malformed (a ``0x2`` chunk size).
Each gets a clean answer."""

from __future__ import annotations

import pytest
from gunicorn.http.errors import InvalidChunkSize

from xuedian.core.wirefields import date_in_range, db_id

from ..org.test_login import _login
from ..org.world import build_world
from ..reports.helpers import make_org, sign_in

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7", 7), ("2147483647", 2**31 - 1), ("2147483648", None), (HUGE, None), ("²", None)]
    + [("٣", None), ("0", None), ("-1", None), ("", None), (None, None), ("1\x00", None)],
)
def test_db_id_takes_only_ids_a_database_integer_holds(text, expected):
    assert db_id(text) == expected


@pytest.mark.parametrize(
    "query",
    [
        "?to=0001-01-01",
        "?from=0001-01-01",
        "?to=9999-12-31&from=9999-12-01",
        "?from=0001-01-01&to=0001-01-02",
        "?to=2026-13-45",
    ],
)
def test_report_dates_off_the_calendar_fall_back_to_the_default(app, client, query):
    ids = make_org(app)
    sign_in(client, ids["admin"])
    assert client.get("/staff/reports/" + query).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"/staff/reports/?point={HUGE}",
        f"/staff/reports/?area={HUGE}",
        "/staff/reports/?area=²",
        f"/staff/points/{HUGE}",
        f"/staff/points/{2**63}/poster",
        f"/api/v1/packs/xuedian-welcome/{HUGE}/manifest",
    ],
)
def test_ids_beyond_a_database_integer_are_not_found(app, client, path):
    ids = make_org(app)
    sign_in(client, ids["admin"])
    assert client.get(path).status_code == 404


def test_form_ids_beyond_a_database_integer_are_refused_in_the_form(app, client):
    ids = make_org(app)
    sign_in(client, ids["admin"])
    for value in (HUGE, "²"):
        response = client.post(
            "/staff/instructions",
            data={"csrf_token": "t", "kind": "resync", "point": value},
        )
        assert response.status_code == 400, value


@pytest.mark.parametrize("username", ["\x00", "admin\x00", "a" * 1_000])
def test_login_with_an_unstorable_name_is_a_failed_login(app, client, username):
    build_world(app)
    assert _login(client, username).status_code == 401


class ChunkedBody:
    """gunicorn's body reader meeting a chunk size of ``0x2``."""

    def read(self, size=-1):
        raise InvalidChunkSize(b"0x2")

    readline = read

    def tell(self) -> int:
        return 0

    def seek(self, *args) -> int:
        return 0


def test_a_malformed_chunked_body_is_a_bad_request(app, client):
    response = client.post(
        "/api/v1/sync/batches",
        input_stream=ChunkedBody(),
        headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 400
    assert response.get_json()["code"] == "bad-request"


@pytest.mark.parametrize(
    ("text", "ok"),
    [("2026-11-24", True), ("0001-01-01", False), ("9999-12-31", False), ("x", False)],
)
def test_date_in_range(text, ok):
    assert (date_in_range(text) is not None) is ok
