"""One relay: its pinned keys, state, outbox, mirror and acks, and the pass that moves
files between them and the county.

A pass forwards the outbox first (records matter most and are small), then fetches the
``.xdack`` of every device it forwarded for, then updates the pack mirror. The pass runs in
a background thread of the serving process every ``relay_interval`` seconds, or sooner
after an upload; while the county is away it waits longer each time, up to
``relay_max_backoff``. A file lock keeps one pass at a time per instance, across processes.
"""

from __future__ import annotations

import fcntl
import logging
import threading
from contextlib import contextmanager
from pathlib import Path

from marshmallow import ValidationError

from ..core.timeutil import iso, utcnow, zone_named
from ..core.wirefields import DEVICE_ID, in_range
from ..errors import XuedianError, register_code
from .acks import MAX_ACK_BYTES, Acks
from .keys import PinnedKeys, RelayNotInitialised
from .mirror import Mirror
from .outbox import Outbox, Quotas
from .state import State, due
from .upstream import QUOTA_EXCEEDED, Upstream, UpstreamRefused, UpstreamUnreachable, quote

log = logging.getLogger("xuedian.relay")

BUNDLES_PATH = "/api/v1/sync/bundles"
HEALTH_PATH = "/api/v1/health"
#: Why a file went to refused/ after the county kept failing on it alone (5xx) while it
#: answered other requests (settings: XUEDIAN_RELAY_MAX_SERVER_ERRORS).
COUNTY_SERVER_ERROR = register_code(
    "relay-county-server-error",
    "The county failed on this file again and again while it answered other requests.",
)
RECEIVED_AT_HEADER = "X-Xuedian-Received-At"
#: The kiosk's credential (sync/kiosks.py): without it the county ignores the received-at.
KIOSK_HEADER = "X-Xuedian-Kiosk"
#: HTTP statuses with which the county refuses a bundle file itself. Anything else (a 404
#: from a wrong URL, a proxy's 502) leaves the file in the outbox to try again.
FILE_REFUSALS = frozenset({400, 401, 403, 409, 413, 415, 422})
#: Codes of an acks answer that mean no ack will ever come for that device.
ACK_NEVER = frozenset({"device-unknown", "device-revoked"})


