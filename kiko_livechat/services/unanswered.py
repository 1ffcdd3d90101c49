"""Handoffs nobody answers. When a conversation comes to humans (a handoff, or a visitor starting
one in the web widget), its first answer is due within the inbox's reminder time (default two
minutes). If none has come by then, the inbox's agents are reminded (an alert: e-mail and
sound) and the visitor is offered to leave an e-mail address; once an agent answers, the
transcript goes to that address (services/alert_mail.py)."""

from datetime import datetime, timedelta

from sqlmodel import Session, select

from kiko_livechat.models import Conversation, ConversationStatus, Inbox
from kiko_livechat.models.base import utcnow
from kiko_livechat.realtime import events
from kiko_livechat.realtime.outbox import emit
from kiko_livechat.services import changes
from kiko_livechat.services.activity import record_activity


def expect_answer(conversation: Conversation, inbox: Inbox, *, now: datetime) -> None:
    """The conversation now waits for its first human answer (caller commits)."""
    if inbox.unanswered_after_seconds > 0 and conversation.first_reply_at is None:
        conversation.unanswered_due_at = now + timedelta(seconds=inbox.unanswered_after_seconds)


def is_unanswered(conversation: Conversation) -> bool:
    """Agents were reminded and still nobody has answered (the widget offers the e-mail form)."""
    return conversation.unanswered_at is not None and conversation.first_reply_at is None


def remind_overdue(session: Session, *, now: datetime | None = None, limit: int = 100) -> int:
    """Remind about every conversation whose first answer is overdue (run periodically by every
    worker). Rows are claimed with FOR UPDATE SKIP LOCKED on PostgreSQL, so two workers never
    remind twice. Returns how many reminders went out."""
    now = now or utcnow()
    due = session.exec(
        select(Conversation)
        .where(Conversation.unanswered_due_at <= now)
        .order_by(Conversation.unanswered_due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    reminded = 0
    for conversation in due:
        conversation.unanswered_due_at = None
        # Answered, resolved or given back to the bot meanwhile: nothing to remind about.
        if conversation.status == ConversationStatus.OPEN and conversation.first_reply_at is None:
            conversation.unanswered_at = now
            waited = max(1, round((now - (conversation.waiting_since or conversation.created_at)).total_seconds() / 60))
            record_activity(session, conversation, "activity.unanswered", minutes=waited)
            emit(session, events.changed(conversation, "unanswered"))
            reminded += 1
        session.add(conversation)
    changes.commit(session)
    return reminded
