"""Webhook targets (an API inbox's webhook, an account webhook), shared by every worker process
through their table: one send in flight per target, and a circuit breaker per target.

A target with a send in flight gets no second one (its lease, `busy_until`, runs out should the
worker die), so a slow endpoint holds one sending slot and delays nobody else. A target that
failed FAILURES_BEFORE_PAUSE times in a row is paused, each time longer (PAUSE_SECONDS), so a
dead endpoint costs the workers one attempt per pause. After a pause one delivery tries again
(the others wait: the target is busy); a success closes the breaker.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select, update

from kiko_livechat.models import WebhookTarget

FAILURES_BEFORE_PAUSE = 5
# The pause after each opening of the breaker; the last one repeats.
PAUSE_SECONDS = (30, 60, 120, 300, 900, 1800, 3600)


def key(*, inbox_id: int | None = None, webhook_id: int | None = None) -> str:
    """The target of an account webhook, or else of an API inbox's webhook."""
    return f"webhook:{webhook_id}" if webhook_id is not None else f"inbox:{inbox_id}"


def row(account_id: int, *, inbox_id: int | None = None, webhook_id: int | None = None) -> dict:
    """A target for `ensure`: an account webhook's, or else an API inbox's."""
    return {
        "account_id": account_id,
        "key": key(inbox_id=inbox_id, webhook_id=webhook_id),
        "inbox_id": None if webhook_id is not None else inbox_id,
        "webhook_id": webhook_id,
    }


def ensure(session: Session, targets: list[dict]) -> None:
    """Create the targets (`row`s) that do not exist yet, in the caller's transaction. Each API
    inbox and account webhook gets its target when created; a chat change queueing deliveries
    makes sure of them again (for rows made some other way). Existing ones are only
    read: an insert, even one that does nothing, would wait for a worker holding the target's
    row. A new one is inserted with ON CONFLICT DO NOTHING, so two transactions creating the
    same target at once do not fail."""
    if not targets:
        return
    keys = [target["key"] for target in targets]
    existing = set(session.exec(select(WebhookTarget.key).where(WebhookTarget.key.in_(keys))).all())
    missing = [target for target in targets if target["key"] not in existing]
    if missing:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        session.exec(dialect.insert(WebhookTarget).values(missing).on_conflict_do_nothing(index_elements=["key"]))


def _available(now: datetime):
    return sa.and_(
        sa.or_(WebhookTarget.busy_until.is_(None), WebhookTarget.busy_until <= now),
        sa.or_(WebhookTarget.paused_until.is_(None), WebhookTarget.paused_until <= now),
    )


def ready(session: Session, *, now: datetime, has_work, limit: int) -> list[tuple[int, str]]:
    """Up to `limit` targets (id, key) with no send in flight, not paused and with work
    (`has_work`, a condition on the target), the one served longest ago first. Locked FOR
    UPDATE SKIP LOCKED on PostgreSQL, so concurrent workers pick different ones."""
    query = (
        select(WebhookTarget.id, WebhookTarget.key)
        .where(_available(now), has_work)
        .order_by(WebhookTarget.served_at.asc().nulls_first(), WebhookTarget.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=WebhookTarget)
    )
    return list(session.exec(query).all())


def lease(session: Session, target_id: int, *, now: datetime, until: datetime) -> bool:
    """Take the target for one send until `until`; False when another worker took it first (on
    SQLite, which has no row locks, this conditional update is what keeps two apart)."""
    taken = session.exec(
        update(WebhookTarget)
        .where(WebhookTarget.id == target_id, _available(now))
        .values(busy_until=until, served_at=now)
    )
    return taken.rowcount == 1


def release(session: Session, target_key: str, *, now: datetime, ok: bool | None) -> datetime | None:
    """After a send: the target is free again and its breaker learns the outcome (`ok` None:
    nothing was learnt about the endpoint, e.g. the send was refused before connecting).
    Returns the end of the pause when this failure paused the target."""
    target = session.exec(select(WebhookTarget).where(WebhookTarget.key == target_key)).first()
    if target is None:
        return None
    target.busy_until = None
    paused_until = None
    if ok:
        target.failures, target.pauses, target.paused_until = 0, 0, None
    elif ok is False:
        target.failures += 1
        if target.failures >= FAILURES_BEFORE_PAUSE:
            pause = PAUSE_SECONDS[min(target.pauses, len(PAUSE_SECONDS) - 1)]
            target.paused_until = paused_until = now + timedelta(seconds=pause)
            target.pauses += 1
    session.add(target)
    return paused_until


@dataclass(frozen=True)
class Health:
    failures: int = 0
    paused_until: datetime | None = None


def health(session: Session, target_key: str, *, now: datetime) -> Health:
    """The target's failures in a row and, while paused, until when."""
    target = session.exec(select(WebhookTarget).where(WebhookTarget.key == target_key)).first()
    if target is None:
        return Health()
    paused = target.paused_until if target.paused_until and target.paused_until > now else None
    return Health(target.failures, paused)
