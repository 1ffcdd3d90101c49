"""Conversations and messages created over the HTTP API (the bot, or an integration with a
personal token): the bot opens a conversation as pending, posts the transcript, and hands over
(services/handoff.py; also in one call there)."""

import json
from datetime import datetime

from sqlmodel import Session

from kiko_livechat.models import (
    Account,
    ChannelType,
    Contact,
    Conversation,
    ConversationStatus,
    Inbox,
    Message,
    MessageType,
    SenderType,
)
from kiko_livechat.models.base import utcnow
from kiko_livechat.realtime import events
from kiko_livechat.realtime.outbox import emit
from kiko_livechat.services import changes, contacts, conversations, entitlement, handoff, status_machine
from kiko_livechat.services.activity import record_activity
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.contacts import ATTRIBUTES_MAX_BYTES
from kiko_livechat.services.errors import ValidationFailed
from kiko_livechat.services.messages import clean_content, clean_content_with_files, clean_echo_id, find_echo
from kiko_livechat.services.staged_files import attach, staged_by, take_staged
from kiko_livechat.services.validation import choice

CREATE_STATUSES = (ConversationStatus.OPEN, ConversationStatus.PENDING)
# Activity lines are the system's own; over the API a message is said or relayed.
API_MESSAGE_TYPES = (MessageType.INCOMING, MessageType.OUTGOING)


def create_conversation(
    session: Session,
    *,
    actor: Actor,
    inbox_id: object,
    source_id: object = None,
    contact_id: object = None,
    status: object = None,
    message: object = None,
    now: datetime | None = None,
) -> Conversation:
    """A conversation for a contact in an inbox; a bot's starts pending (the bot still talks),
    anyone else's open. A deactivated account or an expired trial takes no new conversation."""
    now = now or utcnow()
    status_value = ConversationStatus(
        choice(status, ConversationStatus, field="status")
        if status is not None
        else (ConversationStatus.PENDING if actor.is_bot else ConversationStatus.OPEN)
    )
    if status_value not in CREATE_STATUSES:
        raise ValidationFailed("error.invalid_choice", field="status")
    if source_id is None and contact_id is None:
        raise ValidationFailed("error.required", field="source_id")
    first = _first_message(message)
    contact_inbox = contacts.contact_inbox_for(
        session, actor=actor, inbox_id=inbox_id, source_id=source_id, contact_id=contact_id
    )
    entitlement.require_receiving(session.get(Account, actor.account_id), now)
    inbox = session.get(Inbox, contact_inbox.inbox_id)
    conversation = conversations.open_conversation(
        session, inbox=inbox, contact_inbox=contact_inbox, now=now, status=status_value
    )
    if status_value == ConversationStatus.OPEN and actor.is_bot:  # created straight into human hands
        handoff.hand_off(session, conversation, inbox=inbox, now=now)
    if first is not None:
        _store(session, actor, conversation, first[0], first[1], False, {}, None, now)
    changes.commit(session)
    return conversation


def create_message(
    session: Session,
    *,
    actor: Actor,
    display_id: object,
    content: object,
    message_type: object = "outgoing",
    private: object = False,
    content_attributes: object = None,
    echo_id: object = None,
    attachments: object = None,
    now: datetime | None = None,
) -> Message:
    """A message in a conversation. `incoming` (the contact speaking) only in API inboxes, where
    the bot relays what the visitor writes in its own channel; `outgoing` is the bot's own line
    (or the agent's, with a personal token). `attachments`: ids of files the caller staged
    (services/attachments.py). A resend with the same echo_id is stored once."""
    now = now or utcnow()
    conversation = conversations.visible_conversation(session, actor=actor, display_id=display_id)
    if message_type not in API_MESSAGE_TYPES:
        raise ValidationFailed("error.invalid_choice", field="message_type")
    kind = MessageType(message_type)
    if not attachments:
        clean_content(content)
    if private not in (True, False):
        raise ValidationFailed("error.invalid_choice", field="private")
    attributes = _attributes(content_attributes)
    if kind == MessageType.INCOMING:
        if session.get(Inbox, conversation.inbox_id).channel_type != ChannelType.API:
            raise ValidationFailed("api.error.incoming_only_api", field="message_type")
        if private:
            raise ValidationFailed("error.invalid_choice", field="private")
    echo = clean_echo_id(echo_id)
    earlier = find_echo(session, conversation.id, echo)
    if earlier is not None:
        return earlier
    files = take_staged(session, attachment_ids=attachments, staged_by=staged_by(actor), inbox_id=conversation.inbox_id)
    text = clean_content_with_files(content, bool(files))
    message = _store(session, actor, conversation, kind, text, bool(private), attributes, echo, now, files)
    changes.commit(session)
    return message


def _store(session, actor, conversation, kind, text, private, attributes, echo, now, files=()) -> Message:
    incoming = kind == MessageType.INCOMING
    if incoming:
        reopened = status_machine.on_visitor_message(conversation, now=now)
        if reopened:
            record_activity(session, conversation, reopened)
            emit(session, events.status_changed(conversation))
        conversation.waiting_since = conversation.waiting_since or now
        contact = session.get(Contact, conversation.contact_id)
        contact.last_activity_at = now
        session.add(contact)
    elif not private and not actor.is_bot:
        conversation.waiting_since = None
        conversation.first_reply_at = conversation.first_reply_at or now
    message = Message(
        account_id=conversation.account_id,
        conversation_id=conversation.id,
        message_type=kind,
        sender_type=SenderType.CONTACT if incoming else (SenderType.BOT if actor.is_bot else SenderType.AGENT),
        sender_id=conversation.contact_id if incoming else (None if actor.is_bot else actor.user_id),
        private=private,
        content=text,
        content_attributes=attributes,
        echo_id=echo,
        created_at=now,
    )
    session.add(message)
    if not private:
        conversation.last_activity_at = now
    conversation.updated_at = now
    session.add(conversation)
    session.flush()
    attach(files, message=message, session=session)
    emit(session, events.ChatEvent.about(events.MESSAGE_CREATED, conversation, message_id=message.id, private=private))
    return message


def _first_message(message: object) -> tuple[str, str] | None:
    if message is None:
        return None
    if not isinstance(message, dict):
        raise ValidationFailed("error.invalid_choice", field="message")
    kind = message.get("message_type", "outgoing")
    if kind not in API_MESSAGE_TYPES:
        raise ValidationFailed("error.invalid_choice", field="message.message_type")
    return kind, clean_content(message.get("content"))


def _attributes(value: object) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict) or len(json.dumps(value)) > ATTRIBUTES_MAX_BYTES:
        raise ValidationFailed("contacts.error.attributes", field="content_attributes", max=ATTRIBUTES_MAX_BYTES)
    return value
