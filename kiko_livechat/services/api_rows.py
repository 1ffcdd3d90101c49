"""The plain rows the Chatwoot-shaped JSON (services/chatwoot_json.py) is built from, loaded for a
whole page at once: a list costs the same number of queries for one row as for 25 (Chatwoot's
own lists re-read contact, assignee, team, last message and labels per row).

The presenters take these rows and never touch the database. Rows are read as plain column
tuples with statements built once (ids bound as one expanding parameter): building ORM objects
and statements per request cost more than the queries themselves."""

from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from kiko_livechat.models import (
    Account,
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
    TeamMember,
    User,
)
from kiko_livechat.models.base import utcnow
from kiko_livechat.services.attachment_links import (
    FILE,
    THUMB,
    AttachmentView,
    of_messages,
    signed_path,
    signing_secret,
)
from kiko_livechat.services.contacts import ContactInboxView, ContactView
from kiko_livechat.services.presence import effective_availability
from kiko_livechat.settings import get_settings


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
class FileRow:
    """An attachment with its links (absolute, signed, expiring: a bot or webhook receiver has
    no login)."""

    attachment: AttachmentView
    data_url: str
    thumb_url: str


@dataclass(frozen=True)
class MessageRow:
    # A messages row (its columns by name), or a Message the caller just stored.
    message: Message | sa.Row
    # Who wrote it: the contact (incoming), an agent, or the inbox's bot (sender_type bot).
    agent: AgentRow | None = None
    files: tuple[FileRow, ...] = ()


def with_files(session: Session, rows: list[MessageRow]) -> list[MessageRow]:
    """The rows with their attachments and links: one query for all of them."""
    found = of_messages(session, [row.message.id for row in rows if row.message.has_attachments])
    if not found:
        return rows
    base = get_settings().base_url.rstrip("/")
    secrets: dict[int, str] = {}

    def link(view: AttachmentView, variant: str) -> str:
        if view.account_id not in secrets:
            secrets[view.account_id] = signing_secret(session, view.account_id)
        return base + signed_path(secrets[view.account_id], view, variant=variant)

    return [
        replace(row, files=tuple(
            FileRow(v, link(v, FILE), link(v, THUMB) if v.has_thumb else "") for v in found[row.message.id]
        )) if row.message.id in found else row
        for row in rows
    ]  # fmt: skip


@dataclass(frozen=True)
class TeamRow:
    team_id: int
    account_id: int
    name: str
    description: str
    allow_auto_assign: bool
    is_member: bool  # the reader is a member of it


@dataclass(frozen=True)
class ConversationRows:
    """Everything one conversation's JSON shows."""

    conversation: sa.Row  # the conversations row, its columns by name
    contact: ContactView
    inbox: InboxRow
    source: ContactInboxView | None
    assignee: AgentRow | None
    team: TeamRow | None
    labels: tuple[str, ...]
    last_message: MessageRow | None
    # The newest message a person or the bot wrote (not an activity line).
    last_said: MessageRow | None
    unread: int


def _read(session: Session, statement: sa.Select, params: dict | None = None) -> sa.CursorResult:
    """Plain rows through the session's connection, past the ORM's result machinery (pending
    changes are flushed first, as the ORM would)."""
    session.flush()
    return session.connection().execute(statement, params or {})


def _agent(row, prefix: str, account_id: int, now: datetime) -> AgentRow | None:
    """The agent in `row`'s columns named `<prefix>id`, `<prefix>name`, ... (None: no agent)."""
    user_id = getattr(row, f"{prefix}id")
    if user_id is None:
        return None
    chosen, seen = getattr(row, f"{prefix}availability"), getattr(row, f"{prefix}last_seen_at")
    return AgentRow(
        user_id,
        account_id,
        getattr(row, f"{prefix}name"),
        getattr(row, f"{prefix}email"),
        getattr(row, f"{prefix}role"),
        effective_availability(chosen, seen, now),
    )


