"""Who is really there: the availability an agent chose, shown as offline once no tab of theirs
has reported for a grace period (every tab was closed, the laptop went to sleep)."""

from datetime import datetime, timedelta

from sqlmodel import Session

from kiko_livechat.models import Availability, User
from kiko_livechat.models.base import utcnow
from kiko_livechat.services.actor import Actor
from kiko_livechat.settings import get_settings


def effective_availability(chosen: str, last_seen_at: datetime | None, now: datetime | None = None) -> str:
    """The `chosen` availability while a tab reports, else offline."""
    now = now or utcnow()
    grace = timedelta(seconds=get_settings().presence_grace_seconds)
    if last_seen_at is None or last_seen_at + grace <= now:
        return Availability.OFFLINE
    return chosen


def heartbeat(session: Session, *, actor: Actor, now: datetime | None = None) -> None:
    """An open dashboard tab of the actor says it is still there."""
    user = session.get(User, actor.user_id)
    user.last_seen_at = now or utcnow()
    session.add(user)
    session.commit()
