"""Who is alerted about what. One place decides it, for the e-mails and the dashboard's sound
and desktop notifications alike.

- handoff: a conversation in an inbox the agent works is handed to humans (or a visitor starts
  one) and nobody has it yet;
- assigned: a conversation was given to the agent, by someone else or automatically;
- message: the visitor wrote in a conversation assigned to the agent;
- team: a conversation was given to a team of the agent.
Never for one's own doing; the page the agent is looking at is left out by the dashboard.
"""

from sqlmodel import Session, select

from kiko_livechat.models import (
    AccountUser,
    Conversation,
    ConversationStatus,
    InboxMember,
    Message,
    MessageType,
    TeamMember,
)
from kiko_livechat.realtime import events

HANDOFF = "handoff"
ASSIGNED = "assigned"
MESSAGE = "message"
TEAM = "team"
KINDS = (HANDOFF, ASSIGNED, MESSAGE, TEAM)
# Chatwoot users complain that handoffs raise no alert and new-message e-mails are off: here
# handoffs, assignments and visitor messages alert by e-mail (messages digested) and sound.
DEFAULT_EMAIL = (HANDOFF, ASSIGNED, MESSAGE)
DEFAULT_SOUND = (HANDOFF, ASSIGNED, MESSAGE)


def recipients(session: Session, event: events.ChatEvent) -> list[tuple[int, str]]:
    """(user id, alert kind) for everyone `event` should alert, each user at most once."""
    conversation = session.get(Conversation, event.conversation_id) if event.conversation_id else None
    if conversation is None:
        return []
    by = event.detail.get("by")
    found: dict[int, str] = {}
    if event.kind == events.MESSAGE_CREATED:
        message = session.get(Message, event.message_id)
        if message is not None and message.message_type == MessageType.INCOMING and conversation.assignee_id:
            found[conversation.assignee_id] = MESSAGE
    elif _new_for_humans(event, conversation):
        for user_id in _inbox_agents(session, conversation):
            found.setdefault(user_id, HANDOFF)
    elif event.kind == events.CONVERSATION_UPDATED:
        what = event.detail.get("changed", [])
        if "assignee" in what and conversation.assignee_id and conversation.assignee_id != by:
            found[conversation.assignee_id] = ASSIGNED
        if "team" in what and conversation.team_id:
            for user_id in _team_members(session, conversation.team_id):
                if user_id not in (by, conversation.assignee_id):
                    found.setdefault(user_id, TEAM)
    return [(user_id, kind) for user_id, kind in found.items() if _active(session, conversation.account_id, user_id)]


def _new_for_humans(event: events.ChatEvent, conversation: Conversation) -> bool:
    """A handoff, or a visitor's new conversation, that no agent has yet."""
    if conversation.assignee_id is not None or conversation.status != ConversationStatus.OPEN:
        return False
    if event.kind == events.CONVERSATION_CREATED:
        return True
    return event.kind == events.CONVERSATION_UPDATED and "handoff" in event.detail.get("changed", [])


def _inbox_agents(session: Session, conversation: Conversation) -> list[int]:
    return list(session.exec(select(InboxMember.user_id).where(InboxMember.inbox_id == conversation.inbox_id)).all())


def _team_members(session: Session, team_id: int) -> list[int]:
    return list(session.exec(select(TeamMember.user_id).where(TeamMember.team_id == team_id)).all())


def _active(session: Session, account_id: int, user_id: int) -> bool:
    return (
        session.exec(
            select(AccountUser.id).where(
                AccountUser.account_id == account_id, AccountUser.user_id == user_id, AccountUser.is_active
            )
        ).first()
        is not None
    )
