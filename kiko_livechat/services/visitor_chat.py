"""The visitor's side of the web widget: who they are (a random visitor token kept in the chat
iframe), their conversation, and what they write. The token is the only credential."""

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from kiko_livechat.i18n import SUPPORTED_LOCALES
from kiko_livechat.models import (
    Account,
    ChannelType,
    Contact,
    ContactInbox,
    Conversation,
    ConversationStatus,
    Inbox,
    Message,
    MessageType,
    SenderType,
    User,
)
from kiko_livechat.models.base import utcnow
from kiko_livechat.realtime import events
from kiko_livechat.realtime.bus import get_bus
from kiko_livechat.realtime.outbox import emit
from kiko_livechat.services import changes, entitlement, presence, status_machine
from kiko_livechat.services.activity import record_activity
from kiko_livechat.services.attachment_links import of_messages
from kiko_livechat.services.attachment_links import view as link_view
from kiko_livechat.services.conversations import open_conversation
from kiko_livechat.services.errors import NotFound, ValidationFailed
from kiko_livechat.services.messages import (
    MessageView,
    clean_content,
    clean_content_with_files,
    clean_echo_id,
    find_echo,
    messages_after,
    view,
)
from kiko_livechat.services.scoping import valid_id
from kiko_livechat.services.staged_files import attach, take_staged, visitor_staged_by
from kiko_livechat.services.validation import clean_email

_TOKEN_MAX = 100


@dataclass(frozen=True)
class WidgetInbox:
    inbox_id: int
    account_id: int
    name: str
    greeting: str
    widget_color: str
    locale: str
    allowed_domains: tuple[str, ...]
    # Why no new conversation can start (entitlement.INACTIVE / TRIAL_EXPIRED), or None.
    blocked: str | None
    agents_online: bool


@dataclass(frozen=True)
class ConversationAgent:
    # "" while no agent has taken or answered the conversation.
    name: str
    # A dashboard tab of theirs reports: they are there for this visitor, whatever availability
    # they chose for new conversations.
    here: bool
    # A human has answered (no more offer to leave an e-mail address).
    answered: bool


@dataclass(frozen=True)
class Visitor:
    """A visitor whose tokens were checked once (`identify`). The widget's server-side state keeps
    it, so that each message, catch-up and read marker need not look the inbox and the visitor
    up again: every function below takes it as `visitor=` beside the tokens, and uses it only
    while it was made for exactly those tokens. A conversation is still checked against it."""

    public_token: str
    visitor_token: str
    inbox_id: int
    account_id: int
    # None until the visitor's first message creates their contact.
    contact_inbox_id: int | None


@dataclass(frozen=True)
class SentMessage:
    conversation_id: int
    status: str
    message: MessageView
    # Who sent it, now with their contact (the first message creates it).
    visitor: Visitor
    # With `after_id`: the visitor's view of the conversation after that message, read once the
    # message was committed (it included), so the page needs no read of its own.
    messages: tuple[MessageView, ...] = ()


def new_visitor_token() -> str:
    return secrets.token_urlsafe(24)


def widget_inbox(session: Session, *, public_token: object, now: datetime | None = None) -> WidgetInbox:
    """The web-widget inbox behind a public token, as the chat page shows it."""
    inbox = _inbox(session, public_token)
    account = session.get(Account, inbox.account_id)
    now = now or utcnow()
    return WidgetInbox(
        inbox_id=inbox.id,
        account_id=inbox.account_id,
        name=inbox.name,
        greeting=inbox.greeting,
        widget_color=inbox.widget_color,
        locale=account.locale,
        allowed_domains=tuple(inbox.allowed_domains or ()),
        blocked=entitlement.block_reason(account, now),
        agents_online=presence.inbox_online(session, inbox_id=inbox.id, now=now),
    )


def identify(session: Session, *, public_token: object, visitor_token: object) -> Visitor:
    """The visitor behind these tokens in this web-widget inbox (NotFound for an unknown inbox or
    a malformed visitor token)."""
    inbox = _inbox(session, public_token)
    contact_inbox = _contact_inbox(session, inbox, visitor_token)
    return Visitor(
        public_token=public_token,
        visitor_token=visitor_token,
        inbox_id=inbox.id,
        account_id=inbox.account_id,
        contact_inbox_id=contact_inbox.id if contact_inbox else None,
    )


def conversation_agent(
    session: Session,
    *,
    public_token: object,
    visitor_token: object,
    conversation_id: object,
    now: datetime | None = None,
    visitor: Visitor | None = None,
) -> ConversationAgent:
    """Who of the team the visitor talks to: the assigned agent, else the agent who answered
    last (never a private note's author, never the bot)."""
    conversation = _own_conversation(session, public_token, visitor_token, conversation_id, visitor)
    user_id = (
        conversation.assignee_id
        or session.exec(
            select(Message.sender_id)
            .where(
                Message.conversation_id == conversation.id,
                Message.message_type == MessageType.OUTGOING,
                Message.sender_type == SenderType.AGENT,
                Message.private.is_(False),
            )
            .order_by(Message.id.desc())
            .limit(1)
        ).first()
    )
    user = session.get(User, user_id) if user_id else None
    return ConversationAgent(
        name=user.name if user else "",
        here=user is not None and presence.is_present(user.last_seen_at, now),
        answered=conversation.first_reply_at is not None,
    )