def _agent_columns(prefix: str) -> list:
    return [
        User.id.label(f"{prefix}id"),
        User.name.label(f"{prefix}name"),
        User.email.label(f"{prefix}email"),
        User.availability.label(f"{prefix}availability"),
        User.last_seen_at.label(f"{prefix}last_seen_at"),
        AccountUser.role.label(f"{prefix}role"),
    ]


_IDS = sa.bindparam("ids", expanding=True)
_AGENTS = (
    sa.select(*_agent_columns(""), AccountUser.is_active)
    .join(AccountUser, (AccountUser.user_id == User.id) & (AccountUser.account_id == sa.bindparam("account_id")))
    .order_by(User.name, User.id)
)


def agents(
    session: Session, *, account_id: int, user_ids: list[int] | None = None, active_only: bool = False
) -> dict[int, AgentRow]:
    """The account's members (or those of `user_ids`) by user id, ordered by name, in one query."""
    query = _AGENTS if user_ids is None else _AGENTS.where(User.id.in_(_IDS))
    params = {"account_id": account_id} if user_ids is None else {"account_id": account_id, "ids": list(user_ids)}
    now = utcnow()
    return {
        row.id: _agent(row, "", account_id, now)
        for row in _read(session, query, params).all()
        if row.is_active or not active_only
    }


@dataclass(frozen=True)
class MembershipRow:
    account_id: int
    account_name: str
    role: str
    active: bool
    since: datetime


def memberships(session: Session, *, user_id: int) -> list[MembershipRow]:
    """The accounts a user belongs to (their profile lists them), in one query."""
    rows = _read(
        session,
        sa.select(Account.id, Account.name, AccountUser.role, AccountUser.is_active, AccountUser.created_at)
        .join(AccountUser, AccountUser.account_id == Account.id)
        .where(AccountUser.user_id == user_id)
        .order_by(Account.id),
    ).all()
    return [MembershipRow(*row) for row in rows]


_CONTACT_INBOXES = (
    sa.select(ContactInbox.contact_id, ContactInbox.inbox_id, ContactInbox.source_id, Inbox.name, Inbox.channel_type)
    .join(Inbox, Inbox.id == ContactInbox.inbox_id)
    .where(ContactInbox.contact_id.in_(_IDS))
    .order_by(ContactInbox.id)
)


_CONTACT_INBOXES_IN = _CONTACT_INBOXES.where(ContactInbox.inbox_id == sa.bindparam("inbox_id"))


def contact_inboxes(
    session: Session, contact_ids: list[int], *, inbox_id: int | None = None
) -> dict[int, list[tuple[ContactInboxView, InboxRow]]]:
    """Each contact's identities in inboxes (source id and inbox), or only those in `inbox_id`,
    in one query."""
    found: dict[int, list[tuple[ContactInboxView, InboxRow]]] = {}
    if not contact_ids:
        return found
    query, params = _CONTACT_INBOXES, {"ids": list(contact_ids)}
    if inbox_id is not None:
        query, params = _CONTACT_INBOXES_IN, {**params, "inbox_id": inbox_id}
    for row in _read(session, query, params).all():
        found.setdefault(row.contact_id, []).append(
            (ContactInboxView(row.inbox_id, row.source_id), InboxRow(row.inbox_id, row.name, row.channel_type))
        )
    return found


_CONTACT_FIELDS = (
    "name", "email", "phone_number", "identifier", "additional_attributes", "custom_attributes",
    "created_at", "last_activity_at", "alias_key", "blocked",
)  # fmt: skip
_CONVERSATIONS = (
    sa.select(
        *Conversation.__table__.c,
        *(Contact.__table__.c[name].label(f"contact_{name}") for name in _CONTACT_FIELDS),
        Inbox.name.label("inbox_name"),
        Inbox.channel_type.label("channel_type"),
        ContactInbox.source_id.label("source_id"),
        ContactInbox.inbox_id.label("source_inbox_id"),
        Team.name.label("team_name"),
        Team.description.label("team_description"),
        Team.allow_auto_assign.label("team_auto_assign"),
        sa.exists()
        .where(TeamMember.team_id == Conversation.team_id, TeamMember.user_id == sa.bindparam("reader"))
        .label("team_member"),
        *_agent_columns("assignee_user_"),
    )
    .join(Contact, Contact.id == Conversation.contact_id)
    .join(Inbox, Inbox.id == Conversation.inbox_id)
    .outerjoin(ContactInbox, ContactInbox.id == Conversation.contact_inbox_id)
    .outerjoin(Team, Team.id == Conversation.team_id)
    .outerjoin(User, User.id == Conversation.assignee_id)
    .outerjoin(
        AccountUser,
        (AccountUser.user_id == Conversation.assignee_id) & (AccountUser.account_id == Conversation.account_id),
    )
    .where(Conversation.id.in_(_IDS))
)


