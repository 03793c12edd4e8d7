"""A province app on the same database and instance as the ``app`` fixture (a county):
their tables are apart, and the county is registered at the province with the instance's
own key, so one test can push, pull and show on both databases."""

from __future__ import annotations

import pytest

from xuedian import create_app
from xuedian.extensions import db


@pytest.fixture
def province(app):
    settings = app.config["XUEDIAN"]
    made = create_app(
        {
            "instance_path": app.instance_path,
            "database_url": settings.database_url,
            "role": "province",
        }
    )
    made.config["TESTING"] = True
    yield made
    with made.app_context():
        db.session.remove()
        db.engine.dispose()
