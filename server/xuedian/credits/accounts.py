"""Learning accounts as the learner holds them: the learner card (credits/card.py) and the
recovery code that moves the account to a new phone (docs/credits.md).

Owns no table of its own: writes ``credit_account``'s ``short_number`` and
``recovery_hash``. A recovery code is 16 characters of :data:`ALPHABET` (no 0/O, 1/I/L,
U), shown once to the phone that asked; only its SHA-256 is stored (the code carries
about 79 random bits, so a fast hash is enough). Redeeming it moves the learner to the
redeeming phone (learners/moves.py) and spends it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets

from flask import current_app
from sqlalchemy import select

from ..core import ratelimit
from ..extensions import db
from ..learners import moves
from ..learners.models import LearnerProfile
from .card import short_number
from .certify import accounts_for
from .errors import LearnerNotYours, RecoveryCodeWrong
from .models import LearningAccount

#: Readable characters only: no 0/O, 1/I/L, and no U (V and U look alike in handwriting).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS, GROUP = 4, 4
log = logging.getLogger(__name__)
_NOT_CODE = re.compile(r"[\s\-]")


def account_of(learner: str) -> LearningAccount:
    """Return ``learner``'s account, made if missing, with its short number (flushed)."""
    account = accounts_for([learner])[learner]
    if account.short_number is None:
        account.short_number = short_number(learner)
    return account


def normalize(code: str) -> str:
    """Return ``code`` as hashed: upper case, without spaces or dashes."""
    return _NOT_CODE.sub("", code or "").upper()


def _hash(code: str) -> str:
    return hashlib.sha256(("xuedian-recovery\x00" + normalize(code)).encode()).hexdigest()


def new_code() -> str:
    """Return a fresh code in groups (``ABCD-EFGH-JKMN-PQRS``)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP))
    return "-".join(chars[i : i + GROUP] for i in range(0, len(chars), GROUP))


def issue_code(device_id: str, learner: str) -> tuple[LearningAccount, str]:
    """Give ``learner``'s account a new recovery code (the old one stops working) and
    return it with the code, which is never stored. Commits.

    Raises :class:`LearnerNotYours` when another phone speaks for the learner.
    """
    if not moves.claim(learner, device_id):
        raise LearnerNotYours(learner=learner)
    account = account_of(learner)
    code = new_code()
    account.recovery_hash = _hash(code)
    db.session.commit()
    return account, code


def _limits(device_id: str):
    settings = current_app.config["XUEDIAN"]
    return (
        ("recovery-device", device_id, settings.rate_limit_recovery),
        ("recovery-address", ratelimit.client_address(), settings.rate_limit_recovery_address),
    )


def recover(device_id: str, code: str) -> tuple[LearningAccount, LearnerProfile | None]:
    """Move the account whose recovery code is ``code`` to ``device_id`` and spend the
    code. Commits. Only wrong codes count towards the limits.

    Raises ``rate-limited`` (checked before the code is looked at) or
    :class:`RecoveryCodeWrong`.
    """
    limits = _limits(device_id)
    wait = max(ratelimit.blocked(scope, key, rule) for scope, key, rule in limits)
    if wait:
        raise ratelimit.RateLimited(wait)
    text = normalize(code)
    account = None
    if len(text) == GROUPS * GROUP:
        # Locked: of two phones redeeming one code at once, the second finds it spent
        # (PostgreSQL re-reads the row's hash after the first commits).
        account = db.session.scalar(
            select(LearningAccount)
            .where(LearningAccount.recovery_hash == _hash(text))
            .with_for_update()
        )
    if account is None:
        # A guesser shows in the log like a failed staff sign-in (never the code tried).
        log.warning("wrong recovery code from device %s at %s", device_id, limits[1][1])
        for scope, key, rule in limits:
            ratelimit.hit(scope, key, rule)
        raise RecoveryCodeWrong()
    moves.move_learner(account.learner, device_id)
    account.recovery_hash = None
    if account.short_number is None:
        account.short_number = short_number(account.learner)
    db.session.commit()
    return account, db.session.get(LearnerProfile, account.learner)
