"""Staged uploads taken by the message they are sent with (services/attachments.py stages them).

Kept apart from the upload code: every path that sends a message (agents, visitors, bots) calls
this, and the upload code in turn needs the conversations service."""

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlmodel import Session, select

from kiko_livechat.models import Attachment, Message
from kiko_livechat.models.base import utcnow
from kiko_livechat.services.errors import ValidationFailed

FILES_PER_MESSAGE = 10
# An upload not sent with a message within this time is removed (services/attachments.sweep).
STAGED_SECONDS = 3600


def staged_by(actor) -> str:
    """Who holds an agent's or a bot's uploads until they are sent."""
    return f"bot:{actor.bot_inbox_id}" if actor.is_bot else f"user:{actor.user_id}"


def visitor_staged_by(visitor_token: str) -> str:
    """A visitor's uploads are held by a hash of their token (the token itself stays secret)."""
    return "visitor:" + hashlib.sha256(visitor_token.encode()).hexdigest()[:64]


def take_staged(
    session: Session,
    *,
    attachment_ids: object,
    staged_by: str,
    inbox_id: int,
    now: datetime | None = None,
) -> list[Attachment]:
    """The staged attachments a message is about to be sent with, in the order given; refused
    when they are too many, not this sender's, sent already or expired (ValidationFailed). The
    caller sets their message and conversation and commits with the message."""
    if attachment_ids is None:
        return []
    ids = list(dict.fromkeys(attachment_ids)) if isinstance(attachment_ids, list | tuple) else None
    if ids is None or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ValidationFailed("attachments.error.unknown", field="attachments")
    if len(ids) > FILES_PER_MESSAGE:
        raise ValidationFailed("attachments.error.too_many", field="attachments", max=FILES_PER_MESSAGE)
    if not ids:
        return []
    since = (now or utcnow()) - timedelta(seconds=STAGED_SECONDS)
    rows = session.exec(
        select(Attachment).where(
            Attachment.id.in_(ids),
            Attachment.message_id.is_(None),
            Attachment.staged_by == staged_by,
            Attachment.inbox_id == inbox_id,
            Attachment.created_at >= since,
        )
    ).all()
    by_id = {row.id: row for row in rows}
    if len(by_id) != len(ids):
        raise ValidationFailed("attachments.error.unknown", field="attachments")
    return [by_id[i] for i in ids]


def attach(rows: Iterable[Attachment], *, message: Message, session: Session) -> None:
    """The staged rows now belong to the (flushed) message (the caller commits)."""
    rows = list(rows)
    for row in rows:
        row.message_id, row.conversation_id = message.id, message.conversation_id
        session.add(row)
    if rows:
        message.has_attachments = True
        session.add(message)
