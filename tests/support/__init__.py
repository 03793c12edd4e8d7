"""Helpers every kind of test shares: one way to wait for something to become true.

Tests wait for a positive signal (a request count, a log line, a stored row, a DOM state),
never for a fixed time, and never for a value that is also the starting value.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    predicate: Callable[[], T],
    timeout: float,
    message: str,
    *,
    interval: float = 0.1,
    page=None,
) -> T:
    """Call ``predicate`` until it returns something truthy, and return that.

    With ``page`` (a Playwright page), the pause between calls is ``page.wait_for_timeout``,
    so Playwright delivers the page's events (``page.on`` handlers) meanwhile; a plain
    ``time.sleep`` would hold them back. Raises ``AssertionError`` naming ``message`` and the
    last value once ``timeout`` seconds have passed.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"timed out after {timeout:g} s waiting for {message} (last: {value!r})"
            )
        if page is not None:
            page.wait_for_timeout(int(interval * 1000))
        else:
            time.sleep(interval)
