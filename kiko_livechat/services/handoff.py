"""The handoff: a conversation comes from the bot into human hands. The one module that says
what that is and does; everything else calls it.

A handoff happens when
- the bot sets its pending conversation open (`toggle_status`, or an agent opening it: the
  conversation status machine allows pending -> open, `conversations.set_status` calls `hand_off`),
- the bot creates a conversation straight open (`api_chat.create_conversation`),
- the bot hands over in one call, with the contact, its transcript and the reason
  (`do_hand_off`, `POST /api/v1/accounts/{id}/handoffs`).

What it does, once per conversation (`hand_off`):
- `handed_off_at` and `waiting_since` are now: first response time runs from here, not from
  the bot's start;
- one `conversation_handoff` reporting event (time the bot held it);
- an activity line "handed over" and a `conversation_updated` event naming "handoff" (the alerts
  tell the inbox's agents; the webhooks leave it to the status change of the same transaction);
- then, as for any conversation that reaches humans (`reach_humans`): the unanswered timer starts
  (services/unanswered.py reminds the agents when it runs out) and it is auto-assigned where the
  inbox or team allows it (services/assignment.py picks who).

A visitor starting a conversation in the web widget is no handoff (no bot held it: no
handed_off_at, no reporting event), but it reaches humans the same way (`reach_humans`, from
`conversations.open_conversation`), and alerts the inbox's agents like a handoff.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from kiko_livechat.models import (
    Account,
    Contact,
    Conversation,
    ConversationStatus,
    Inbox,
    Message,
    MessageType,
    ReportingEvent,
    ReportingEventName,
    SenderType,
)
from kiko_livechat.models.base import utcnow
from kiko_livechat.realtime import events
from kiko_livechat.realtime.outbox import emit
from kiko_livechat.services import assignment, changes, contacts, conversations, entitlement, status_machine, unanswered
from kiko_livechat.services.activity import record_activity
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.errors import ValidationFailed
from kiko_livechat.services.messages import clean_content

TRANSCRIPT_MAX = 200
REASON_MAX = 1000
# Over the API a line is said by the visitor (relayed by the bot) or by the bot itself.
LINE_TYPES = (MessageType.INCOMING, MessageType.OUTGOING)
_MESSAGES = Message.__table__


def do_hand_off(
    session: Session,
    *,
    actor: Actor,
    inbox_id: object,
    contact: object,
    transcript: object = (),
    reason: object = "",
    now: datetime | None = None,
) -> Conversation:
    """One call for bots that do not speak Chatwoot: the contact (by source_id, created on first
    use), the transcript so far (the visitor's lines `incoming`, the bot's `outgoing`), why a
    human is needed (a private note for the agents), and the handoff itself. All or nothing;
    validates, writes, commits through services/changes.py."""
    now = now or utcnow()
    lines = _transcript(transcript)
    why = reason.strip() if isinstance(reason, str) else None
    if why is None or len(why) > REASON_MAX:
        raise ValidationFailed("error.too_long", field="reason", max=REASON_MAX)
    # The rows are held here: the session keeps no unchanged row alive, and each would be read again.
    who = contacts.identity(session, actor=actor, inbox_id=inbox_id, details=contact)
    entitlement.require_receiving(session.get(Account, actor.account_id), now)
    conversation = conversations.open_conversation(
        session, inbox=who.inbox, contact_inbox=who.contact_inbox, now=now, status=ConversationStatus.PENDING
    )
    # Nothing below reads what it writes: the conversation's row is written once, at the commit.
    with session.no_autoflush:
        _insert_transcript(session, actor, conversation, who.contact, lines, why, now)
        status_machine.change_status(conversation, ConversationStatus.OPEN, now=now)
        hand_off(session, conversation, inbox=who.inbox, now=now)
        emit(session, events.status_changed(conversation))
    changes.commit(session)
    return conversation


def hand_off(session: Session, conversation: Conversation, *, now: datetime, inbox: Inbox | None = None) -> None:
    """The conversation, now open, passes from the bot to humans (caller commits). Counted once:
    a conversation given back to the bot and handed over again is one handoff."""
    if conversation.handed_off_at is not None:
        return
    conversation.handed_off_at = now
    conversation.waiting_since = now
    session.add(conversation)
    session.add(
        ReportingEvent(
            account_id=conversation.account_id,
            name=ReportingEventName.CONVERSATION_HANDOFF,
            conversation_id=conversation.id,
            inbox_id=conversation.inbox_id,
            team_id=conversation.team_id,
            event_start_time=conversation.created_at,
            event_end_time=now,
            value=(now - conversation.created_at).total_seconds(),
        )
    )
    record_activity(session, conversation, "activity.handoff")
    emit(session, events.changed(conversation, events.HANDOFF))
    reach_humans(session, conversation, inbox=inbox or session.get(Inbox, conversation.inbox_id), now=now)


def reach_humans(session: Session, conversation: Conversation, *, inbox: Inbox, now: datetime) -> None:
    """An open conversation is now the agents' (a handoff, or a new open conversation): its first
    answer is due within the inbox's reminder time, and it is auto-assigned where allowed
    (caller commits)."""
    unanswered.expect_answer(conversation, inbox, now=now)
    assignment.auto_assign(session, conversation, inbox=inbox, now=now)


def _insert_transcript(
    session: Session,
    actor: Actor,
    conversation: Conversation,
    contact: Contact,
    lines: list[tuple[MessageType, str]],
    why: str,
    now: datetime,
) -> None:
    """The transcript (and the reason, as a private note) in one INSERT, whatever its length;
    one message_created event per line, as if each had been posted."""
    sender_type, sender_id = (SenderType.BOT, None) if actor.is_bot else (SenderType.AGENT, actor.user_id)
    rows = [
        _row(conversation, kind, *((SenderType.CONTACT, conversation.contact_id) if kind == MessageType.INCOMING
                                   else (sender_type, sender_id)), text, False, {}, now)
        for kind, text in lines
    ]  # fmt: skip
    if why:  # for the agents only: why the bot gave up
        rows.append(_row(conversation, MessageType.OUTGOING, sender_type, sender_id, why, True,
                         {"handoff_reason": True}, now))  # fmt: skip
    if not rows:
        return
    # One statement: a multi-row INSERT draws its ids in the order of its rows (SQLite's rowids,
    # PostgreSQL's sequence), so the sorted ids are the rows' ids. (SQLAlchemy's guaranteed
    # order, sort_by_parameter_order, sends one INSERT per row on SQLite.)
    ids = sorted(session.execute(sa.insert(_MESSAGES).returning(_MESSAGES.c.id), rows).scalars().all())
    # What posting the lines one by one would have changed (api_chat.create_message).
    if any(kind == MessageType.INCOMING for kind, _ in lines):
        conversation.waiting_since = conversation.waiting_since or now
        contact.last_activity_at = now
        session.add(contact)
    if not actor.is_bot and any(kind == MessageType.OUTGOING for kind, _ in lines):
        conversation.waiting_since = None
        conversation.first_reply_at = conversation.first_reply_at or now
    if lines:
        conversation.last_activity_at = now
    conversation.updated_at = now
    session.add(conversation)
    for message_id, row in zip(ids, rows, strict=True):
        emit(
            session,
            events.ChatEvent.about(events.MESSAGE_CREATED, conversation, message_id=message_id, private=row["private"]),
        )


def _row(conversation, kind, sender_type, sender_id, text, private, attributes, now) -> dict:
    return {
        "account_id": conversation.account_id,
        "conversation_id": conversation.id,
        "message_type": kind,
        "sender_type": sender_type,
        "sender_id": sender_id,
        "private": private,
        "content": text,
        "content_type": "text",
        "content_attributes": attributes,
        "echo_id": None,
        "created_at": now,
    }


def _transcript(value: object) -> list[tuple[MessageType, str]]:
    if not isinstance(value, list | tuple) or len(value) > TRANSCRIPT_MAX:
        raise ValidationFailed("api.error.transcript", field="transcript", max=TRANSCRIPT_MAX)
    lines = []
    for index, line in enumerate(value):
        if not isinstance(line, dict) or set(line) - {"content", "message_type"}:
            raise ValidationFailed("api.error.transcript", field=f"transcript[{index}]", max=TRANSCRIPT_MAX)
        kind = line.get("message_type", "incoming")
        if kind not in LINE_TYPES:
            raise ValidationFailed("error.invalid_choice", field=f"transcript[{index}].message_type")
        lines.append((MessageType(kind), clean_content(line.get("content"))))
    return lines
