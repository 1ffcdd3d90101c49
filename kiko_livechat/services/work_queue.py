"""The mechanics shared by the durable queues (webhook deliveries, alert e-mails): claim due
rows with a lease, then settle each as done, retry later with backoff, or given up."""

from datetime import datetime, timedelta

from sqlmodel import Session, SQLModel, select

from kiko_livechat.models import DeliveryStatus


def claim(session: Session, model: type[SQLModel], due: str, *, now: datetime, lease_seconds: int, limit: int):
    """Pending rows of `model` whose `due` time has come, oldest first. Each gets one more
    attempt and is leased (due again only after `lease_seconds`, in case the worker dies).
    Locked with FOR UPDATE SKIP LOCKED on PostgreSQL, so two workers never take the same row.
    The caller commits."""
    due_column = getattr(model, due)
    rows = session.exec(
        select(model)
        .where(model.status == DeliveryStatus.PENDING, due_column <= now)
        .order_by(due_column, model.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        row.attempts += 1
        setattr(row, due, now + timedelta(seconds=lease_seconds))
        session.add(row)
    return rows


def settle(row: SQLModel, due: str, *, ok: bool, done: DeliveryStatus, now: datetime, backoff: tuple[int, ...]) -> None:
    """After an attempt: `done` on success; otherwise due again after the next backoff step,
    or FAILED once every step was used."""
    if ok:
        row.status = done
    elif row.attempts > len(backoff):
        row.status = DeliveryStatus.FAILED
    else:
        setattr(row, due, now + timedelta(seconds=backoff[row.attempts - 1]))
