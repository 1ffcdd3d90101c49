"""Activity lines in a conversation ("assigned to Anna", "resolved").

They are stored as a catalog key with parameters, not as text, so every reader sees them in
their own language.
"""

from sqlmodel import Session

from kiko_livechat.models import Conversation, Message, MessageType, SenderType


def record_activity(session: Session, conversation: Conversation, key: str, **params: object) -> Message:
    """Add an activity line to `conversation` (in the caller's transaction)."""
    message = Message(
        account_id=conversation.account_id,
        conversation_id=conversation.id,
        message_type=MessageType.ACTIVITY,
        sender_type=SenderType.SYSTEM,
        content_attributes={"activity": key, "params": params},
    )
    session.add(message)
    return message