def embedding_domains(session: Session, *, public_token: object) -> tuple[str, ...] | None:
    """The websites allowed to frame this inbox's chat page (empty: any); None for no such inbox."""
    try:
        return tuple(_inbox(session, public_token).allowed_domains or ())
    except NotFound:
        return None


def current_conversation(
    session: Session, *, public_token: object, visitor_token: object, visitor: Visitor | None = None
) -> Conversation | None:
    """The visitor's conversation still going on in this inbox; None once it was resolved
    (their next message then starts a new one)."""
    visitor = _checked(session, public_token, visitor_token, visitor)
    if visitor.contact_inbox_id is None:
        return None
    latest = session.exec(
        select(Conversation)
        .where(Conversation.contact_inbox_id == visitor.contact_inbox_id)
        .order_by(Conversation.id.desc())
        .limit(1)
    ).first()
    return None if latest is None or latest.status == ConversationStatus.RESOLVED else latest


def visitor_messages(
    session: Session,
    *,
    public_token: object,
    visitor_token: object,
    conversation_id: object,
    after_id: int = 0,
    visitor: Visitor | None = None,
) -> list[MessageView]:
    """The visitor's view of their conversation after message `after_id` (no private notes)."""
    conversation = _own_conversation(session, public_token, visitor_token, conversation_id, visitor)
    return messages_after(session, conversation, after_id=after_id, include_private=False)


def send_visitor_message(
    session: Session,
    *,
    public_token: object,
    visitor_token: object,
    content: object,
    echo_id: object = None,
    conversation_id: object = None,
    now: datetime | None = None,
    visitor: Visitor | None = None,
    after_id: int | None = None,
    attachments: object = None,
) -> SentMessage:
    """Store what the visitor wrote, with the files they staged (`attachments`: their ids;
    services/attachments.py); returns only after it is committed (then it is acknowledged).

    Into the conversation the page shows (`conversation_id`, reopened if it was resolved), else
    into the visitor's ongoing one, else a new conversation, which a deactivated account or an
    expired trial refuses. A resend with the same `echo_id` returns the stored message again.
    With `after_id`, what the visitor sees after that message comes along (`messages`).
    """
    now = now or utcnow()
    if not attachments:
        clean_content(content)  # refused before anything is looked up
    echo = clean_echo_id(echo_id)
    visitor = _checked(session, public_token, visitor_token, visitor)
    if conversation_id is not None:
        conversation = _own_conversation(session, public_token, visitor_token, conversation_id, visitor)
    else:
        conversation = current_conversation(
            session, public_token=public_token, visitor_token=visitor_token, visitor=visitor
        )
    if conversation is not None:
        earlier = find_echo(session, conversation.id, echo)
        if earlier is not None:
            files = of_messages(session, [earlier.id]).get(earlier.id, ())
            return _sent(session, conversation, view(earlier, None, files), visitor, after_id)
    if conversation is not None and _blocked(session, conversation.contact_id):
        raise ValidationFailed("widget.error.blocked", field="content")
    inbox_id = conversation.inbox_id if conversation is not None else _inbox(session, public_token).id
    files = take_staged(
        session, attachment_ids=attachments, staged_by=visitor_staged_by(visitor_token), inbox_id=inbox_id
    )
    text = clean_content_with_files(content, bool(files))
    if conversation is None:
        inbox = _inbox(session, public_token)
        entitlement.require_receiving(session.get(Account, inbox.account_id), now)
        contact_inbox = _contact_inbox(session, inbox, visitor_token) or _new_visitor(session, inbox, visitor_token)
        conversation = open_conversation(session, inbox=inbox, contact_inbox=contact_inbox, now=now)
        visitor = replace(visitor, contact_inbox_id=contact_inbox.id)
    reopened = status_machine.on_visitor_message(conversation, now=now)
    if reopened:
        record_activity(session, conversation, reopened)
    message = Message(
        account_id=conversation.account_id,
        conversation_id=conversation.id,
        message_type=MessageType.INCOMING,
        sender_type=SenderType.CONTACT,
        sender_id=conversation.contact_id,
        content=text,
        echo_id=echo,
        created_at=now,
    )
    session.add(message)
    conversation.last_activity_at = now
    conversation.waiting_since = conversation.waiting_since or now
    session.add(conversation)
    session.flush()
    # A plain UPDATE: loading the contact (JSON attributes and all) cost more than the rest.
    session.execute(sa.update(Contact).where(Contact.id == conversation.contact_id).values(last_activity_at=now))
    attach(files, message=message, session=session)
    emit(session, events.ChatEvent.about(events.MESSAGE_CREATED, conversation, message_id=message.id))
    if reopened:
        emit(session, events.status_changed(conversation))
    changes.commit(session)
    return _sent(session, conversation, view(message, None, [link_view(row) for row in files]), visitor, after_id)


