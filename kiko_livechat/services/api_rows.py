"""The plain rows the Chatwoot-shaped JSON (services/chatwoot_json.py) is built from, loaded for a
whole page at once: a list costs the same number of queries for one row as for 25 (Chatwoot's
own lists re-read contact, assignee, team, last message and labels per row).

The presenters take these rows and never touch the database."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, func, select

from kiko_livechat.models import (
    AccountUser,
    Contact,
    ContactInbox,
    Conversation,
    ConversationLabel,
    Inbox,
    Label,
    Message,
    MessageType,
    SenderType,
    Team,
    User,
)
from kiko_livechat.models.base import utcnow
from kiko_livechat.services.contacts import ContactInboxView, ContactView
from kiko_livechat.services.contacts import view as contact_view
from kiko_livechat.services.presence import effective_availability


@dataclass(frozen=True)
class AgentRow:
    user_id: int
    account_id: int
    name: str
    email: str
    role: str | None
    availability: str  # effective: online, busy or offline (online needs a recent heartbeat)


@dataclass(frozen=True)
class InboxRow:
    inbox_id: int
    name: str
    channel_type: str


@dataclass(frozen=True)
class MessageRow:
    message: Message
    # Who wrote it: the contact (incoming), an agent, or the inbox's bot (sender_type bot).
    agent: AgentRow | None = None


@dataclass(frozen=True)
class ConversationRows:
    """Everything one conversation's JSON shows."""

    conversation: Conversation
    contact: ContactView
    inbox: InboxRow
    source: ContactInboxView | None
    assignee: AgentRow | None
    team: tuple[int, str] | None
    labels: tuple[str, ...]
    last_message: MessageRow | None
    # The newest message a person or the bot wrote (not an activity line).
    last_said: MessageRow | None
    unread: int


def _agent(user: User | None, role: str | None, account_id: int, now: datetime) -> AgentRow | None:
    if user is None:
        return None
    availability = effective_availability(user.availability, user.last_seen_at, now)
    return AgentRow(user.id, account_id, user.name, user.email, role, availability)


def agents(
    session: Session, *, account_id: int, user_ids: list[int] | None = None, active_only: bool = False
) -> dict[int, AgentRow]:
    """The account's members (or those of `user_ids`) by user id, ordered by name, in one query."""
    query = (
        select(User, AccountUser.role)
        .join(AccountUser, (AccountUser.user_id == User.id) & (AccountUser.account_id == account_id))
        .order_by(User.name, User.id)
    )
    if user_ids is not None:
        query = query.where(User.id.in_(set(user_ids)))
    if active_only:
        query = query.where(AccountUser.is_active)
    now = utcnow()
    return {user.id: _agent(user, role, account_id, now) for user, role in session.exec(query).all()}


def contact_inboxes(session: Session, contact_ids: list[int]) -> dict[int, list[tuple[ContactInboxView, InboxRow]]]:
    """Each contact's identities in inboxes (source id and inbox), in one query."""
    found: dict[int, list[tuple[ContactInboxView, InboxRow]]] = {}
    if not contact_ids:
        return found
    rows = session.exec(
        select(ContactInbox, Inbox.name, Inbox.channel_type)
        .join(Inbox, Inbox.id == ContactInbox.inbox_id)
        .where(ContactInbox.contact_id.in_(contact_ids))
        .order_by(ContactInbox.id)
    ).all()
    for identity, name, channel_type in rows:
        found.setdefault(identity.contact_id, []).append(
            (ContactInboxView(identity.inbox_id, identity.source_id), InboxRow(identity.inbox_id, name, channel_type))
        )
    return found


def conversations(session: Session, conversation_ids: list[int]) -> list[ConversationRows]:
    """The rows of these conversations, in the order given: four queries, whatever their number."""
    if not conversation_ids:
        return []
    now = utcnow()
    main = session.exec(
        select(Conversation, Contact, Inbox.name, Inbox.channel_type, ContactInbox, Team.name, User, AccountUser.role)
        .join(Contact, Contact.id == Conversation.contact_id)
        .join(Inbox, Inbox.id == Conversation.inbox_id)
        .outerjoin(ContactInbox, ContactInbox.id == Conversation.contact_inbox_id)
        .outerjoin(Team, Team.id == Conversation.team_id)
        .outerjoin(User, User.id == Conversation.assignee_id)
        .outerjoin(
            AccountUser,
            (AccountUser.user_id == Conversation.assignee_id) & (AccountUser.account_id == Conversation.account_id),
        )
        .where(Conversation.id.in_(conversation_ids))
    ).all()
    labels = _labels(session, conversation_ids)
    last = _last_messages(session, conversation_ids)
    unread = unread_counts(session, conversation_ids)
    by_id = {}
    for conv, contact, inbox_name, channel_type, source, team_name, user, role in main:
        by_id[conv.id] = ConversationRows(
            conversation=conv,
            contact=contact_view(contact),
            inbox=InboxRow(conv.inbox_id, inbox_name, channel_type),
            source=ContactInboxView(source.inbox_id, source.source_id) if source else None,
            assignee=_agent(user, role, conv.account_id, now),
            team=(conv.team_id, team_name) if conv.team_id else None,
            labels=tuple(labels.get(conv.id, ())),
            last_message=last.get((conv.id, True)),
            last_said=last.get((conv.id, False)),
            unread=unread.get(conv.id, 0),
        )
    return [by_id[i] for i in conversation_ids if i in by_id]