class Relay:
    """The relay kept in ``root`` (``<instance>/relay``), configured by ``settings``."""

    def __init__(self, root: Path, settings, clock=utcnow):
        self.root = Path(root)
        self.settings = settings
        #: Replaceable (tests move time on); everything here asks it for "now".
        self.clock = clock
        self.keys = PinnedKeys(self.root / "trusted-keys.json")
        self.state = State(self.root / "state.json")
        self.outbox = Outbox(
            self.root,
            settings.max_body_bytes,
            settings.max_bundle_bytes,
            lambda: self.clock(),
            Quotas(
                settings.relay_max_disk_bytes,
                settings.relay_max_device_bytes,
                settings.relay_max_address_bytes,
            ),
        )
        self.mirror = Mirror(self.root / "mirror")
        # The forwarding thread has no app context: the county's zone is handed over.
        self.acks = Acks(self.root / "acks", zone_named(settings.timezone))
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def upstream_url(self) -> str | None:
        """The county's URL: the setting, else the one pinned by ``relay init``."""
        pinned = self.keys.document() or {}
        return (self.settings.relay_upstream or pinned.get("upstream") or "").rstrip("/") or None

    def status(self) -> dict:
        """Return what the LAN page and ``relay status`` show."""
        url = self.upstream_url
        return {
            "upstream": url,
            "initialised": bool(self.keys.document()),
            "cursor": self.state.cursor(url) if url else None,
            "counts": self.outbox.counts(),
            "packs": self.mirror.packs(),
        }

    # -- the pass ---------------------------------------------------------------------

    def run_pass(self, force: bool = False) -> float:
        """Run one mirror-and-forward pass if it is due (or ``force``); return the seconds
        until the next one should run."""
        interval = self.settings.relay_interval
        url = self.upstream_url
        if url is None:
            log.warning("no upstream: run `xuedian relay init --upstream URL`")
            return interval
        with self._exclusive() as mine:
            if not mine:
                return interval
            expired = self.outbox.expire(
                self.settings.relay_refused_days, self.settings.relay_forwarded_days
            )
            if expired:
                log.info("deleted %d settled files past their keeping days", expired)
            cursor = self.state.cursor(url)
            wait = due(cursor, self.clock())
            if wait and not force:
                return wait
            try:
                trusted = self.keys.trusted()
            except RelayNotInitialised as error:
                log.warning("%s", error.message)
                return interval
            upstream = Upstream(url)
            try:
                self._forward(upstream, url)
                self._fetch_acks(upstream, trusted)
                self._mirror(upstream, trusted, url)
            except (UpstreamUnreachable, UpstreamRefused) as error:
                # A refusal reaching here is of a request, not of a file (say, a county too
                # old for an endpoint): wait and try again like an outage.
                cursor = self.state.failed(
                    url,
                    self.clock(),
                    error.code,
                    error.message,
                    interval,
                    self.settings.relay_max_backoff,
                )
                log.warning(
                    "county unreachable (%s); next try %s", error.message, cursor["next_attempt"]
                )
                return due(cursor, self.clock())
        return interval

    @contextmanager
    def _exclusive(self):
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".pass.lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _forward_headers(self, item) -> dict:
        """When the kiosk received the file, and its credential so the county believes it."""
        headers = _received_header(item)
        if self.settings.relay_credential:
            headers[KIOSK_HEADER] = self.settings.relay_credential
        return headers

    def _forward(self, upstream: Upstream, url: str) -> None:
        forwarded = 0
        devices = set()
        try:
            for item in self.outbox.pending():
                if self._stop.is_set():
                    break
                name = item.meta.get("name") or ""
                try:
                    answer = upstream.post_file(
                        f"{BUNDLES_PATH}?name={quote(name)}",
                        item.path,
                        self._forward_headers(item),
                    )
                    result = _bundle_answer(answer.json())
                except UpstreamUnreachable as error:
                    result = self._server_fault(upstream, item, error)
                except UpstreamRefused as refusal:
                    if refusal.code == QUOTA_EXCEEDED and refusal.details.get("scope") == "device":
                        # Full for this phone only: its file waits, the queue goes on.
                        log.warning("county quota full for %s; it waits", name)
                        if item.meta.get("server_errors"):
                            self.outbox.note(item, server_errors=0)
                        continue
                    if refusal.http_status not in FILE_REFUSALS:
                        raise UpstreamUnreachable(
                            f"The county answered {refusal.http_status} {refusal.code}.",
                            status=refusal.http_status,
                        ) from refusal
                    result = {"ok": False, "code": refusal.code, "message": refusal.message}
                self.state.contacted(url, self.clock(), upstream.county_date)
                if result.get("ok") is not True:
                    self.outbox.settle(
                        item,
                        "refused",
                        refused_at=iso(self.clock()),
                        upstream=url,
                        code=result.get("code"),
                        message=result.get("message"),
                    )
                    log.warning(
                        "county refused %s (%s): %s", name, item.bundle_id[:12], result.get("code")
                    )
                    continue
                self.outbox.settle(
                    item,
                    "forwarded",
                    forwarded_at=iso(self.clock()),
                    upstream=url,
                    county={
                        k: result.get(k)
                        for k in (
                            "received_at",
                            "imported_at",
                            "already_imported",
                            "records",
                            "accepted",
                            "duplicate",
                            "rejected",
                        )
                    },
                )
                forwarded += 1
                if item.device_id:
                    devices.add(item.device_id)
        finally:
            if forwarded:
                total = self.state.cursor(url)["forwarded"] + forwarded
                self.state.update(url, last_forward=iso(self.clock()), forwarded=total)
                self.state.set_pending_acks(self.state.pending_acks() | devices)
                log.info("forwarded %d bundles to %s", forwarded, url)

    def _server_fault(self, upstream: Upstream, item, error: UpstreamUnreachable) -> dict:
        """Return the refusal of a file the county answered 5xx for the Nth time in a row
        while its health answered, so the queue goes on; else re-raise ``error`` (an outage:
        the pass waits and tries again, the count kept in the file's sidecar)."""
        status = error.details.get("status")
        limit = self.settings.relay_max_server_errors
        if not isinstance(status, int) or status < 500 or limit <= 0:
            raise error
        try:
            upstream.request("GET", HEALTH_PATH)
        except (UpstreamUnreachable, UpstreamRefused):
            raise error from None  # the county itself is away: not this file's fault
        count = int(item.meta.get("server_errors") or 0) + 1
        self.outbox.note(item, server_errors=count)
        if count < limit:
            raise error
        log.warning("county failed %d times on %s; set aside", count, item.bundle_id[:12])
        return {
            "ok": False,
            "code": COUNTY_SERVER_ERROR,
            "message": f"The county answered HTTP {status} to this file {count} times in a "
            "row while it answered other requests.",
        }

    def _fetch_acks(self, upstream: Upstream, trusted: list[dict]) -> None:
        pending = {d for d in self.state.pending_acks() if DEVICE_ID.match(d)}
        done = set()
        for device_id in sorted(pending):
            if self._stop.is_set():
                break
            try:
                answer = upstream.request(
                    "GET", f"/api/v1/sync/acks/{device_id}", limit=MAX_ACK_BYTES
                )
                self.acks.store(
                    device_id, answer.body, answer.headers.get("Content-Disposition"), trusted
                )
                done.add(device_id)
            except UpstreamRefused as refusal:
                # A county without the acks endpoint yet answers not-found: ask again later.
                if refusal.code in ACK_NEVER:
                    done.add(device_id)
                log.info("no ack for %s: %s", device_id[:8], refusal.code)
            except UpstreamUnreachable:
                raise
            except XuedianError as error:
                done.add(device_id)
                log.warning("ack for %s refused: %s: %s", device_id[:8], error.code, error.message)
        if done:
            self.state.set_pending_acks(self.state.pending_acks() - done)

    def _mirror(self, upstream: Upstream, trusted: list[dict], url: str) -> None:
        cursor = self.state.cursor(url)
        result = self.mirror.update(upstream, trusted, cursor["catalog_etag"])
        self.state.contacted(url, self.clock(), upstream.county_date)
        self.state.update(url, catalog_etag=result.etag, last_mirror=iso(self.clock()))
        for what, error in result.refused:
            self.state.noted_error(url, self.clock(), error.code, f"{what}: {error.message}")

    # -- the background thread ------------------------------------------------------

    def start(self) -> None:
        """Run passes in a background thread until :meth:`stop`."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="xuedian-relay", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Ask for a pass soon (after an upload); a county in backoff still waits."""
        self._wake.set()

    def stop(self, timeout: float = 15) -> None:
        """Stop the background thread, letting a file move under way finish."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        delay = 0.0
        while not self._stop.is_set():
            self._wake.wait(delay)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                delay = self.run_pass()
            except Exception:
                log.exception("relay pass failed")
                delay = self.settings.relay_interval


def _received_header(item) -> dict:
    """The kiosk's receipt time for the county, unless its clock was outside the wire range
    (a Raspberry Pi without a clock battery may think it is 1970): then the county's now."""
    try:
        in_range(item.received_at)
    except (ValidationError, TypeError, ValueError, KeyError):
        return {}
    return {RECEIVED_AT_HEADER: item.meta["received_at"]}


def _bundle_answer(value) -> dict:
    try:
        (result,) = value["bundles"]
    except (KeyError, TypeError, ValueError) as exc:
        raise UpstreamUnreachable(
            "The county's answer to a bundle upload is not readable."
        ) from exc
    if not isinstance(result, dict):
        raise UpstreamUnreachable("The county's answer to a bundle upload is not readable.")
    return result
