"""The two trips a document makes over HTTP: a county's push to its province (retried with
backoff) and a province's pull from a county with the county's token. Plain urllib: the
bodies are small JSON documents.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

from flask import current_app

from ..core.timeutil import utcnow
from ..extensions import db
from . import document
from .errors import PullFailed
from .intake import receive
from .models import ProvinceCounty

PATH = "/api/v1/province/aggregates"
TIMEOUT = 30
#: The most a county's answer may hold (a big county's document is well under this).
MAX_BYTES = 8 * 1024 * 1024
#: Waits between push attempts (tests make them short through the setting).
_sleep = time.sleep


def _read(response) -> bytes:
    body = response.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        raise ValueError("answer too large")
    return body


def _post(url: str, envelope: dict) -> tuple[int, dict]:
    data = json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 - an operator-set http(s) URL
        url + PATH, data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.status, json.loads(_read(response) or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(_read(exc) or b"{}")
        except ValueError:
            return exc.code, {}


def push(now=None) -> dict:
    """Build, sign and POST the county's aggregates to ``XUEDIAN_PROVINCE_URL``.

    A network error or a 5xx is tried again after the backoff (doubling); a 4xx answer
    (the province refused the document) is final. Returns ``{"seq", "status", "tries",
    "code"}``; the ``province_sent`` row keeps the status.
    """
    settings = current_app.config["XUEDIAN"]
    url = settings.province_url.rstrip("/")
    envelope, sent = document.signed_document("push", now)
    wait = settings.province_push_backoff_ms / 1000
    tries, status, code = 0, "failed", None
    for tries in range(1, max(1, settings.province_push_tries) + 1):  # noqa: B007
        try:
            answer, body = _post(url, envelope)
        except (OSError, ValueError) as exc:
            code = type(exc).__name__
        else:
            code = body.get("code") if isinstance(body, dict) else None
            if answer == 200:
                status = "sent"
                break
            if 400 <= answer < 500:
                break
        if tries < settings.province_push_tries:
            _sleep(wait)
            wait *= 2
    sent.status = status
    db.session.commit()
    return {"seq": sent.id, "status": status, "tries": tries, "code": code}


def pull(county: ProvinceCounty) -> bool:
    """Fetch ``county``'s aggregates with its token and keep them (:func:`receive`);
    returns whether anything changed. Raises :class:`PullFailed` when the county does
    not answer with a document, or the refusal of :func:`receive`."""
    request = urllib.request.Request(  # noqa: S310 - an operator-registered http(s) URL
        county.url + PATH, headers={"Authorization": f"Bearer {county.token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            envelope = json.loads(_read(response))
    except urllib.error.HTTPError as exc:
        try:
            sent = json.loads(_read(exc)).get("code")
        except (ValueError, AttributeError):
            sent = None
        raise PullFailed(county=county.name, status=exc.code, county_code=sent) from None
    except (OSError, ValueError) as exc:
        raise PullFailed(county=county.name, reason=type(exc).__name__) from None
    return receive(envelope, "pull", county)[1]


def fetch_keys(url: str) -> list[dict]:
    """The county's ``/trusted-keys.json`` entries (to register with the county)."""
    with urllib.request.urlopen(url.rstrip("/") + "/trusted-keys.json", timeout=TIMEOUT) as r:  # noqa: S310
        keys = json.loads(_read(r)).get("keys")
    if not isinstance(keys, list) or not all(isinstance(k, dict) for k in keys):
        raise ValueError("not a trusted-keys document")
    return keys


def pull_all() -> dict:
    """Pull every registered county; returns ``{name: "changed" | "same" | code}``."""
    from .intake import counties

    out = {}
    for county in counties():
        try:
            out[county.name] = "changed" if pull(county) else "same"
        except Exception as exc:  # noqa: BLE001 - one county's failure must not stop the rest
            db.session.rollback()
            out[county.name] = getattr(exc, "code", type(exc).__name__)
    out["_at"] = utcnow().isoformat()
    return out
