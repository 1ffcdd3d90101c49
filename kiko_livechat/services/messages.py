"""Messages as every reader sees them, and the catch-up read that makes delivery lossless:
"everything after message id N"."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from kiko_livechat.models import Conversation, Message, MessageType, SenderType, User
from kiko_livechat.services.attachment_links import AttachmentView, of_messages
from kiko_livechat.services.errors import ValidationFailed
from kiko_livechat.services.validation import refuse_nul

CONTENT_MAX = 10_000
ECHO_ID_MAX = 64
# One catch-up read returns at most this many; a client far behind asks again.
CATCH_UP_LIMIT = 200


@dataclass(frozen=True)
class MessageView:
    message_id: int
    message_type: str
    sender_type: str
    sender_name: str
    private: bool
    content: str
    # Activity lines: the catalog key and its parameters, rendered in the reader's language.
    activity: str
    activity_params: dict
    created_at: datetime
    echo_id: str
    # The files sent with it, in the order they were attached.
    attachments: tuple[AttachmentView, ...] = ()


def clean_content(value: object) -> str:
    """Message text: not empty, at most CONTENT_MAX characters (trailing blanks trimmed)."""
    text = refuse_nul(value.rstrip(), field="content") if isinstance(value, str) else ""
    if not text.strip():
        raise ValidationFailed("conversations.error.empty_message", field="content")
    if len(text) > CONTENT_MAX:
        raise ValidationFailed("error.too_long", field="content", max=CONTENT_MAX)
    return text


def clean_content_with_files(value: object, has_files: bool) -> str:
    """Message text, which may be left empty when the message carries files."""
    if has_files and (value is None or (isinstance(value, str) and not value.strip())):
        return ""
    return clean_content(value)


def clean_echo_id(value: object) -> str | None:
    """The client's own id of a message it sends, so a resend is recognised; None if absent/odd."""
    return value if isinstance(value, str) and 0 < len(value) <= ECHO_ID_MAX else None


def find_echo(session: Session, conversation_id: int, echo_id: str | None) -> Message | None:
    if echo_id is None:
        return None
    # The id first: nearly every message is new, and loading a row that is not there is cheap
    # only when no ORM row is built for it.
    earlier = session.exec(
        select(Message.id).where(Message.conversation_id == conversation_id, Message.echo_id == echo_id)
    ).first()
    return session.get(Message, earlier) if earlier is not None else None


def messages_after(
    session: Session, conversation: Conversation, *, after_id: int = 0, include_private: bool
) -> list[MessageView]:
    """The conversation's messages with an id above `after_id`, oldest first."""
    query = (
        select(Message, User.name)
        .outerjoin(User, (User.id == Message.sender_id) & (Message.sender_type == SenderType.AGENT))
        .where(Message.conversation_id == conversation.id, Message.id > max(0, int(after_id)))
        .order_by(Message.id)
        .limit(CATCH_UP_LIMIT)
    )
    if not include_private:
        query = query.where(Message.private.is_(False))
    rows = session.exec(query).all()
    files = of_messages(session, [message.id for message, _ in rows if message.has_attachments])
    return [view(message, agent_name, files.get(message.id, ())) for message, agent_name in rows]


def view(message: Message, agent_name: str | None, attachments=()) -> MessageView:
    attributes = message.content_attributes or {}
    return MessageView(
        message_id=message.id,
        message_type=message.message_type,
        sender_type=message.sender_type,
        sender_name=agent_name or "",
        private=message.private,
        content=message.content,
        activity=attributes.get("activity", "") if message.message_type == MessageType.ACTIVITY else "",
        activity_params=attributes.get("params", {}) if message.message_type == MessageType.ACTIVITY else {},
        created_at=message.created_at,
        echo_id=message.echo_id or "",
        attachments=tuple(attachments),
    )