def _blocked(session: Session, contact_id: int) -> bool:
    """An agent blocked this contact: their messages are refused (politely, in the widget)."""
    return bool(session.exec(select(Contact.blocked).where(Contact.id == contact_id)).first())


def _sent(
    session: Session, conversation: Conversation, message: MessageView, visitor: Visitor, after_id: int | None
) -> SentMessage:
    newer = () if after_id is None else messages_after(session, conversation, after_id=after_id, include_private=False)
    return SentMessage(conversation.id, conversation.status, message, visitor, tuple(newer))


def mark_seen(
    session: Session,
    *,
    public_token: object,
    visitor_token: object,
    conversation_id: object,
    now: datetime | None = None,
    visitor: Visitor | None = None,
) -> None:
    """The visitor's chat page shows everything up to now (the agents see "read")."""
    conversation = _own_conversation(session, public_token, visitor_token, conversation_id, visitor)
    conversation.contact_last_seen_at = now or utcnow()
    session.add(conversation)
    emit(session, events.contact_seen(conversation))
    changes.commit(session)


def leave_email(
    session: Session,
    *,
    public_token: object,
    visitor_token: object,
    conversation_id: object,
    email: object,
    locale: object = None,
) -> None:
    """The visitor leaves an address to be answered later (nobody online, or nobody answered in
    time), and the language their page speaks, for the transcript e-mail."""
    conversation = _own_conversation(session, public_token, visitor_token, conversation_id)
    contact = session.get(Contact, conversation.contact_id)
    contact.email = clean_email(email)
    if locale in SUPPORTED_LOCALES:
        contact.additional_attributes = {**(contact.additional_attributes or {}), "locale": locale}
    conversation.email_requested_at = utcnow()
    session.add(conversation)
    session.add(contact)
    emit(session, events.changed(conversation, events.EMAIL_LEFT))
    changes.commit(session)


def visitor_typing(
    session: Session,
    *,
    public_token: object,
    visitor_token: object,
    conversation_id: object,
    on: bool,
    visitor: Visitor | None = None,
):
    """Tell the conversation's agents that the visitor is (no longer) typing. Not stored."""
    conversation = _own_conversation(session, public_token, visitor_token, conversation_id, visitor)
    get_bus().publish(events.ChatEvent.about(events.TYPING, conversation, detail={"who": "visitor", "on": bool(on)}))


def _inbox(session: Session, public_token: object) -> Inbox:
    if not isinstance(public_token, str) or not public_token or len(public_token) > _TOKEN_MAX:
        raise NotFound("widget.error.unknown_inbox")
    inbox = session.exec(select(Inbox).where(Inbox.public_token == public_token)).first()
    if inbox is None or inbox.channel_type != ChannelType.WEB_WIDGET:
        raise NotFound("widget.error.unknown_inbox")
    return inbox


def _source_id(visitor_token: object) -> str:
    """What the database keeps of a visitor token: its hash (the token itself is the secret)."""
    if not isinstance(visitor_token, str) or not 16 <= len(visitor_token) <= _TOKEN_MAX:
        raise NotFound("widget.error.visitor")
    return "widget:" + hashlib.sha256(visitor_token.encode()).hexdigest()


def _contact_inbox(session: Session, inbox: Inbox, visitor_token: object) -> ContactInbox | None:
    return session.exec(
        select(ContactInbox).where(
            ContactInbox.inbox_id == inbox.id, ContactInbox.source_id == _source_id(visitor_token)
        )
    ).first()


def _new_visitor(session: Session, inbox: Inbox, visitor_token: object) -> ContactInbox:
    contact = Contact(account_id=inbox.account_id)
    session.add(contact)
    session.flush()
    contact_inbox = ContactInbox(
        account_id=inbox.account_id, contact_id=contact.id, inbox_id=inbox.id, source_id=_source_id(visitor_token)
    )
    session.add(contact_inbox)
    session.flush()
    return contact_inbox


def _checked(session: Session, public_token: object, visitor_token: object, visitor: Visitor | None) -> Visitor:
    """`visitor` if it was made for exactly these tokens and knows its contact, else looked up."""
    if (
        visitor is not None
        and visitor.contact_inbox_id is not None
        and visitor.public_token == public_token
        and visitor.visitor_token == visitor_token
    ):
        return visitor
    return identify(session, public_token=public_token, visitor_token=visitor_token)


def _own_conversation(
    session: Session,
    public_token: object,
    visitor_token: object,
    conversation_id: object,
    visitor: Visitor | None = None,
):
    """The conversation `conversation_id` if it is this visitor's in this inbox, else NotFound."""
    visitor = _checked(session, public_token, visitor_token, visitor)
    conversation = session.get(Conversation, conversation_id) if valid_id(conversation_id) else None
    if (
        visitor.contact_inbox_id is None
        or conversation is None
        or conversation.contact_inbox_id != visitor.contact_inbox_id
    ):
        raise NotFound()
    return conversation
