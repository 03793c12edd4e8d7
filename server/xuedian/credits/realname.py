"""The real-name level of a learning account (docs/credits.md), where a county turns it on
(``XUEDIAN_REAL_NAME``): a volunteer checks an ID card at the learning point and marks the
account verified.

Only the name and an HMAC-SHA256 of the ID number are stored (``credit_account``), under a
salt per instance: ``XUEDIAN_ID_NUMBER_SALT``, or else a random one made once in the key
folder (``<instance>/keys/id-number-salt``, 0600). The number itself is never stored,
logged or put in the audit log; the same number always gives the same hash on one
instance, so a second account verified with it can be told apart.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from datetime import date
from pathlib import Path

from flask import current_app

from ..audit.service import record
from ..core.timeutil import utcnow
from ..extensions import db
from .models import LearningAccount

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]\Z")


def id_number_problem(text: str) -> str | None:
    """Return the word key of what is wrong with an 18-character resident ID number
    (GB 11643), or None when it is well formed: the shape, the birth date, the check
    digit (ISO 7064 MOD 11-2)."""
    number = (text or "").strip().upper()
    if not _SHAPE.match(number):
        return "cr.id.shape"
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "cr.id.birth"
    if born.year < 1900 or born > date.today():
        return "cr.id.birth"
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != number[17]:
        return "cr.id.check"
    return None


def _salt() -> bytes:
    configured = current_app.config["XUEDIAN"].id_number_salt
    if configured:
        return configured.encode("utf-8")
    path = Path(current_app.instance_path) / "keys" / "id-number-salt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            pass  # another worker made it first
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


def id_number_hash(number: str) -> str:
    """Return the stored form of an ID number: HMAC-SHA256 under the instance's salt."""
    clean = number.strip().upper().encode("ascii")
    return hmac.new(_salt(), b"xuedian-id-number\x00" + clean, hashlib.sha256).hexdigest()


def verify(account: LearningAccount, name: str, number: str, staff) -> LearningAccount:
    """Mark ``account`` real-name verified by ``staff`` with ``name`` and the hash of
    ``number`` (already checked with :func:`id_number_problem`); audited. Commits."""
    account.real_name = name.strip()[:60]
    account.id_number_hash = id_number_hash(number)
    account.id_number_salt = None
    account.verified_at = utcnow()
    account.verified_by = staff.username
    record(
        "credit-real-name",
        account.short_number or str(account.id),
        {"account": account.id},
        commit=False,
    )
    db.session.commit()
    return account


def clear(account: LearningAccount, staff) -> None:
    """Take the real-name level off ``account`` (the name and the hash go); audited."""
    account.real_name = account.id_number_hash = account.verified_at = None
    account.verified_by = None
    record(
        "credit-real-name-clear",
        account.short_number or str(account.id),
        {"account": account.id},
        commit=False,
    )
    db.session.commit()
