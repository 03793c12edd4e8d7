"""A signed-in staff session written straight into a test client's cookie."""

from __future__ import annotations

import time


def signed_in(session, staff_id: int, csrf: str = "t", version: int = 0) -> None:
    """Make ``session`` (from ``client.session_transaction()``) that of ``staff_id``,
    signed in now, with session version ``version`` (a new account's is 0)."""
    session["staff_id"] = staff_id
    session["sv"] = version
    session["since"] = int(time.time())
    session["csrf"] = csrf
