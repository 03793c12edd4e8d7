"""Publishing a draft in the background, with a state the draft page polls for its progress
bar. Owns ``<instance>/studio-publishing/``.

Building a course (transcoding every recording and synthesising narration) takes up to a
minute, longer than a request should hold a gunicorn worker. So the publish button starts
a thread in the worker (a one-off task, unlike the scheduled jobs of ``xuedian/jobs``) that
runs service.move(…, "published") — the same build, sign and publish code as the command
line — and writes how far it is to ``<draft id>.json``: ``state`` (running, published,
failed), ``stage`` (queued, transcoding, building, signing, publishing), ``done`` of
``total`` within the stage, and ``percent`` of the whole. Files, not a table: any worker of
the instance reads them, and no migration is needed.

``<draft id>.lock`` (holding ``host:pid``) is claimed with ``O_EXCL`` so one publish of a
draft runs at a time, across workers; the thread touches it at each report and removes it
at the end. A lock whose process is gone, or not touched for :data:`STALE` seconds, is a
worker that died: its job reads as failed (interrupted) and the draft may be published
again. A failure leaves the draft approved
(service.move commits only after the release is published) with the refusal in the state.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from pathlib import Path

from flask import current_app

from ..core.timeutil import utcnow
from ..extensions import db
from ..org.models import Staff
from ..packs.source import PackSourceInvalid
from . import service
from .models import Draft

log = logging.getLogger("xuedian.studio")

#: Seconds without a report after which a running publish is taken as dead.
STALE = 15 * 60
#: The stages in order, with the share of the bar reached when each begins.
STAGES = {"queued": 0, "transcoding": 2, "building": 88, "signing": 92, "publishing": 95}
#: The threads started by this process (tests join them).
THREADS: dict[int, threading.Thread] = {}


def _folder() -> Path:
    return Path(current_app.instance_path) / "studio-publishing"


def _lock(draft_id: int) -> Path:
    return _folder() / f"{draft_id}.lock"


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(draft_id: int) -> bool:
    """Whether the lock's publish still runs: touched within :data:`STALE`, and (on this
    host) its process still exists."""
    lock = _lock(draft_id)
    try:
        if time.time() - lock.stat().st_mtime >= STALE:
            return False
        host, _, pid = lock.read_text("utf-8").rpartition(":")
    except FileNotFoundError:
        return False
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
    return True


def percent(stage: str, done: int, total: int) -> int:
    """The share of the whole publish reached at ``done`` of ``total`` in ``stage``."""
    if stage not in STAGES:
        return 100
    names = list(STAGES)
    start = STAGES[stage]
    at = names.index(stage)
    end = STAGES[names[at + 1]] if at + 1 < len(names) else 100
    return start + (end - start) * min(done, total) // max(total, 1)


def state(draft: Draft) -> dict:
    """The draft's last publish: ``{"state": "idle"}`` if none; a running one whose worker
    died reads as failed (``interrupted``)."""
    try:
        found = json.loads((_folder() / f"{draft.id}.json").read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return {"state": "idle"}
    if found.get("state") == "running" and not _alive(draft.id):
        return {**found, "state": "failed", "error": {"key": "studio.err_interrupted"}}
    return found


def _write(draft_id: int, **fields) -> None:
    folder = _folder()
    folder.mkdir(exist_ok=True)
    fields["updated_at"] = utcnow().isoformat()
    partial = folder / f".{draft_id}.json.{os.getpid()}.{threading.get_ident()}"
    partial.write_text(json.dumps(fields, ensure_ascii=False), "utf-8")
    partial.replace(folder / f"{draft_id}.json")


def _claim(draft_id: int) -> bool:
    lock = _lock(draft_id)
    lock.parent.mkdir(exist_ok=True)
    if lock.exists() and not _alive(draft_id):
        lock.unlink(missing_ok=True)  # its worker died
    try:
        handle = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(_owner())
    return True


def describe(exc: Exception) -> dict:
    """A refusal as the state keeps it: a word key of the studio's catalog and its values
    (the page translates it into its own language), and the message as a fallback."""
    if isinstance(exc, PackSourceInvalid):
        return {"key": "studio.err_source", "values": {"problem": exc.message}}
    key = getattr(exc, "key", "") if isinstance(exc, service.StudioError) else ""
    values = {k: str(v) for k, v in getattr(exc, "values", {}).items()}
    return {"key": key, "values": values, "message": str(getattr(exc, "message", "") or exc)}


def start(draft: Draft, staff: Staff) -> threading.Thread:
    """Start publishing ``draft`` as ``staff`` in a thread and return it; StudioError if
    the draft may not be published by them now or a publish of it is running."""
    roles, _ = service.TRANSITIONS.get((draft.state, "published"), ((), ""))
    if staff.role not in roles:
        raise service.StudioError(f"A {draft.state} draft cannot be published.", "transition")
    if not _claim(draft.id):
        raise service.StudioError("The draft is being published.", "publishing")
    _write(draft.id, state="running", stage="queued", done=0, total=1, percent=0)
    app = current_app._get_current_object()
    thread = threading.Thread(
        target=_run, args=(app, draft.id, staff.id), name=f"studio-publish-{draft.id}", daemon=True
    )
    THREADS[draft.id] = thread
    thread.start()
    return thread


def _run(app, draft_id: int, staff_id: int) -> None:
    with app.app_context():
        lock = _lock(draft_id)

        def report(stage: str, done: int, total: int) -> None:
            lock.touch()
            share = percent(stage, done, total)
            _write(draft_id, state="running", stage=stage, done=done, total=total, percent=share)

        try:
            draft = db.session.get(Draft, draft_id)
            service.move(draft, "published", db.session.get(Staff, staff_id), report=report)
            _write(draft_id, state="published", version=draft.published_version, percent=100)
        except Exception as exc:  # any failure: the draft stays approved, the page says why
            db.session.rollback()
            log.warning("publishing draft %s failed", draft_id, exc_info=True)
            _write(draft_id, state="failed", error=describe(exc), percent=0)
        finally:
            lock.unlink(missing_ok=True)
