"""Rate limits (DESIGN §9): on sync per device and per address, on staff login per address
and account.

Owns the app's limit storage. One process keeps counts in memory; a county with several
gunicorn workers or app nodes points ``XUEDIAN_RATELIMIT_STORAGE`` at Redis
(``redis://127.0.0.1:6379``) so every worker shares them. Limits use a moving window
written as ``"60/minute"`` or ``"10 per minute; 100 per hour"``.
"""

from __future__ import annotations

import math
import threading
import time

from flask import Flask, current_app, request

from ..errors import XuedianError


class RateLimited(XuedianError):
    code = "rate-limited"
    status = 429
    message = "Too many requests; wait a little and try again."

    def __init__(self, retry_after: int, **details):
        super().__init__(retry_after=retry_after, **details)
        self.retry_after = retry_after


_MAKING = threading.Lock()


def init_app(app: Flask) -> None:
    """Nothing is made until the first limited request (an idle server stays smaller)."""
    app.extensions["xuedian.ratelimit"] = None


def _limiter():
    limiter = current_app.extensions.get("xuedian.ratelimit")
    if limiter is None:
        with _MAKING:  # gthread workers: two first requests must share one count
            limiter = current_app.extensions.get("xuedian.ratelimit")
            if limiter is None:
                from limits.storage import storage_from_string
                from limits.strategies import MovingWindowRateLimiter

                storage = storage_from_string(current_app.config["XUEDIAN"].ratelimit_storage)
                limiter = MovingWindowRateLimiter(storage)
                current_app.extensions["xuedian.ratelimit"] = limiter
    return limiter


def hit(scope: str, key: str, limits: str) -> None:
    """Count one request of ``scope`` for ``key``; raise :class:`RateLimited` past a limit.

    An empty ``limits`` turns the limit off. Every limit in the list is counted, so a burst
    spends the per-minute and the per-hour allowance alike.
    """
    if not limits:
        return
    from limits import parse_many

    limiter = _limiter()
    refused = None
    for item in parse_many(limits):
        if not limiter.hit(item, scope, key):
            reset = limiter.get_window_stats(item, scope, key).reset_time
            wait = max(1, math.ceil(reset - time.time()))
            refused = max(refused or 0, wait)
    if refused is not None:
        raise RateLimited(refused)


def blocked(scope: str, key: str, limits: str) -> int:
    """Seconds until ``key`` may be counted again (0: now), without counting anything.

    Staff login checks this first and hits only on a failed attempt, so only failures
    count towards the limit.
    """
    if not limits:
        return 0
    from limits import parse_many

    limiter = _limiter()
    wait = 0
    for item in parse_many(limits):
        if not limiter.test(item, scope, key):
            reset = limiter.get_window_stats(item, scope, key).reset_time
            wait = max(wait, max(1, math.ceil(reset - time.time())))
    return wait


def clear(scope: str, key: str, limits: str) -> None:
    """Forget ``key``'s counts, e.g. after a successful login."""
    if not limits:
        return
    from limits import parse_many

    limiter = _limiter()
    for item in parse_many(limits):
        limiter.clear(item, scope, key)


def client_address() -> str:
    """The caller's address as the WSGI server saw it (nginx must pass the real one)."""
    return request.remote_addr or "unknown"
