"""The dashboard's learners table (issue 11): one row per learner in scope, with exactly
that learner's lessons, unverified completions, minutes and best quiz score, on the county
dashboard, on a point's report and in learners.csv."""

from __future__ import annotations

import csv
import io
import uuid

from ..sync.helpers import now_iso
from .helpers import DAY, Learner, make_org, sign_in

REPORTS = "/staff/reports"


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _quiz(learner: Learner, score: float) -> dict:
    rec = learner.record("answered", lesson="01-a")
    rec["object"]["item"] = "quiz"
    rec["result"] = {"score": score, "success": score >= 0.6}
    return rec


def _page_row(html: str, learner: Learner) -> str:
    """The learners table's row of ``learner`` on a page, as HTML."""
    section = html[html.index('id="table-learners"') :]
    section = section[: section.index("</table>")]
    start = section.index(f'<th scope="row">{learner.learner[:8]}')
    return section[start : section.index("</tr>", start)]


def _cells(row_html: str) -> list[str]:
    return [c.split("<", 1)[0].strip() for c in row_html.split("<td>")[1:]]


def test_a_learner_shows_lessons_minutes_and_best_score_everywhere(app, client):
    ids = make_org(app)
    a = Learner(client, "p1a")
    read = a.record(lesson="01-a")
    read["result"]["duration"] = "PT7M30S"  # seven whole minutes
    a.send([read, _quiz(a, 0.8), _quiz(a, 0.5)])
    sign_in(client, ids["admin"])
    expected = ["东庄学习点", "1", "0", "7", "80"]

    county = client.get(f"{REPORTS}/").get_data(as_text=True)
    assert '<h2 id="h-learners">学员</h2>' in county
    cells = _cells(_page_row(county, a))
    assert cells[0] == a.phone.device_id[:8] and cells[1:6] == expected

    point = client.get(f"{REPORTS}/?point={ids['p1a']}").get_data(as_text=True)
    assert _cells(_page_row(point, a))[1:6] == expected

    rows = _csv(client.get(f"{REPORTS}/export/learners.csv"))
    assert rows[0][:3] == ["学员", "手机", "学习点"]
    mine = {r[0]: r for r in rows[1:]}[a.learner[:8]]
    assert mine[1:7] == [a.phone.device_id[:8], *expected]
    english = client.get(f"{REPORTS}/?lang=en").get_data(as_text=True)
    assert '<h2 id="h-learners">Learners</h2>' in english
    assert _cells(_page_row(english, a))[1:6] == ["p1a", "1", "0", "7", "80"]


def test_a_voided_quiz_total_does_not_count_and_unverified_counts_apart(app, client):
    ids = make_org(app)
    a = Learner(client, "p1a")
    best = _quiz(a, 0.9)
    quick = a.record(lesson="02-b")
    quick["result"] = {"duration": "PT3S"}  # a tap: no evidence
    a.send([best, _quiz(a, 0.4), quick])
    void = a.record("voided")
    void["object"] = {"pack": "xuedian-welcome", "version": 1, "record": best["id"]}
    void.pop("result")
    a.send([void])
    sign_in(client, ids["admin"])
    rows = _csv(client.get(f"{REPORTS}/export/learners.csv"))
    mine = {r[0]: r for r in rows[1:]}[a.learner[:8]]
    assert mine[3:7] == ["0", "1", "0", "40"]  # no lesson, one unverified, 0 min, not 90
    b = Learner(client, "p1b")
    b.send([b.record(lesson="01-a", timestamp=now_iso(-3 * DAY))])
    rows = _csv(client.get(f"{REPORTS}/export/learners.csv"))
    assert [r[0] for r in rows[1:]] == [a.learner[:8], b.learner[:8]]  # newest first
    assert rows[2][6] == "未知"  # no quiz total: unknown, not 0
    assert rows[2][7] < rows[1][7]


def test_another_areas_learner_is_never_shown(app, client):
    ids = make_org(app)
    mine, other = Learner(client, "p1a"), Learner(client, "p1b")
    stray = Learner(client, None)
    for learner in (mine, other, stray):
        learner.send([learner.record(lesson="01-a"), _quiz(learner, 1.0)])
    sign_in(client, ids["admin1a"])
    page = client.get(f"{REPORTS}/").get_data(as_text=True)
    shown = {r[0] for r in _csv(client.get(f"{REPORTS}/export/learners.csv"))[1:]}
    assert shown == {mine.learner[:8]}
    assert mine.learner[:8] in page
    assert other.learner[:8] not in page and stray.learner[:8] not in page
    sign_in(client, ids["admin"])
    rows = {r[0]: r for r in _csv(client.get(f"{REPORTS}/export/learners.csv"))[1:]}
    assert set(rows) == {mine.learner[:8], other.learner[:8], stray.learner[:8]}
    assert rows[stray.learner[:8]][2] == "未加入学习点的手机"
    point = client.get(f"{REPORTS}/?point={ids['p1b']}").get_data(as_text=True)
    assert other.learner[:8] in point and mine.learner[:8] not in point


def test_the_page_shows_the_20_most_recent_learners_and_the_export_every_one(app, client):
    ids = make_org(app)
    oldest = Learner(client, "p1a")  # one phone, 21 learners
    quiz = {**_quiz(oldest, 0.7), "timestamp": now_iso(-3 * DAY)}
    oldest.send([oldest.record(lesson="01-a", timestamp=now_iso(-3 * DAY)), quiz])
    recent = [str(uuid.uuid4()) for _ in range(20)]
    oldest.send([oldest.record(lesson="01-a", learner=learner) for learner in recent])
    sign_in(client, ids["admin"])
    page = client.get(f"{REPORTS}/").get_data(as_text=True)
    section = page[page.index('id="table-learners"') :]
    section = section[: section.index("</table>")]
    assert section.count('<th scope="row">') == 20
    assert all(learner[:8] in section for learner in recent)
    assert oldest.learner[:8] not in section
    assert "另有1行在下载文件中" in page
    rows = _csv(client.get(f"{REPORTS}/export/learners.csv"))
    assert len(rows) == 22 and rows[-1][0] == oldest.learner[:8]
    assert rows[-1][6] == "70"  # the export reads the best score of every row