def _contact(row) -> ContactView:
    fields = {name: getattr(row, f"contact_{name}") for name in _CONTACT_FIELDS}
    fields["additional_attributes"] = fields["additional_attributes"] or {}
    fields["custom_attributes"] = fields["custom_attributes"] or {}
    return ContactView(contact_id=row.contact_id, **fields)


def conversations(session: Session, conversation_ids: list[int], reader_id: int = 0) -> list[ConversationRows]:
    """The rows of these conversations, in the order given: four queries, whatever their number.
    `reader_id`: the user who reads them (whether they are in each conversation's team)."""
    if not conversation_ids:
        return []
    ids = {"ids": list(conversation_ids)}
    now = utcnow()
    main = _read(session, _CONVERSATIONS, {**ids, "reader": reader_id}).all()
    labels: dict[int, list[str]] = {}
    for conversation_id, title in _read(session, _LABELS, ids).all():
        labels.setdefault(conversation_id, []).append(title)
    last = _last_messages(session, ids, now)
    unread = dict(_read(session, _UNREAD, ids).all())
    by_id = {}
    for row in main:
        by_id[row.id] = ConversationRows(
            conversation=row,
            contact=_contact(row),
            inbox=InboxRow(row.inbox_id, row.inbox_name, row.channel_type),
            source=ContactInboxView(row.source_inbox_id, row.source_id) if row.source_id is not None else None,
            assignee=_agent(row, "assignee_user_", row.account_id, now),
            team=TeamRow(
                row.team_id, row.account_id, row.team_name, row.team_description, row.team_auto_assign, row.team_member
            )
            if row.team_id
            else None,
            labels=tuple(labels.get(row.id, ())),
            last_message=last.get((row.id, True)),
            last_said=last.get((row.id, False)),
            unread=unread.get(row.id, 0),
        )
    return [by_id[i] for i in conversation_ids if i in by_id]


def conversation(session: Session, conversation_id: int, reader_id: int = 0) -> ConversationRows:
    return conversations(session, [conversation_id], reader_id)[0]


_SPEAKERS = (
    sa.select(
        Conversation.contact_id,
        *(Contact.__table__.c[name].label(f"contact_{name}") for name in _CONTACT_FIELDS),
        Inbox.id.label("inbox_id"),
        Inbox.name.label("inbox_name"),
        Inbox.channel_type,
    )
    .join(Contact, Contact.id == Conversation.contact_id)
    .join(Inbox, Inbox.id == Conversation.inbox_id)
    .where(Conversation.id == sa.bindparam("conversation_id"))
)


def speakers(session: Session, conversation_id: int) -> tuple[ContactView, InboxRow]:
    """Who can speak in a conversation besides agents: its contact and its inbox (the bot), in
    one query: what a single message's JSON needs (a bot's message POST answers with it)."""
    row = _read(session, _SPEAKERS, {"conversation_id": conversation_id}).one()
    return _contact(row), InboxRow(row.inbox_id, row.inbox_name, row.channel_type)


def teams(session: Session, *, account_id: int, reader_id: int) -> list[TeamRow]:
    """The account's teams by name, in one query."""
    member = sa.exists().where(TeamMember.team_id == Team.id, TeamMember.user_id == reader_id).label("member")
    query = sa.select(Team, member).where(Team.account_id == account_id).order_by(Team.name, Team.id)
    rows = session.execute(query).all()
    return [TeamRow(t.id, t.account_id, t.name, t.description, t.allow_auto_assign, is_member) for t, is_member in rows]


