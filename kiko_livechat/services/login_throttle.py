"""Slowing password guessing down without locking anyone out.

Failed logins count per client address and per account (the e-mail typed, known or not, so the
answers do not tell which e-mails have a login). The first `login_free_failures` cost nothing;
after each further one the key's next attempt is checked only after a wait that doubles (1 s,
2 s, 4 s ...) up to a cap: long for an address, shorter for an account, and only a few seconds
for an attempt on an attacked account from an address that has not failed, so that the owner
gets in while someone hammers their account from elsewhere. A refused attempt is neither checked
nor counted. A key's failures are forgotten after `login_failure_memory_minutes` without one;
the failure that first makes an account wait in such a run warns its owner by e-mail
(services/login_warning_mail.py).

The state lives in the database (login_throttles), shared by every worker. An attempt is counted
as a failure under a row lock before its password is checked, and taken back if it succeeds:
guesses sent in parallel cannot all pass while the first ones are still being checked.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, delete, select, update

from kiko_livechat.models import LoginThrottle, User
from kiko_livechat.models.base import UTCDateTime, utcnow
from kiko_livechat.services import login_warning_mail
from kiko_livechat.services.errors import AuthFailed
from kiko_livechat.settings import get_settings

_ADDRESS_MAX = 100
# 2**20 s is beyond any sensible cap; a long attack never builds huge numbers.
_MAX_DOUBLINGS = 20


@dataclass(frozen=True)
class Attempt:
    """A login attempt the throttle let through; it counts as a failure unless it succeeds."""

    account_key: str
    client_address: str | None
    now: datetime
    # Each counted key's last failure before this attempt, restored if it succeeds.
    previous: dict[str, datetime]


def begin(session: Session, *, email: str, client_address: str | None, now: datetime) -> Attempt:
    """Refuse with AuthFailed("auth.throttled", seconds=...) while the address or the account
    has to wait; otherwise count the attempt as a failure (committed) and return it.

    Without a client address only the account is throttled, as for an address that has failed.
    """
    address = client_address[:_ADDRESS_MAX] if client_address else None
    account_key = f"account:{email}"
    address_key = f"address:{address}" if address else None
    keys = sorted(key for key in (account_key, address_key) if key)
    # A first look without locks answers the refusals (most attempts of an attack) with one read.
    wait = _wait(_rows(session, keys), account_key, address_key, now)
    if wait <= 0:
        rows = _locked_rows(session, keys, now)
        wait = _wait(rows, account_key, address_key, now)  # again: a parallel attempt may have counted
        if wait <= 0:
            previous = {key: row.last_failure_at for key, row in rows.items()}
            for row in rows.values():
                if _is_forgotten(row, now):  # a new run of failures
                    row.failures, row.owner_warned = 0, False
                row.failures += 1
                row.last_failure_at = now
                session.add(row)
            session.commit()
            return Attempt(account_key=account_key, client_address=address, now=now, previous=previous)
        session.commit()  # nothing counted; ends the locks
    raise AuthFailed("auth.throttled", seconds=math.ceil(wait))


def failed(session: Session, attempt: Attempt, *, owner: User | None) -> None:
    """The attempt failed and stays counted. If its account now has to wait for the first time
    in this run of failures, warn the account's owner (the user with that e-mail, if any).
    The caller commits."""
    started = session.exec(
        update(LoginThrottle)
        .where(
            LoginThrottle.key == attempt.account_key,
            LoginThrottle.failures > get_settings().login_free_failures,
            LoginThrottle.owner_warned.is_(False),
        )
        .values(owner_warned=True)
        .execution_options(synchronize_session=False)
    ).rowcount
    if started and owner is not None and owner.is_active:
        login_warning_mail.queue(session, user=owner, client_address=attempt.client_address, now=attempt.now)


def succeeded(session: Session, attempt: Attempt) -> None:
    """The password was right: take the attempt's failure back (its time too, unless another
    failure came since). The caller commits."""
    for key, previous in attempt.previous.items():
        session.exec(
            update(LoginThrottle)
            .where(LoginThrottle.key == key, LoginThrottle.failures > 0)
            .values(
                failures=LoginThrottle.failures - 1,
                last_failure_at=sa.case(
                    (LoginThrottle.last_failure_at == attempt.now, sa.literal(previous, UTCDateTime())),
                    else_=LoginThrottle.last_failure_at,
                ),
            )
            .execution_options(synchronize_session=False)
        )


def forget_old(session: Session, *, now: datetime | None = None) -> int:
    """Delete the rows without a failure for the failure memory (they count as forgotten
    anyway), so the table stays as small as the recent failures. Commits; returns how many."""
    now = now or utcnow()
    forgotten = now - timedelta(minutes=get_settings().login_failure_memory_minutes)
    deleted = session.exec(delete(LoginThrottle).where(LoginThrottle.last_failure_at <= forgotten)).rowcount
    session.commit()
    return deleted


def _locked_rows(session: Session, keys: list[str], now: datetime) -> dict[str, LoginThrottle]:
    """The rows of `keys`, created if missing and locked until the caller's transaction ends:
    row locks on PostgreSQL (in key order, so two attempts never wait for each other in a
    circle); on SQLite the insert takes the database's one write lock first."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    new_rows = [{"key": key, "failures": 0, "last_failure_at": now, "owner_warned": False} for key in keys]
    while True:
        session.exec(insert(LoginThrottle).values(new_rows).on_conflict_do_nothing(index_elements=["key"]))
        rows = _rows(session, keys, lock=True)
        if len(rows) == len(keys):
            return rows
        # forget_old deleted a row between the two statements: create it again.


def _rows(session: Session, keys: list[str], *, lock: bool = False) -> dict[str, LoginThrottle]:
    query = select(LoginThrottle).where(LoginThrottle.key.in_(keys)).order_by(LoginThrottle.key)
    if lock:
        query = query.with_for_update()
    # Fresh values, not those the session may hold from an earlier attempt.
    return {row.key: row for row in session.exec(query.execution_options(populate_existing=True)).all()}


def _wait(rows: dict[str, LoginThrottle], account_key: str, address_key: str | None, now: datetime) -> float:
    """Seconds until this attempt may be checked (<= 0: now): the longer of the address's and
    the account's wait; the account's is short for an address that has not failed (the owner's?)."""
    settings = get_settings()
    address_row = rows.get(address_key)
    clean_address = address_key is not None and _failures(address_row, now) == 0
    account_cap = (
        settings.login_new_address_max_delay_seconds if clean_address else settings.login_account_max_delay_seconds
    )
    return max(
        _remaining(rows.get(account_key), account_cap, now),
        _remaining(address_row, settings.login_address_max_delay_seconds, now),
    )


def _remaining(row: LoginThrottle | None, cap: int, now: datetime) -> float:
    """Seconds until the key's next attempt may be checked (<= 0: now)."""
    beyond = _failures(row, now) - get_settings().login_free_failures
    if beyond <= 0:
        return 0.0
    delay = min(cap, 2 ** min(beyond - 1, _MAX_DOUBLINGS))
    return (row.last_failure_at + timedelta(seconds=delay) - now).total_seconds()


def _failures(row: LoginThrottle | None, now: datetime) -> int:
    """The key's failures in its current run (none once they are forgotten)."""
    return 0 if row is None or _is_forgotten(row, now) else row.failures


def _is_forgotten(row: LoginThrottle, now: datetime) -> bool:
    return row.last_failure_at <= now - timedelta(minutes=get_settings().login_failure_memory_minutes)
