"""Conversations as agents work them: the list, one conversation, replies and notes, status,
assignment, read markers. Agents see the inboxes they work; administrators see all."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, func, select

from kiko_livechat.models import (
    AccountUser,
    ChannelType,
    Contact,
    ContactInbox,
    Conversation,
    ConversationLabel,
    ConversationStatus,
    Inbox,
    Label,
    Message,
    MessageType,
    Priority,
    SenderType,
    Team,
    User,
)
from kiko_livechat.models.base import utcnow
from kiko_livechat.realtime import events
from kiko_livechat.realtime.bus import get_bus
from kiko_livechat.realtime.outbox import emit
from kiko_livechat.services import changes, handoff, numbering, status_machine
from kiko_livechat.services.activity import record_activity
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.api_rows import unread_counts
from kiko_livechat.services.attachment_links import of_messages
from kiko_livechat.services.attachment_links import view as link_view
from kiko_livechat.services.errors import NotFound
from kiko_livechat.services.label_chips import LabelChip, chips_of
from kiko_livechat.services.messages import (
    MessageView,
    clean_content_with_files,
    clean_echo_id,
    find_echo,
    messages_after,
    view,
)
from kiko_livechat.services.overview import visible_inbox_ids
from kiko_livechat.services.scoping import get_in_account, valid_id
from kiko_livechat.services.staged_files import attach, staged_by, take_staged
from kiko_livechat.services.validation import choice

PAGE_SIZE = 25
PREVIEW_LENGTH = 120
STATUS_FILTERS = ("open", "pending", "resolved", "snoozed", "all")
ASSIGNEE_FILTERS = ("mine", "unassigned", "all")
SORTS = ("last_activity", "waiting", "created")


@dataclass(frozen=True)
class Preview:
    """The start of the newest message, and who wrote it (a list row shows "Ben: ..." for an agent)."""

    text: str = ""
    # contact, agent or bot ("" when there is no message yet)
    sender_type: str = ""
    # The agent's name; empty for the contact and the bot.
    sender_name: str = ""
    # Files came with it (a message of files only has no text to show).
    has_files: bool = False


@dataclass(frozen=True)
class ConversationRow:
    conversation_id: int
    display_id: int
    alias_key: str
    status: str
    contact_name: str
    inbox_name: str
    assignee_name: str
    last_activity_at: datetime
    preview: Preview
    unread: int
    # The bot still talks with the visitor (a pending conversation it has not handed over).
    with_bot: bool = False
    labels: tuple[LabelChip, ...] = ()
    # When a snoozed conversation opens again.
    snoozed_until: datetime | None = None


@dataclass(frozen=True)
class ConversationPage:
    rows: tuple[ConversationRow, ...]
    page: int
    total: int
    counts: dict[str, int]

    @property
    def has_next(self) -> bool:
        return self.page * PAGE_SIZE < self.total


@dataclass(frozen=True)
class EarlierConversation:
    display_id: int
    status: str
    created_at: datetime


@dataclass(frozen=True)
class ConversationDetail:
    conversation_id: int
    display_id: int
    alias_key: str
    status: str
    snoozed_until: datetime | None
    inbox_id: int
    inbox_name: str
    assignee_id: int | None
    team_id: int | None
    contact_name: str
    contact_email: str
    contact_phone: str
    earlier: tuple[EarlierConversation, ...]
    created_at: datetime
    # Until when the visitor has seen the conversation (read markers), or None.
    contact_last_seen_at: datetime | None = None
    labels: tuple[LabelChip, ...] = ()


def open_conversation(
    session: Session,
    *,
    inbox: Inbox,
    contact_inbox: ContactInbox,
    now: datetime,
    status: ConversationStatus = ConversationStatus.OPEN,
) -> Conversation:
    """A new conversation with the account's next number and its contact's alias (caller commits).

    The number comes from an atomic increment on the account row (services/numbering.py), so
    two conversations starting at the same moment never share one.
    """
    if contact_inbox.inbox_id != inbox.id:  # what a bot may reach relies on it (contacts.reachable)
        raise ValueError("a conversation opens on its contact's identity in its own inbox")
    display_id = numbering.next_conversation_number(session, inbox.account_id)
    conversation = Conversation(
        account_id=inbox.account_id,
        display_id=display_id,
        alias_key=session.get(Contact, contact_inbox.contact_id).alias_key,
        inbox_id=inbox.id,
        contact_id=contact_inbox.contact_id,
        contact_inbox_id=contact_inbox.id,
        status=status,
        last_activity_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(conversation)
    session.flush()
    if status == ConversationStatus.OPEN:
        handoff.reach_humans(session, conversation, inbox=inbox, now=now)
    emit(session, events.ChatEvent.about(events.CONVERSATION_CREATED, conversation))
    return conversation


def list_conversations(
    session: Session,
    *,
    actor: Actor,
    status: object = "open",
    assignee: object = "all",
    inbox_id: object = None,
    team_id: object = None,
    sort: object = "last_activity",
    page: int = 1,
    labels: object = None,
    q: object = None,
    all_labels: object = None,
) -> ConversationPage:
    """One page of the conversations the actor may see, filtered and sorted, with counts per status.

    `labels`: conversations with any of these labels. `q`: the contact's name or e-mail
    contains it, or it is the conversation's number. `all_labels`: conversations carrying every
    one of these labels (the dashboard's label filter and folders).
    """
    status, assignee, sort, page = _filters(status, assignee, sort, page)
    scope = _scope(actor, assignee=assignee, inbox_id=inbox_id, team_id=team_id, labels=labels, q=q)
    scope += _carrying_all(actor, all_labels)
    counts_query = select(Conversation.status, func.count()).where(*scope).group_by(Conversation.status)
    counts = dict.fromkeys(STATUS_FILTERS[:-1], 0) | dict(session.exec(counts_query).all())
    counts["all"] = sum(counts.values())
    return ConversationPage(
        rows=_list_rows(session, _one_page(_ROWS, scope, status, sort, page)),
        page=page,
        total=counts[status],
        counts=counts,
    )


def list_row(
    session: Session,
    *,
    actor: Actor,
    conversation_id: object,
    status: object = "open",
    assignee: object = "all",
    inbox_id: object = None,
    team_id: object = None,
    all_labels: object = None,
) -> ConversationRow | None:
    """The row `list_conversations` with these filters shows for one conversation, or None when
    the conversation is not in that list (filtered out, or not the actor's to see). A live list
    updates the one row an event is about with it, instead of reading its page again."""
    if not valid_id(conversation_id):
        return None
    status, assignee, _, _ = _filters(status, assignee, "last_activity", 1)
    scope = _scope(actor, assignee=assignee, inbox_id=inbox_id, team_id=team_id) + _carrying_all(actor, all_labels)
    if status != "all":
        scope.append(Conversation.status == status)
    found = _list_rows(session, _ROWS.where(*scope, Conversation.id == conversation_id))
    return found[0] if found else None


# What a list row shows, for one page or one conversation.
_ROWS = (
    select(Conversation, Contact.name, Inbox.name, Inbox.channel_type, User.name)
    .join(Contact, Contact.id == Conversation.contact_id)
    .join(Inbox, Inbox.id == Conversation.inbox_id)
    .outerjoin(User, User.id == Conversation.assignee_id)
)


def _list_rows(session: Session, query: sa.Select) -> tuple[ConversationRow, ...]:
    rows = session.exec(query).all()
    previews = _previews(session, [conv.id for conv, *_ in rows])
    unread = unread_counts(session, [conv.id for conv, *_ in rows])
    chips = chips_of(session, [conv.id for conv, *_ in rows])
    return tuple(
        ConversationRow(
            conversation_id=conv.id,
            display_id=conv.display_id,
            alias_key=conv.alias_key,
            status=conv.status,
            contact_name=contact_name or "",
            inbox_name=inbox_name,
            assignee_name=assignee_name or "",
            last_activity_at=conv.last_activity_at,
            preview=previews.get(conv.id, Preview()),
            unread=unread.get(conv.id, 0),
            with_bot=held_by_bot(conv, channel_type),
            labels=chips.get(conv.id, ()),
            snoozed_until=conv.snoozed_until,
        )
        for conv, contact_name, inbox_name, channel_type, assignee_name in rows
    )


def page_ids(
    session: Session,
    *,
    actor: Actor,
    status: object = "open",
    assignee: object = "all",
    inbox_id: object = None,
    team_id: object = None,
    page: int = 1,
    labels: object = None,
    q: object = None,
) -> list[int]:
    """The ids of one page of `list_conversations` (newest activity first), in one query: for
    the API, which loads the rows it shows for the whole page at once (services/api_rows.py)."""
    status, assignee, sort, page = _filters(status, assignee, "last_activity", page)
    scope = _scope(actor, assignee=assignee, inbox_id=inbox_id, team_id=team_id, labels=labels, q=q)
    return list(session.exec(_one_page(select(Conversation.id), scope, status, sort, page)).all())


def _filters(status: object, assignee: object, sort: object, page: object) -> tuple[str, str, str, int]:
    """The list's filters, each falling back to its default when it is not one it knows."""
    return (
        status if status in STATUS_FILTERS else "open",
        assignee if assignee in ASSIGNEE_FILTERS else "all",
        sort if sort in SORTS else "last_activity",
        max(1, page if isinstance(page, int) else 1),
    )


def _one_page(query: sa.Select, scope: list, status: str, sort: str, page: int) -> sa.Select:
    if status != "all":
        scope = [*scope, Conversation.status == status]
    order = {
        "last_activity": (Conversation.last_activity_at.desc(), Conversation.id.desc()),
        "waiting": (Conversation.waiting_since.is_(None), Conversation.waiting_since.asc(), Conversation.id),
        "created": (Conversation.created_at.desc(), Conversation.id.desc()),
    }[sort]
    return query.where(*scope).order_by(*order).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)


def _scope(actor: Actor, *, assignee="all", inbox_id=None, team_id=None, labels=None, q=None) -> list:
    """The conditions that pick the actor's conversations with these filters. Plain conditions on
    the conversations table (no "id IN (subquery)"), so a page is read along an index in order."""
    scope = [Conversation.account_id == actor.account_id]
    if actor.bot_inbox_id is not None:
        scope.append(Conversation.inbox_id == actor.bot_inbox_id)
    elif not actor.is_admin:  # an administrator sees every inbox of the account
        scope.append(Conversation.inbox_id.in_(visible_inbox_ids(actor=actor)))
    if assignee == "mine":
        scope.append(Conversation.assignee_id == actor.user_id)
    elif assignee == "unassigned":
        scope.append(Conversation.assignee_id.is_(None))
    if valid_id(inbox_id):
        scope.append(Conversation.inbox_id == inbox_id)
    if valid_id(team_id):
        scope.append(Conversation.team_id == team_id)
    if isinstance(labels, list | tuple) and labels:
        tagged = (
            select(ConversationLabel.conversation_id)
            .join(Label, Label.id == ConversationLabel.label_id)
            .where(Label.account_id == actor.account_id, Label.title.in_([str(t).lower() for t in labels][:50]))
        )
        scope.append(Conversation.id.in_(tagged))
    if isinstance(q, str) and q.strip() and "\x00" not in q:
        text = q.strip().lower()[:200]
        matching = select(Contact.id).where(
            Contact.account_id == actor.account_id,
            sa.or_(func.lower(Contact.name).like(f"%{text}%"), func.lower(Contact.email).like(f"%{text}%")),
        )
        condition = Conversation.contact_id.in_(matching)
        if text.isdigit() and len(text) < 10:
            condition = sa.or_(condition, Conversation.display_id == int(text))
        scope.append(condition)
    return scope


# The dashboard's label filter takes at most this many labels at once.
ALL_LABELS_MAX = 10


def _carrying_all(actor: Actor, titles: object) -> list:
    """Conditions for conversations that carry every one of `titles` (of the actor's account)."""
    if not isinstance(titles, list | tuple):
        return []
    scope = []
    for title in [t for t in titles if isinstance(t, str)][:ALL_LABELS_MAX]:
        tagged = (
            select(ConversationLabel.conversation_id)
            .join(Label, Label.id == ConversationLabel.label_id)
            .where(Label.account_id == actor.account_id, Label.title == title)
        )
        scope.append(Conversation.id.in_(tagged))
    return scope


def held_by_bot(conversation: Conversation, channel_type: str) -> bool:
    """A bot's conversation that it has not handed to a human yet: pending in an API inbox and
    never handed off (an agent parking a widget conversation as pending is not the bot's)."""
    return (
        conversation.status == ConversationStatus.PENDING
        and conversation.handed_off_at is None
        and channel_type == ChannelType.API
    )


def assignee_counts(
    session: Session, *, actor: Actor, status: object = "open", inbox_id: object = None, team_id: object = None
) -> dict[str, int]:
    """How many conversations of one status are mine, assigned, unassigned, all (Chatwoot's meta)."""
    status = status if status in STATUS_FILTERS else "open"
    scope = _scope(actor, inbox_id=inbox_id, team_id=team_id)
    if status != "all":
        scope.append(Conversation.status == status)
    rows = session.exec(
        select(Conversation.assignee_id, func.count()).where(*scope).group_by(Conversation.assignee_id)
    ).all()
    total = sum(n for _, n in rows)
    unassigned = sum(n for assignee, n in rows if assignee is None)
    mine = sum(n for assignee, n in rows if assignee == actor.user_id and not actor.is_bot)
    return {
        "mine_count": mine,
        "assigned_count": total - unassigned,
        "unassigned_count": unassigned,
        "all_count": total,
    }


def set_priority(session: Session, *, actor: Actor, conversation_id: object, priority: object) -> None:
    """Set the priority (low, medium, high, urgent) or clear it (None)."""
    conversation = visible_conversation(session, actor=actor, conversation_id=conversation_id)
    conversation.priority = None if priority is None else choice(priority, Priority, field="priority")
    conversation.updated_at = utcnow()
    session.add(conversation)
    emit(session, events.changed(conversation, events.PRIORITY, by=None if actor.is_bot else actor.user_id))
    changes.commit(session)


def get_conversation(session: Session, *, actor: Actor, display_id: object) -> ConversationDetail:
    """One conversation by its number in the account, with its contact's earlier conversations."""
    conversation = visible_conversation(session, actor=actor, display_id=display_id)
    contact = session.get(Contact, conversation.contact_id)
    inbox = session.get(Inbox, conversation.inbox_id)
    earlier = session.exec(
        select(Conversation.display_id, Conversation.status, Conversation.created_at)
        .where(
            Conversation.contact_id == contact.id,
            Conversation.id != conversation.id,
            Conversation.inbox_id.in_(visible_inbox_ids(actor=actor)),
        )
        .order_by(Conversation.created_at.desc())
        .limit(20)
    ).all()
    return ConversationDetail(
        conversation_id=conversation.id,
        display_id=conversation.display_id,
        alias_key=conversation.alias_key,
        status=conversation.status,
        snoozed_until=conversation.snoozed_until,
        inbox_id=inbox.id,
        inbox_name=inbox.name,
        assignee_id=conversation.assignee_id,
        team_id=conversation.team_id,
        contact_name=contact.name,
        contact_email=contact.email or "",
        contact_phone=contact.phone_number or "",
        earlier=tuple(EarlierConversation(d, s, c) for d, s, c in earlier),
        created_at=conversation.created_at,
        contact_last_seen_at=conversation.contact_last_seen_at,
        labels=chips_of(session, [conversation.id]).get(conversation.id, ()),
    )


def conversation_messages(
    session: Session, *, actor: Actor, conversation_id: object, after_id: int = 0
) -> list[MessageView]:
    """The history (private notes included) after message `after_id`."""
    conversation = visible_conversation(session, actor=actor, conversation_id=conversation_id)
    return messages_after(session, conversation, after_id=after_id, include_private=True)


def send_reply(
    session: Session,
    *,
    actor: Actor,
    conversation_id: object,
    content: object,
    private: bool = False,
    echo_id: object = None,
    attachments: object = None,
    now: datetime | None = None,
) -> MessageView:
    """An agent's reply to the visitor, or a private note only agents see, with the files the
    agent staged (`attachments`: their ids; services/attachments.py). Acknowledged after commit."""
    now = now or utcnow()
    conversation = visible_conversation(session, actor=actor, conversation_id=conversation_id)
    echo = clean_echo_id(echo_id)
    earlier = find_echo(session, conversation.id, echo)
    agent_name = actor_name(session, actor)
    if earlier is not None:
        return view(earlier, agent_name, of_messages(session, [earlier.id]).get(earlier.id, ()))
    files = take_staged(session, attachment_ids=attachments, staged_by=staged_by(actor), inbox_id=conversation.inbox_id)
    text = clean_content_with_files(content, bool(files))
    message = Message(
        account_id=actor.account_id,
        conversation_id=conversation.id,
        message_type=MessageType.OUTGOING,
        sender_type=SenderType.BOT if actor.is_bot else SenderType.AGENT,
        sender_id=None if actor.is_bot else actor.user_id,
        private=bool(private),
        content=text,
        echo_id=echo,
        created_at=now,
    )
    session.add(message)
    if not private:
        conversation.waiting_since = None
        conversation.first_reply_at = conversation.first_reply_at or now
        conversation.last_activity_at = now
    conversation.updated_at = now
    session.add(conversation)
    session.flush()
    attach(files, message=message, session=session)
    emit(
        session,
        events.ChatEvent.about(events.MESSAGE_CREATED, conversation, message_id=message.id, private=bool(private)),
    )
    changes.commit(session)
    return view(message, agent_name, [link_view(row) for row in files])


def set_status(
    session: Session,
    *,
    actor: Actor,
    conversation_id: object,
    status: object,
    snoozed_until: datetime | None = None,
    now: datetime | None = None,
) -> None:
    """Resolve, reopen, set pending or snooze until a time (the status machine decides what is allowed)."""
    now = now or utcnow()
    conversation = visible_conversation(session, actor=actor, conversation_id=conversation_id)
    before = conversation.status
    activity = status_machine.change_status(conversation, status, now=now, snoozed_until=snoozed_until)
    if conversation.status == ConversationStatus.RESOLVED:
        conversation.waiting_since = None
    record_activity(session, conversation, activity, actor=actor_name(session, actor))
    if before == ConversationStatus.PENDING and conversation.status == ConversationStatus.OPEN:
        handoff.hand_off(session, conversation, now=now)
    session.add(conversation)
    emit(session, events.status_changed(conversation, by=None if actor.is_bot else actor.user_id))
    changes.commit(session)


def assign(
    session: Session,
    *,
    actor: Actor,
    conversation_id: object,
    assignee_id: object = None,
    team_id: object = None,
    now: datetime | None = None,
) -> None:
    """Give the conversation to an agent (None: nobody) and/or a team of the account."""
    now = now or utcnow()
    conversation = visible_conversation(session, actor=actor, conversation_id=conversation_id)
    who = actor_name(session, actor)
    what = []
    if assignee_id != conversation.assignee_id:
        what.append("assignee")
        if assignee_id is None:
            conversation.assignee_id = None
            record_activity(session, conversation, "activity.unassigned", actor=who)
        else:
            member = session.exec(
                select(AccountUser).where(
                    AccountUser.account_id == actor.account_id,
                    AccountUser.user_id == assignee_id,
                    AccountUser.is_active,
                )
            ).first() if valid_id(assignee_id) else None  # fmt: skip
            if member is None:
                raise NotFound(field="assignee_id")
            conversation.assignee_id = member.user_id
            assignee_name = session.get(User, member.user_id).name
            record_activity(session, conversation, "activity.assigned", actor=who, assignee=assignee_name)
    if team_id is not None and team_id != conversation.team_id:
        what.append("team")
        team = get_in_account(session, Team, account_id=actor.account_id, obj_id=team_id)
        conversation.team_id = team.id
        record_activity(session, conversation, "activity.team_assigned", actor=who, team=team.name)
    conversation.updated_at = now
    session.add(conversation)
    emit(session, events.changed(conversation, *what, by=None if actor.is_bot else actor.user_id))
    changes.commit(session)


def wake_snoozed(session: Session, *, now: datetime | None = None, limit: int = 100) -> int:
    """Reopen the conversations whose snooze time has passed (run periodically by every worker).

    Rows are claimed with FOR UPDATE SKIP LOCKED on PostgreSQL, so two workers never wake the
    same conversation twice; SQLite has one writer anyway. Returns how many woke up.
    """
    now = now or utcnow()
    due = session.exec(
        select(Conversation)
        .where(Conversation.status == ConversationStatus.SNOOZED, Conversation.snoozed_until <= now)
        .order_by(Conversation.snoozed_until)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for conversation in due:
        activity = status_machine.end_snooze(conversation, now=now)
        if activity:
            record_activity(session, conversation, activity)
            session.add(conversation)
            emit(session, events.status_changed(conversation))
    changes.commit(session)
    return len(due)


def mark_read(session: Session, *, actor: Actor, conversation_id: object, now: datetime | None = None) -> None:
    """The agent has seen everything in the conversation up to now (clears its unread count)."""
    conversation = visible_conversation(session, actor=actor, conversation_id=conversation_id)
    conversation.agent_last_seen_at = now or utcnow()
    session.add(conversation)
    emit(session, events.agent_seen(conversation))
    changes.commit(session)


def agent_typing(session: Session, *, actor: Actor, conversation_id: object, on: bool) -> None:
    """Tell the visitor (and the other agents) that this agent is (no longer) typing. Not stored."""
    conversation = visible_conversation(session, actor=actor, conversation_id=conversation_id)
    name = actor_name(session, actor)
    get_bus().publish(
        events.ChatEvent.about(
            events.TYPING, conversation, detail={"who": "agent", "on": bool(on), "name": name, "user_id": actor.user_id}
        )
    )


def choices(session: Session, *, actor: Actor) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Whom a conversation can be given to: the account's active members and its teams."""
    people = session.exec(
        select(User.id, User.name)
        .join(AccountUser, AccountUser.user_id == User.id)
        .where(AccountUser.account_id == actor.account_id, AccountUser.is_active)
        .order_by(User.name)
    ).all()
    team_rows = session.exec(select(Team.id, Team.name).where(Team.account_id == actor.account_id).order_by(Team.name))
    return [tuple(p) for p in people], [tuple(t) for t in team_rows.all()]


def visible_inboxes(session: Session, *, actor: Actor) -> list[tuple[int, str]]:
    """The inboxes the actor may see, for filters and for live delivery."""
    rows = session.exec(
        select(Inbox.id, Inbox.name).where(Inbox.id.in_(visible_inbox_ids(actor=actor))).order_by(Inbox.name)
    )
    return [tuple(r) for r in rows.all()]


def actor_name(session: Session, actor: Actor) -> str:
    """How the actor appears in history lines: the agent's name, or the bot's inbox name."""
    if actor.is_bot:
        return session.get(Inbox, actor.bot_inbox_id).name
    return session.get(User, actor.user_id).name


def visible_conversation(
    session: Session, *, actor: Actor, conversation_id: object = None, display_id: object = None
) -> Conversation:
    """A conversation of the actor's account in an inbox they may see, else NotFound."""
    key = conversation_id if conversation_id is not None else display_id
    if not valid_id(key):
        raise NotFound()
    column = Conversation.id if conversation_id is not None else Conversation.display_id
    conversation = session.exec(
        select(Conversation).where(
            column == key,
            Conversation.account_id == actor.account_id,
            Conversation.inbox_id.in_(visible_inbox_ids(actor=actor)),
        )
    ).first()
    if conversation is None:
        raise NotFound()
    return conversation


def _previews(session: Session, conversation_ids: list[int]) -> dict[int, Preview]:
    """The newest message a person or the bot wrote in each conversation, in one query (no N+1).
    Activity lines ("assigned to ...") and private notes are not what a conversation is about."""
    if not conversation_ids:
        return {}
    newest = (
        select(func.max(Message.id))
        .where(
            Message.conversation_id.in_(conversation_ids),
            Message.private.is_(False),
            Message.message_type != MessageType.ACTIVITY,
        )
        .group_by(Message.conversation_id)
    )
    rows = session.exec(
        select(Message.conversation_id, Message.content, Message.sender_type, User.name, Message.has_attachments)
        .outerjoin(User, (User.id == Message.sender_id) & (Message.sender_type == SenderType.AGENT))
        .where(Message.id.in_(newest))
    ).all()
    return {
        conversation_id: Preview(content[:PREVIEW_LENGTH], sender_type, agent_name or "", files)
        for conversation_id, content, sender_type, agent_name, files in rows
    }
