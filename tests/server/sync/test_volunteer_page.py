"""The county's volunteer page: many bundles uploaded through a form, answered per file."""

from __future__ import annotations

import io

from xuedian.sync.models import LearningRecord, SyncBundle

from .helpers import Phone, make_record
from .test_bundles import count, with_setting

PAGE = "/volunteer/bundles"


def test_form_works_without_javascript(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert 'name="bundles"' in page and "multiple" in page
    assert "<script" not in page
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    css = client.get("/plain-static/plain.css")
    assert css.status_code == 200
    assert css.mimetype == "text/css"


def test_upload_many_files_answers_each_and_stores_records_once(app, client):
    one, two = Phone(), Phone()
    first = one.bundle([[make_record(1), make_record(2)]])
    files = [
        (io.BytesIO(first), "one.xdsync"),
        (io.BytesIO(b"a photo, not a bundle"), "photo.xdsync"),
        (io.BytesIO(two.bundle([[make_record(1)]])), "two.xdsync"),
    ]
    response = client.post(PAGE, data={"bundles": files}, content_type="multipart/form-data")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "县里收下了 2 个文件，共 3 个。" in page  # the one county receipt's wording
    assert "新记录 2 条，已有 0 条" in page
    assert "没有收下" in page and "(bundle-invalid)" in page
    assert "<script" not in page
    assert count(app, LearningRecord) == 3
    assert count(app, SyncBundle) == 2

    again = client.post(
        PAGE,
        data={"bundles": [(io.BytesIO(first), "one.xdsync")]},
        content_type="multipart/form-data",
    )
    assert "以前已收过，没有重复记录" in again.get_data(as_text=True)
    assert count(app, LearningRecord) == 3
    assert count(app, SyncBundle) == 2


def test_no_file_and_too_much_at_once(app, client):
    empty = client.post(PAGE, data={}, content_type="multipart/form-data")
    assert empty.status_code == 400
    assert "没有选择文件" in empty.get_data(as_text=True)

    data = Phone().bundle([[make_record(s) for s in range(1, 40)]])
    with_setting(app, max_upload_bytes=len(data) // 2)
    response = client.post(
        PAGE,
        data={"bundles": [(io.BytesIO(data), "big.xdsync")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert 'data-testid="too-large"' in response.get_data(as_text=True)
    assert count(app, LearningRecord) == 0
