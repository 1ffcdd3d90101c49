"""The labels shown on conversations (list rows, the conversation header): title and colour,
read for a whole page of conversations in one query. Loading only: callers pass conversations
they have already resolved for the actor."""

from dataclasses import dataclass

from sqlmodel import Session, select

from kiko_livechat.models import ConversationLabel, Label


@dataclass(frozen=True)
class LabelChip:
    label_id: int
    title: str
    color: str


def chips_of(session: Session, conversation_ids: list[int]) -> dict[int, tuple[LabelChip, ...]]:
    """Each conversation's labels, sorted by title (conversations without labels are left out)."""
    if not conversation_ids:
        return {}
    rows = session.exec(
        select(ConversationLabel.conversation_id, Label.id, Label.title, Label.color)
        .join(Label, Label.id == ConversationLabel.label_id)
        .where(ConversationLabel.conversation_id.in_(conversation_ids))
        .order_by(Label.title)
    ).all()
    found: dict[int, list[LabelChip]] = {}
    for conversation_id, label_id, title, color in rows:
        found.setdefault(conversation_id, []).append(LabelChip(label_id, title, color))
    return {conversation_id: tuple(chips) for conversation_id, chips in found.items()}
