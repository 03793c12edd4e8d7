"""The authorisation matrix: every URL rule under /staff and /reports × every role and scope.

Rules are read from ``app.url_map``, so a page added later is tested here too, and a rule
missing from ``PAGES`` fails: classify it. Expected answers (docs/staff.md):

- anonymous: a redirect to the sign-in page (public pages: their own answer);
- a role the page is not for: 403;
- an object (point, area, staff account, studio draft) outside the account's scope: 404,
  as if it did not exist;
- in scope: the page's own answer;
- and no answer to an account contains a device id, point code or point name of a point
  outside its scope, nor the name of a staff account it does not manage (with the world's
  job runs and carried bundles in place: ``world.add_activity``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from xuedian import create_app

from .world import (
    DRAFTS,
    LESSON,
    POINTS,
    SEES_AREAS,
    SEES_DRAFTS,
    SEES_POINTS,
    SEES_STAFF,
    SEES_UNENROLLED,
    STAFF,
    UNENROLLED,
    add_activity,
    build_world,
    sign_in,
    username,
)

PUBLIC = "public"
ANY_STAFF = "any-staff"
ADMIN = "admin"
VOLUNTEER_OR_ADMIN = "volunteer-or-admin"
AUTHOR_OR_ADMIN = "author-or-admin"
#: What belongs to the whole county (LRS clients): its root area's administrators only; an
#: administrator of an area below gets 403 like a role the page is not for.
COUNTY_ADMIN = "county-admin"
ROLES_OF = {
    ANY_STAFF: ("admin", "volunteer", "author"),
    ADMIN: ("admin",),
    COUNTY_ADMIN: ("admin",),
    VOLUNTEER_OR_ADMIN: ("admin", "volunteer"),
    AUTHOR_OR_ADMIN: ("admin", "author"),
}
DRAFT = {"draft_id": "draft"}


@dataclass(frozen=True)
class Page:
    access: str
    #: URL parameter -> "point", "area", "staff" or "draft": tried with every point/area/account, in
    #: and out of scope.
    scoped: dict = field(default_factory=dict)
    #: Fixed values of other URL parameters.
    params: dict = field(default_factory=dict)
    #: The status an allowed request gets.
    ok: int = 200
    #: Multipart files sent with a POST (name -> bytes).
    files: dict = field(default_factory=dict)


PAGES: dict[str, Page] = {
    "staff.static": Page(PUBLIC, params={"filename": "staff.css"}),
    "staff.login": Page(PUBLIC),
    "staff.logout": Page(ANY_STAFF, ok=302),
    "staff.home": Page(ANY_STAFF, ok=302),
    "staff.points": Page(ANY_STAFF),
    "staff.my_point": Page(ANY_STAFF, ok=302),
    "staff.point": Page(VOLUNTEER_OR_ADMIN, scoped={"point_id": "point"}),
    "staff.poster": Page(VOLUNTEER_OR_ADMIN, scoped={"point_id": "point"}),
    # A route pack's plaques: public pack content, for any staff; this world publishes no
    # pack, so an allowed request is the 404 of an unpublished one (test_plaques.py).
    "staff.plaques": Page(ANY_STAFF, params={"pack_id": "no-such-pack"}, ok=404),
    # A file that is not a bundle: refused, nothing stored, answered with a 200 page.
    "staff.upload": Page(
        VOLUNTEER_OR_ADMIN, scoped={"point_id": "point"}, files={"bundles": b"not a bundle"}
    ),
    # Administration of areas, points and staff. The POSTs get an empty form: refused with
    # the form again (400), nothing stored; a target id outside scope in the form is refused
    # with 404 (tests/server/org/test_admin_pages.py).
    "staff.org": Page(ADMIN),
    "staff.org_add_area": Page(ADMIN, ok=400),
    "staff.org_add_point": Page(ADMIN, ok=400),
    "staff.people": Page(ADMIN),
    "staff.people_add": Page(ADMIN, ok=400),
    "staff.people_set_active": Page(ADMIN, scoped={"staff_id": "staff"}, ok=400),
    "staff.people_password": Page(ADMIN, scoped={"staff_id": "staff"}, ok=400),
    # Pages of the reports and jobs modules (classified here when they land).
    "reports.dashboard": Page(ADMIN),
    "reports.register": Page(ADMIN),
    "reports.export": Page(ADMIN, params={"name": "health", "fmt": "csv"}),
    "reports.records": Page(ADMIN),
    "reports_assets.static": Page(PUBLIC, params={"filename": "reports.css"}),
    "jobs.runs": Page(ADMIN),
    "instructions.page": Page(ADMIN),
    # The credit bank: any staff member attests (an empty form: 400); administrators edit
    # definitions and decide. The world has no definition, attestation or outcome, so an
    # allowed request for id 1 is 404; tests/server/credits/ shows the scoped ones.
    "credits.page": Page(ANY_STAFF),
    "credits.attest": Page(ANY_STAFF, ok=400),
    "credits.definition": Page(ADMIN, params={"ident": 1}, ok=404),
    "credits.definition_save": Page(ADMIN, params={"ident": 1}, ok=404),
    "credits.decide": Page(ADMIN, params={"ident": 1, "choice": "approve"}, ok=404),
    "credits.revoke": Page(ADMIN, params={"ident": 1}, ok=404),
    # Transfers in from other counties: volunteers and administrators; an empty form is
    # refused with the page again (400). A learner out of scope: tests/server/credits/.
    "credit_transfer.page": Page(VOLUNTEER_OR_ADMIN),
    "credit_transfer.submit": Page(VOLUNTEER_OR_ADMIN, ok=400),
    "credit_account_pages.static": Page(PUBLIC, params={"filename": "card.css"}),
    "credit_account_pages.search": Page(VOLUNTEER_OR_ADMIN),
    "credit_account_pages.card": Page(VOLUNTEER_OR_ADMIN, params={"ident": 999999}, ok=404),
    "credit_account_pages.verify": Page(VOLUNTEER_OR_ADMIN, params={"ident": 999999}, ok=404),
    "credit_account_pages.clear": Page(ADMIN, params={"ident": 999999}, ok=404),
    "credit_account_pages.transcript": Page(VOLUNTEER_OR_ADMIN, params={"ident": 999999}, ok=404),
    # An empty form: refused with the form again (400), nothing sent. The target point is a
    # form field; tests/server/push/ shows a point out of scope is refused.
    "instructions.create": Page(ADMIN, ok=400),
    # Every account's own password page; the POST without the current password: 400.
    "staff.my_password": Page(ANY_STAFF),
    "staff.my_password_change": Page(ANY_STAFF, ok=400),
    # The audit log: events of the administrator's own area and below (test_audit.py).
    "audit.page": Page(ADMIN),
    # The LRS clients and the third-party activity (tests/server/lrs/test_pages.py): an
    # empty form is refused (400), a client that does not exist is 404.
    "lrs_pages.page": Page(COUNTY_ADMIN),
    "lrs_pages.add": Page(COUNTY_ADMIN, ok=400),
    "lrs_pages.revoke": Page(COUNTY_ADMIN, params={"client_id": 999999}, ok=404),
    # The points services catalogue; an empty form is refused (400); a service out of
    # scope is 404 (tests/server/points/test_pages.py), as is one that does not exist.
    "events.page": Page(VOLUNTEER_OR_ADMIN),
    "events.add": Page(VOLUNTEER_OR_ADMIN, ok=400),
    "events.qr": Page(VOLUNTEER_OR_ADMIN, params={"event_id": 999999}, ok=404),
    "points.page": Page(ADMIN),
    "points.add": Page(ADMIN, ok=400),
    "points.change": Page(ADMIN, params={"service_id": 999999}, ok=404),
    "points.phone": Page(VOLUNTEER_OR_ADMIN, params={"point_id": 999999}, ok=404),
    # The studio (docs/studio.md): drafts of the institutions in scope. The POSTs get an
    # empty form: refused with the form again (400), nothing stored; moving the only lesson
    # changes nothing (303).
    "studio.home": Page(AUTHOR_OR_ADMIN),
    "studio.add_publisher": Page(ADMIN, ok=400),
    "studio.add_author": Page(ADMIN, ok=400),
    "studio.add_draft": Page(AUTHOR_OR_ADMIN, ok=400),
    "studio.draft": Page(AUTHOR_OR_ADMIN, scoped=DRAFT),
    "studio.save_pack": Page(AUTHOR_OR_ADMIN, scoped=DRAFT, ok=400),
    "studio.new_lesson": Page(AUTHOR_OR_ADMIN, scoped=DRAFT),
    "studio.lesson": Page(AUTHOR_OR_ADMIN, scoped=DRAFT, params={"lesson_id": LESSON}),
    "studio.save_lesson": Page(AUTHOR_OR_ADMIN, scoped=DRAFT, params={"lesson_id": LESSON}, ok=400),
    "studio.move_lesson": Page(AUTHOR_OR_ADMIN, scoped=DRAFT, params={"lesson_id": LESSON}, ok=303),
    "studio.change_state": Page(AUTHOR_OR_ADMIN, scoped=DRAFT, ok=400),
    # No file: refused with the page again (test_media.py uploads).
    "studio.upload_media": Page(AUTHOR_OR_ADMIN, scoped=DRAFT, ok=400),
    # Chunked uploads (test_uploads.py): no name and size, no offset (422); an upload that
    # does not exist (404, in scope or not).
    "studio.static": Page(PUBLIC, params={"filename": "studio-media.js"}),
    # A draft's publish progress (test_publishing.py) and its media for the preview
    # (test_media.py): this world's drafts have none, so in scope is the 404 of no file.
    "studio.publish_status": Page(AUTHOR_OR_ADMIN, scoped=DRAFT),
    "studio.draft_media": Page(AUTHOR_OR_ADMIN, scoped=DRAFT, params={"name": "x.png"}, ok=404),
    "studio.start_upload": Page(AUTHOR_OR_ADMIN, scoped=DRAFT, ok=422),
    "studio.upload_status": Page(
        AUTHOR_OR_ADMIN, scoped=DRAFT, params={"upload_id": "0" * 32}, ok=404
    ),
    "studio.upload_chunk": Page(
        AUTHOR_OR_ADMIN, scoped=DRAFT, params={"upload_id": "0" * 32}, ok=422
    ),
}
PREFIXES = ("/staff", "/reports")
ACCOUNTS = [None, *STAFF]


def _rules():
    app = create_app({"instance_path": "/tmp/xuedian-authz-collect"})
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith(PREFIXES)]
    return sorted(rules, key=lambda r: r.endpoint)


RULES = [(r.endpoint, r.rule, tuple(sorted(r.methods or ()))) for r in _rules()]


def test_every_staff_rule_is_classified():
    missing = sorted(endpoint for endpoint, _, _ in RULES if endpoint not in PAGES)
    assert missing == [], f"classify these pages in PAGES: {missing}"


def _targets(page: Page, world):
    """Every combination of scoped parameters: (url values, {kind: key})."""
    combos = [({}, {})]
    for name, kind in page.scoped.items():
        keys = {
            "point": world.points,
            "area": world.areas,
            "staff": world.staff,
            "draft": world.drafts,
        }[kind]
        combos = [
            ({**values, name: ident}, {**chosen, kind: key})
            for values, chosen in combos
            for key, ident in keys.items()
        ]
    return combos


def _in_scope(account: str, chosen: dict) -> bool:
    point_ok = "point" not in chosen or chosen["point"] in SEES_POINTS[account]
    area_ok = "area" not in chosen or chosen["area"] in SEES_AREAS[account]
    staff_ok = "staff" not in chosen or chosen["staff"] in SEES_STAFF[account]
    draft_ok = "draft" not in chosen or chosen["draft"] in SEES_DRAFTS[account]
    return point_ok and area_ok and staff_ok and draft_ok


def _request(client, rule, methods, page: Page, values: dict):
    from flask import url_for

    with client.application.test_request_context():
        url = url_for(rule, **page.params, **values)
    if "GET" in methods:
        return client.get(url)
    data = {"csrf_token": "test-csrf"}
    for name, content in page.files.items():
        import io

        data[name] = (io.BytesIO(content), f"{name}.xdsync")
    send = client.put if "PUT" in methods else client.post
    return send(url, data=data, content_type="multipart/form-data")


def _forbidden_markers(account: str | None) -> list[str]:
    seen = SEES_POINTS.get(account, set()) if account else set()
    markers = []
    for key, (code, name, device_id) in POINTS.items():
        if key not in seen:
            markers += [code, name, device_id[:8]]
    if account not in SEES_UNENROLLED:
        markers.append(UNENROLLED[:8])
    managed = SEES_STAFF[account] | {account} if account else set()
    drafts = SEES_DRAFTS.get(account, set()) if account else set()
    markers += [pack_id for key, pack_id in DRAFTS.items() if key not in drafts]
    return markers + [username(key) for key in STAFF if key not in managed]


@pytest.mark.parametrize("endpoint,rule,methods", RULES, ids=[r[0] for r in RULES])
def test_matrix(app, endpoint, rule, methods):
    page = PAGES.get(endpoint)
    assert page is not None, f"classify {endpoint} ({rule}) in PAGES"
    world = build_world(app)
    add_activity(app, world)
    client = app.test_client()
    checked = 0
    for account in ACCOUNTS:
        role = STAFF[account][0] if account else None
        for values, chosen in _targets(page, world):
            sign_in(client, world.staff[account] if account else None)
            response = _request(client, endpoint, methods, page, values)
            where = f"{endpoint} as {account or 'anonymous'} with {chosen or 'no object'}"
            if account is None:
                if page.access == PUBLIC:
                    assert response.status_code == page.ok, where
                else:
                    assert response.status_code == 302, where
                    assert response.location.startswith("/staff/login"), where
            elif page.access == PUBLIC:
                assert response.status_code in (200, 302), where
            elif role not in ROLES_OF[page.access] or (
                page.access == COUNTY_ADMIN and account not in SEES_UNENROLLED
            ):
                assert response.status_code == 403, where
            elif not _in_scope(account, chosen):
                assert response.status_code == 404, where
            else:
                assert response.status_code == page.ok, (where, response.status_code)
            body = response.get_data(as_text=True)
            leaked = [m for m in _forbidden_markers(account) if m in body]
            assert leaked == [], f"{where} shows {leaked}"
            checked += 1
    assert checked >= len(ACCOUNTS)


def test_volunteer_of_a_reads_nothing_of_b(app):
    """A volunteer's own pages show their point's phone, and nothing of point B."""
    world = build_world(app)
    client = app.test_client()
    sign_in(client, world.staff["vol_a"])
    own = client.get(f"/staff/points/{world.points['A']}")
    assert own.status_code == 200
    assert POINTS["A"][2][:8] in own.text and POINTS["A"][0] in own.text
    listing = client.get("/staff/points")
    assert POINTS["A"][0] in listing.text
    for marker in POINTS["B"][:2] + (POINTS["B"][2][:8],):
        assert marker not in listing.text and marker not in own.text
    for path in ("", "/poster"):
        assert client.get(f"/staff/points/{world.points['B']}{path}").status_code == 404
    # Admin of county 2 reads nothing of county 1.
    sign_in(client, world.staff["admin_c2"])
    listing = client.get("/staff/points")
    assert POINTS["C"][0] in listing.text
    assert POINTS["A"][0] not in listing.text and POINTS["B"][0] not in listing.text


def test_jobs_page_and_carry_report_show_the_own_area_only(app):
    """What the pages show, not only whether they answer: each administrator reads their
    own points in the job summaries and their own carriers in the carry report."""
    world = build_world(app)
    add_activity(app, world)
    client = app.test_client()
    jobs, carry = "/staff/jobs", "/staff/reports/export/carry_volunteers.csv?lang=en"
    sign_in(client, world.staff["admin_c1"])
    page = client.get(jobs).text
    assert POINTS["A"][0] in page and POINTS["B"][0] in page
    assert POINTS["C"][0] not in page
    # The weekly snapshot of county 1 only (its code), not county 2's.
    assert "county: area-c1" in page and "area-c2" not in page
    text = client.get(carry).text
    assert "vol-b" in text and "vol-a" not in text  # A's bundle; C's is not county 1's
    sign_in(client, world.staff["admin_t1a"])
    page = client.get(jobs).text
    assert POINTS["A"][0] in page and POINTS["B"][0] not in page
    assert "county:" not in page  # a township holds no county's weekly figures
    text = client.get(carry).text
    assert "vol-b" not in text and "staff outside your area" in text
    sign_in(client, world.staff["admin_c2"])
    page = client.get(jobs).text
    assert POINTS["C"][0] in page and "county: area-c2" in page
    assert POINTS["A"][0] not in page and "area-c1" not in page
    text = client.get(carry).text
    assert "vol-a" not in text and "staff outside your area" in text


def test_only_county_administrators_see_unenrolled_phones(app):
    """The register lists the unenrolled phone's refused record for the county roots only."""
    world = build_world(app)
    client = app.test_client()
    for account in STAFF:
        sign_in(client, world.staff[account])
        response = client.get("/staff/reports/register")
        if STAFF[account][0] == "volunteer":
            assert response.status_code == 403, account
            continue
        shown = UNENROLLED in response.get_data(as_text=True)
        assert shown == (account in SEES_UNENROLLED), account


#: URL prefixes with an authentication of their own, outside the staff matrix: the xAPI LRS
#: (docs/lrs.md) takes only an LRS client's Basic auth, never a staff session.
OWN_AUTH = {"/xapi/": "lrs-client-basic-auth"}
OPEN_OWN_AUTH = {"xapi.about"}


def test_own_auth_rules_refuse_a_staff_session(app):
    """Every /xapi/ rule but About answers 401 to a signed-in county administrator."""
    world = build_world(app)
    client = app.test_client()
    sign_in(client, world.staff["admin_c1"])
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith(tuple(OWN_AUTH))]
    assert rules
    for rule in rules:
        response = client.get(rule.rule, headers={"X-Experience-API-Version": "2.0.0"})
        expected = 200 if rule.endpoint in OPEN_OWN_AUTH else 401
        assert response.status_code == expected, rule.rule