def messages(session: Session, messages_: list[Message], account_id: int) -> list[MessageRow]:
    """Messages with their agent senders, in one query."""
    senders = {m.sender_id for m in messages_ if m.sender_type == SenderType.AGENT and m.sender_id}
    found = agents(session, account_id=account_id, user_ids=list(senders)) if senders else {}
    rows = [MessageRow(m, found.get(m.sender_id) if m.sender_type == SenderType.AGENT else None) for m in messages_]
    return with_files(session, rows)


def _with_senders(query: sa.Select) -> sa.Select:
    return (
        query.add_columns(*_agent_columns("sender_user_"))
        .outerjoin(User, (User.id == Message.sender_id) & (Message.sender_type == SenderType.AGENT))
        .outerjoin(AccountUser, (AccountUser.user_id == User.id) & (AccountUser.account_id == Message.account_id))
    )


_HISTORY = _with_senders(sa.select(*Message.__table__.c)).where(
    Message.conversation_id == sa.bindparam("conversation_id"), Message.id > sa.bindparam("after_id")
)
_PUBLIC_HISTORY = _HISTORY.where(Message.private.is_(False))


def messages_after(
    session: Session, conversation: Conversation, *, after_id: int, limit: int, include_private: bool
) -> list[MessageRow]:
    """The conversation's messages after message `after_id`, oldest first, with their senders."""
    now = utcnow()
    query = (_HISTORY if include_private else _PUBLIC_HISTORY).order_by(Message.id).limit(limit)
    params = {"conversation_id": conversation.id, "after_id": max(0, int(after_id))}
    rows = [
        MessageRow(row, _agent(row, "sender_user_", conversation.account_id, now))
        for row in _read(session, query, params).all()
    ]
    return with_files(session, rows)


_LABELS = (
    sa.select(ConversationLabel.conversation_id, Label.title)
    .join(Label, Label.id == ConversationLabel.label_id)
    .where(ConversationLabel.conversation_id.in_(_IDS))
    .order_by(Label.title)
)
_PUBLIC = sa.select(sa.func.max(Message.id)).where(Message.conversation_id.in_(_IDS), Message.private.is_(False))
_LAST = (
    _with_senders(sa.select(*Message.__table__.c))
    .where(
        Message.id.in_(
            sa.union(
                _PUBLIC.group_by(Message.conversation_id),
                _PUBLIC.where(Message.message_type != MessageType.ACTIVITY).group_by(Message.conversation_id),
            )
        )
    )
    .order_by(Message.id)
)


def _last_messages(session: Session, ids: dict, now: datetime) -> dict[tuple[int, bool], MessageRow]:
    """Each conversation's newest public message (what Chatwoot lists as `messages`), keyed
    (id, True), and its newest one that is not an activity line, keyed (id, False): one query."""
    found: dict[tuple[int, bool], MessageRow] = {}
    read = _read(session, _LAST, ids).all()
    shaped = with_files(session, [MessageRow(row, _agent(row, "sender_user_", row.account_id, now)) for row in read])
    for row, message in zip(read, shaped, strict=True):  # oldest first: each key ends with its newest
        found[(row.conversation_id, True)] = message
        if row.message_type != MessageType.ACTIVITY:
            found[(row.conversation_id, False)] = message
    return found


_UNREAD = (
    sa.select(Message.conversation_id, sa.func.count())
    .join(Conversation, Conversation.id == Message.conversation_id)
    .where(
        Message.conversation_id.in_(_IDS),
        Message.message_type == MessageType.INCOMING,
        sa.or_(Conversation.agent_last_seen_at.is_(None), Message.created_at > Conversation.agent_last_seen_at),
    )
    .group_by(Message.conversation_id)
)


def unread_counts(session: Session, conversation_ids: list[int]) -> dict[int, int]:
    """Visitor messages newer than the agents' last look, per conversation, in one query."""
    if not conversation_ids:
        return {}
    return dict(_read(session, _UNREAD, {"ids": list(conversation_ids)}).all())
