"""Events leave a service only when its transaction commits: `emit` parks them on the database
session, and they are published after COMMIT (and dropped on ROLLBACK).

Before the COMMIT, services/changes.py passes them through their side effects (alerts, e-mails,
webhooks) and marks them prepared; `unprepared` is what has not been through that step yet."""

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kiko_livechat.realtime.bus import get_bus
from kiko_livechat.realtime.events import ChatEvent

_KEY = "kiko_pending_events"
# How many of the pending events have been through services/changes.py's step.
_PREPARED = "kiko_prepared_events"


def emit(session: Session, event: ChatEvent) -> None:
    """Publish `event` once the session's current transaction has committed."""
    session.info.setdefault(_KEY, []).append(event)


def pending(session: Session) -> list[ChatEvent]:
    """The events waiting for this session's commit (read by the webhook outbox before COMMIT)."""
    return list(session.info.get(_KEY, []))


def unprepared(session: Session) -> list[ChatEvent]:
    """The pending events emitted since the last `mark_prepared` (in the order they were emitted)."""
    return list(session.info.get(_KEY, [])[session.info.get(_PREPARED, 0) :])


def mark_prepared(session: Session) -> None:
    """Every event pending now has been through the pre-commit step."""
    session.info[_PREPARED] = len(session.info.get(_KEY, []))


def annotate(session: Session, change: Callable[[ChatEvent], ChatEvent]) -> None:
    """Replace each waiting event by `change(event)` (e.g. the same event naming whom it alerts)."""
    if _KEY in session.info:
        session.info[_KEY] = [change(event) for event in session.info[_KEY]]


@sa.event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    session.info.pop(_PREPARED, None)
    events = session.info.pop(_KEY, [])
    if events:
        get_bus().publish_all(events)


@sa.event.listens_for(Session, "after_soft_rollback")
def _drop(session: Session, _previous_transaction) -> None:
    session.info.pop(_KEY, None)
    session.info.pop(_PREPARED, None)
