"""Talking to the county over HTTP(S), with the standard library only.

Every call ends in one of three ways: an answer, :class:`UpstreamUnreachable` (no network,
a timeout, a 5xx, a proxy's page: try again later) or :class:`UpstreamRefused` (the county
answered with its JSON error envelope: it looked at what we sent and said no).
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path

from .. import __version__
from ..errors import XuedianError

CHUNK = 1 << 16
#: The county's code for "this device's refused records fill its quota" (errors.py).
QUOTA_EXCEEDED = "quota-exceeded"
USER_AGENT = f"xuedian-relay/{__version__}"


class UpstreamUnreachable(XuedianError):
    code = "relay-upstream-unreachable"
    status = 502
    message = "The county server could not be reached; the relay will try again."


class UpstreamRefused(XuedianError):
    """The county answered with an error envelope; ``code`` is the county's code."""

    status = 502

    def __init__(self, status: int, envelope: dict):
        super().__init__(str(envelope.get("message") or "Refused by the county."))
        self.http_status = status
        self.code = str(envelope.get("code") or "bad-request")
        self.details = envelope.get("details") or {}


@dataclass
class Answer:
    status: int
    #: Case-insensitive, as ``http.client`` gives them.
    headers: Message = field(default_factory=Message)
    body: bytes = b""

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise UpstreamUnreachable(
                "The county answered with something that is not JSON."
            ) from exc


def _envelope(body: bytes) -> dict | None:
    try:
        value = json.loads(body)
    except ValueError:
        return None
    if isinstance(value, dict) and value.get("ok") is False and isinstance(value.get("code"), str):
        return value
    return None


class Upstream:
    """The county at ``base_url``; ``timeout`` is per network operation, in seconds."""

    def __init__(self, base_url: str, timeout: float = 30):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        #: When the county last answered at all (its own Date header, else None).
        self.county_date = None

    def url(self, path: str) -> str:
        return self.base_url + path

    def _open(self, method: str, path: str, headers: dict | None = None, data=None):
        if not self.base_url.startswith(("http://", "https://")):
            raise UpstreamUnreachable("The upstream URL must start with http:// or https://.")
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            self.url(path), data=data, method=method, headers={"User-Agent": USER_AGENT}
        )
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            response = urllib.request.urlopen(request, timeout=self.timeout)  # noqa: S310
        except urllib.error.HTTPError as error:
            response = error
        except (OSError, ValueError, http.client.HTTPException) as exc:
            # URLError, refused connections, timeouts, resets, TLS failures, broken answers.
            raise UpstreamUnreachable(details_text(exc)) from exc
        self._saw(response.headers)
        return response

    def _saw(self, headers) -> None:
        try:
            self.county_date = parsedate_to_datetime(headers.get("Date"))
        except (TypeError, ValueError):
            self.county_date = None

    def request(self, method: str, path: str, headers=None, data=None, limit=8 << 20) -> Answer:
        """Return the answer (body at most ``limit`` bytes) for a status below 400 or 304.

        Raises :class:`UpstreamRefused` for a 4xx with an error envelope and
        :class:`UpstreamUnreachable` for anything else.
        """
        response = self._open(method, path, headers, data)
        with response:
            try:
                body = response.read(limit + 1)
            except (OSError, http.client.HTTPException) as exc:
                raise UpstreamUnreachable(details_text(exc)) from exc
            answer = Answer(response.status, response.headers, body[:limit])
        if len(body) > limit:
            raise UpstreamUnreachable("The county's answer is larger than expected.")
        if len(body) < _expected_length(response.headers, len(body)):
            raise UpstreamUnreachable("The county's answer was cut short.")
        return check(answer)

    def download(self, path: str, target: Path, validator: str, limit: int) -> None:
        """Fetch ``path`` into ``target``, resuming from its current size with Range and
        If-Range (``validator`` is the ETag the file must still have).

        A 200 answer (the file changed, or the server ignores Range) starts over; a 206 must
        continue exactly where the partial file ends. Raises :class:`UpstreamUnreachable`,
        leaving what arrived in ``target`` for the next try, or :class:`UpstreamRefused`.
        """
        have = target.stat().st_size if target.exists() else 0
        headers = {}
        if have:
            headers = {"Range": f"bytes={have}-", "If-Range": f'"{validator}"'}
        response = self._open("GET", path, headers)
        with response:
            status = response.status
            if status == 416:
                target.unlink(missing_ok=True)
                raise UpstreamUnreachable("The partial download no longer fits; starting over.")
            if status >= 400:
                check(Answer(status, response.headers, response.read(1 << 16)))
            if status == 206:
                match = re.match(r"bytes (\d+)-", response.headers.get("Content-Range", ""))
                if not match or int(match.group(1)) != have:
                    raise UpstreamUnreachable("The county resumed at the wrong byte.")
                mode = "ab"
            elif status == 200:
                mode, have = "wb", 0
            else:
                raise UpstreamUnreachable(f"Unexpected HTTP {status} for a download.")
            start = have
            expected = _expected_length(response.headers, None)
            with open(target, mode) as out:
                try:
                    while data := response.read(CHUNK):
                        have += len(data)
                        if have > limit:
                            raise UpstreamUnreachable("The download is larger than announced.")
                        out.write(data)
                except (OSError, http.client.HTTPException) as exc:
                    raise UpstreamUnreachable(details_text(exc)) from exc
                finally:
                    out.flush()
            # http.client ends a read quietly when the link drops; the length tells.
            if expected is not None and have - start < expected:
                raise UpstreamUnreachable("The download was cut short; it resumes next time.")

    def post_file(self, path: str, source: Path, headers: dict) -> Answer:
        """POST a file's bytes as the raw body, streamed from disk."""
        size = source.stat().st_size
        with open(source, "rb") as body:
            return self.request(
                "POST",
                path,
                {
                    **headers,
                    "Content-Type": "application/octet-stream",
                    "Content-Length": str(size),
                },
                data=body,
            )


def _expected_length(headers, default):
    try:
        return int(headers.get("Content-Length"))
    except (TypeError, ValueError):
        return default


def check(answer: Answer) -> Answer:
    """Return ``answer`` if it is a success (or 304); raise as :meth:`Upstream.request` does."""
    if answer.status < 400:
        return answer
    envelope = _envelope(answer.body)
    # A 429 is "wait" (rate-limited), except a storage quota, which speaks of one file.
    wait = answer.status == 429 and (envelope or {}).get("code") != QUOTA_EXCEEDED
    if envelope is not None and answer.status < 500 and not wait:
        raise UpstreamRefused(answer.status, envelope)
    raise UpstreamUnreachable(f"The county answered HTTP {answer.status}.", status=answer.status)


def details_text(exc: Exception) -> str:
    reason = getattr(exc, "reason", None) or exc
    return f"The county server could not be reached: {reason}."[:300]


def quote(text: str) -> str:
    return urllib.parse.quote(text, safe="")
