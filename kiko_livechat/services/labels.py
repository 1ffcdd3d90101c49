"""Labels on conversations. Over the API a bot sets a conversation's whole list (as Chatwoot
does); titles are lower-case letters, digits, - and _, unique per account, created on first use."""

import re

from sqlmodel import Session, delete, select

from kiko_livechat.models import ConversationLabel, Label
from kiko_livechat.realtime import events
from kiko_livechat.realtime.outbox import emit
from kiko_livechat.services import changes
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.conversations import visible_conversation
from kiko_livechat.services.errors import ValidationFailed

TITLE = re.compile(r"^[\w-]{1,50}$", re.UNICODE)
LABELS_MAX = 50


def conversation_labels(session: Session, *, actor: Actor, conversation_id: object) -> list[str]:
    conversation = visible_conversation(session, actor=actor, conversation_id=conversation_id)
    return list(
        session.exec(
            select(Label.title)
            .join(ConversationLabel, ConversationLabel.label_id == Label.id)
            .where(ConversationLabel.conversation_id == conversation.id)
            .order_by(Label.title)
        ).all()
    )


def set_conversation_labels(session: Session, *, actor: Actor, conversation_id: object, titles: object) -> list[str]:
    """Replace the conversation's labels with `titles` (missing labels are created)."""
    conversation = visible_conversation(session, actor=actor, conversation_id=conversation_id)
    wanted = _clean_titles(titles)
    existing = {
        label.title: label
        for label in session.exec(select(Label).where(Label.account_id == actor.account_id, Label.title.in_(wanted)))
    }
    for title in wanted:
        if title not in existing:
            existing[title] = Label(account_id=actor.account_id, title=title)
            session.add(existing[title])
    session.flush()
    session.exec(delete(ConversationLabel).where(ConversationLabel.conversation_id == conversation.id))
    for title in wanted:
        session.add(
            ConversationLabel(account_id=actor.account_id, conversation_id=conversation.id, label_id=existing[title].id)
        )
    emit(session, events.changed(conversation, events.LABELS, by=None if actor.is_bot else actor.user_id))
    changes.commit(session)
    return sorted(wanted)


def _clean_titles(titles: object) -> list[str]:
    if not isinstance(titles, list) or len(titles) > LABELS_MAX:
        raise ValidationFailed("labels.error.list", field="labels", max=LABELS_MAX)
    cleaned = []
    for title in titles:
        text = title.strip().lower() if isinstance(title, str) else ""
        if not TITLE.match(text):
            raise ValidationFailed("labels.error.title", field="labels", title=str(title)[:50])
        if text not in cleaned:
            cleaned.append(text)
    return cleaned