def conversation(session: Session, conversation_id: int) -> ConversationRows:
    return conversations(session, [conversation_id])[0]


def messages(session: Session, messages_: list[Message], account_id: int) -> list[MessageRow]:
    """Messages with their agent senders, in one query."""
    senders = {m.sender_id for m in messages_ if m.sender_type == SenderType.AGENT and m.sender_id}
    found = agents(session, account_id=account_id, user_ids=list(senders)) if senders else {}
    return [MessageRow(m, found.get(m.sender_id) if m.sender_type == SenderType.AGENT else None) for m in messages_]


def messages_after(
    session: Session, conversation: Conversation, *, after_id: int, limit: int, include_private: bool
) -> list[MessageRow]:
    """The conversation's messages after message `after_id`, oldest first, with their senders."""
    now = utcnow()
    query = (
        select(Message, User, AccountUser.role)
        .outerjoin(User, (User.id == Message.sender_id) & (Message.sender_type == SenderType.AGENT))
        .outerjoin(AccountUser, (AccountUser.user_id == User.id) & (AccountUser.account_id == Message.account_id))
        .where(Message.conversation_id == conversation.id, Message.id > max(0, int(after_id)))
        .order_by(Message.id)
        .limit(limit)
    )
    if not include_private:
        query = query.where(Message.private.is_(False))
    return [
        MessageRow(message, _agent(user, role, conversation.account_id, now))
        for message, user, role in session.exec(query).all()
    ]


def _labels(session: Session, conversation_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    rows = session.exec(
        select(ConversationLabel.conversation_id, Label.title)
        .join(Label, Label.id == ConversationLabel.label_id)
        .where(ConversationLabel.conversation_id.in_(conversation_ids))
        .order_by(Label.title)
    ).all()
    for conversation_id, title in rows:
        found.setdefault(conversation_id, []).append(title)
    return found


def _last_messages(session: Session, conversation_ids: list[int]) -> dict[tuple[int, bool], MessageRow]:
    """Each conversation's newest public message (what Chatwoot lists as `messages`), keyed
    (id, True), and its newest one that is not an activity line, keyed (id, False): one query."""
    public = select(func.max(Message.id)).where(
        Message.conversation_id.in_(conversation_ids), Message.private.is_(False)
    )
    newest = public.group_by(Message.conversation_id)
    said = public.where(Message.message_type != MessageType.ACTIVITY).group_by(Message.conversation_id)
    now = utcnow()
    rows = session.exec(
        select(Message, User, AccountUser.role)
        .outerjoin(User, (User.id == Message.sender_id) & (Message.sender_type == SenderType.AGENT))
        .outerjoin(AccountUser, (AccountUser.user_id == User.id) & (AccountUser.account_id == Message.account_id))
        .where(Message.id.in_(sa.union(newest, said)))
        .order_by(Message.id)
    ).all()
    found: dict[tuple[int, bool], MessageRow] = {}
    for m, user, role in rows:  # oldest first, so each key ends with its newest message
        row = MessageRow(m, _agent(user, role, m.account_id, now))
        found[(m.conversation_id, True)] = row
        if m.message_type != MessageType.ACTIVITY:
            found[(m.conversation_id, False)] = row
    return found


def unread_counts(session: Session, conversation_ids: list[int]) -> dict[int, int]:
    """Visitor messages newer than the agents' last look, per conversation, in one query."""
    if not conversation_ids:
        return {}
    rows = session.exec(
        select(Message.conversation_id, func.count())
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Message.conversation_id.in_(conversation_ids),
            Message.message_type == MessageType.INCOMING,
            sa.or_(Conversation.agent_last_seen_at.is_(None), Message.created_at > Conversation.agent_last_seen_at),
        )
        .group_by(Message.conversation_id)
    ).all()
    return dict(rows)
