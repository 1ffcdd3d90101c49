"""Who is really there: the availability an agent chose, shown as offline once no tab of theirs
has reported for a grace period (every tab was closed, the laptop went to sleep)."""

from datetime import datetime, timedelta

from sqlmodel import Session, select

from kiko_livechat.models import Availability, InboxMember, User
from kiko_livechat.models.base import utcnow
from kiko_livechat.realtime import events
from kiko_livechat.realtime.outbox import emit
from kiko_livechat.services import changes
from kiko_livechat.services.actor import Actor
from kiko_livechat.settings import get_settings


def is_present(last_seen_at: datetime | None, now: datetime | None = None) -> bool:
    """A tab of the user has reported within the grace period."""
    grace = timedelta(seconds=get_settings().presence_grace_seconds)
    return last_seen_at is not None and last_seen_at + grace > (now or utcnow())


def effective_availability(chosen: str, last_seen_at: datetime | None, now: datetime | None = None) -> str:
    """The `chosen` availability while a tab reports, else offline."""
    return chosen if is_present(last_seen_at, now) else Availability.OFFLINE


def inbox_online(session: Session, *, inbox_id: int, now: datetime | None = None) -> bool:
    """Whether any agent of the inbox is online (chosen, and a tab of theirs reports)."""
    now = now or utcnow()
    members = session.exec(
        select(User.availability, User.last_seen_at)
        .join(InboxMember, InboxMember.user_id == User.id)
        .where(InboxMember.inbox_id == inbox_id)
    ).all()
    return any(effective_availability(chosen, seen, now) == Availability.ONLINE for chosen, seen in members)


def announce(session: Session, *, account_id: int, user_id: int, now: datetime | None = None) -> None:
    """After the user's availability changed (caller commits): tell the visitors of each of
    their inboxes in the account whether anybody is online there now. The event carries the
    answer, so hundreds of visitors listening cost no query each."""
    inbox_ids = session.exec(
        select(InboxMember.inbox_id).where(InboxMember.user_id == user_id, InboxMember.account_id == account_id)
    ).all()
    for inbox_id in inbox_ids:
        emit(session, events.presence(account_id, inbox_id, inbox_online(session, inbox_id=inbox_id, now=now)))


def heartbeat(session: Session, *, actor: Actor, now: datetime | None = None) -> None:
    """An open dashboard tab of the actor says it is still there."""
    user = session.get(User, actor.user_id)
    user.last_seen_at = now or utcnow()
    session.add(user)
    changes.commit(session)
