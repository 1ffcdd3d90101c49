"""Who gets a conversation that nobody took yet: the online agent of the inbox (or of its team)
with the fewest unfinished conversations. Nobody online: it waits unassigned, in the queue
everyone sees, instead of landing with someone who is away. When it is asked is the handoff's
business (services/handoff.py)."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, func, select

from kiko_livechat.models import (
    AccountUser,
    Conversation,
    ConversationStatus,
    Inbox,
    InboxMember,
    Team,
    TeamMember,
    User,
)
from kiko_livechat.realtime import events
from kiko_livechat.realtime.outbox import emit
from kiko_livechat.services.activity import record_activity
from kiko_livechat.services.presence import effective_availability

UNFINISHED = (ConversationStatus.OPEN, ConversationStatus.PENDING, ConversationStatus.SNOOZED)
# The active agents of an inbox (of a team), built once: a handoff asks for them every time.
_CANDIDATES = (
    select(User.id, User.name, User.availability, User.last_seen_at)
    .join(InboxMember, (InboxMember.user_id == User.id) & (InboxMember.inbox_id == sa.bindparam("inbox_id")))
    .join(AccountUser, (AccountUser.user_id == User.id) & (AccountUser.account_id == sa.bindparam("account_id")))
    .where(AccountUser.is_active, User.is_active)
)
_TEAM_CANDIDATES = _CANDIDATES.join(
    TeamMember, (TeamMember.user_id == User.id) & (TeamMember.team_id == sa.bindparam("team_id"))
)


def auto_assign(
    session: Session, conversation: Conversation, *, now: datetime, inbox: Inbox | None = None
) -> int | None:
    """Assign `conversation` if its inbox (or team) allows it and it has no working assignee.
    Returns the chosen user id, or None (in the caller's transaction)."""
    inbox = inbox or session.get(Inbox, conversation.inbox_id)
    team = session.get(Team, conversation.team_id) if conversation.team_id else None
    if not (team.allow_auto_assign if team else inbox.enable_auto_assignment):
        return None
    params = {"inbox_id": inbox.id, "account_id": inbox.account_id, "team_id": team.id if team else 0}
    people = session.exec(_TEAM_CANDIDATES if team else _CANDIDATES, params=params).all()
    if conversation.assignee_id in {p[0] for p in people}:
        return None
    online = [
        (user_id, name)
        for user_id, name, chosen, seen in people
        if effective_availability(chosen, seen, now) == "online"
    ]
    if not online:
        return None
    load = dict(
        session.exec(
            select(Conversation.assignee_id, func.count())
            .where(Conversation.assignee_id.in_([u for u, _ in online]), Conversation.status.in_(UNFINISHED))
            .group_by(Conversation.assignee_id)
        ).all()
    )
    user_id, name = min(online, key=lambda person: (load.get(person[0], 0), person[0]))
    conversation.assignee_id = user_id
    session.add(conversation)
    record_activity(session, conversation, "activity.auto_assigned", assignee=name)
    emit(session, events.changed(conversation, "assignee"))
    return user_id
