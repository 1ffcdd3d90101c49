"""What happened, as other clients need to hear it. Events carry ids, not content: a receiver
reads the content from the database (by message id), so nothing can be lost or doubled."""

import json
from dataclasses import asdict, dataclass, field

MESSAGE_CREATED = "message_created"
CONVERSATION_CREATED = "conversation_created"
CONVERSATION_UPDATED = "conversation_updated"
TYPING = "typing"
CONTACT_CREATED = "contact_created"
CONTACT_UPDATED = "contact_updated"
# The `changed` field of a conversation update for a handoff (services/handoff.py).
HANDOFF = "handoff"
# `changed` names of updates that only move a read marker: the agents read it (their unread
# counts), the visitor's page showed it (the "seen" ticks; the event carries the time as
# `seen_at`, so a tab shows it without reading the conversation again).
AGENT_SEEN = "agent_seen"
CONTACT_SEEN = "contact_seen"
# What else an update can name without alerting anyone or concerning the visitor.
PRIORITY = "priority"
LABELS = "labels"
# A label on the conversation looks different (its colour): its chips change, its labels do not.
LABEL_LOOK = "label_look"
EMAIL_LEFT = "email_left"
# An agent chose another availability: whether anybody is online in an inbox now. About no
# conversation (conversation_id 0); only that inbox's visitors hear it (realtime/recipients.py).
PRESENCE = "presence"
# A contact import went on by a batch (or ended): only its account's import pages hear it
# (realtime/recipients.py), to read its progress.
IMPORT_PROGRESS = "import_progress"


@dataclass(frozen=True)
class ChatEvent:
    kind: str
    account_id: int
    inbox_id: int
    conversation_id: int
    message_id: int | None = None
    # A private note (or anything about one) never reaches a visitor.
    private: bool = False
    # For TYPING: {"who": "agent" | "visitor", "on": bool, "name": str}. For PRESENCE: {"online": bool}.
    detail: dict = field(default_factory=dict)

    @classmethod
    def about(cls, kind: str, conversation, **extra) -> "ChatEvent":
        """An event about `conversation` (anything with id, account_id and inbox_id)."""
        return cls(
            kind=kind,
            account_id=conversation.account_id,
            inbox_id=conversation.inbox_id,
            conversation_id=conversation.id,
            **extra,
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str | bytes) -> "ChatEvent":
        return cls(**json.loads(text))


def changed(conversation, *fields: str, by: int | None = None) -> ChatEvent:
    """A conversation update naming what changed ("status", "assignee", "team", "handoff") and
    who did it (a user id; None for the system or a bot), for webhooks and alerts. A new
    assignee is named too (`assignee_id`): the other agents' unread counts drop it unread."""
    detail = {"changed": list(fields), "by": by}
    if "assignee" in fields:
        detail["assignee_id"] = conversation.assignee_id
    return ChatEvent.about(CONVERSATION_UPDATED, conversation, detail=detail)


def status_changed(conversation, by: int | None = None) -> ChatEvent:
    """A conversation update whose status changed (webhooks call it conversation_status_changed)."""
    return changed(conversation, "status", by=by)


def agent_seen(conversation) -> ChatEvent:
    """The agents have read the conversation up to now."""
    return changed(conversation, AGENT_SEEN)


def contact_seen(conversation) -> ChatEvent:
    """The visitor's page shows everything up to `conversation.contact_last_seen_at`."""
    return ChatEvent.about(
        CONVERSATION_UPDATED,
        conversation,
        detail={"changed": [CONTACT_SEEN], "by": None, "seen_at": conversation.contact_last_seen_at.isoformat()},
    )


def presence(account_id: int, inbox_id: int, online: bool) -> ChatEvent:
    """Whether any agent of the inbox is online now (the widget's header)."""
    return ChatEvent(
        kind=PRESENCE, account_id=account_id, inbox_id=inbox_id, conversation_id=0, detail={"online": online}
    )


def import_progress(account_id: int, import_id: int) -> ChatEvent:
    """A contact import of the account moved on (services/contact_import.py)."""
    return ChatEvent(
        kind=IMPORT_PROGRESS, account_id=account_id, inbox_id=0, conversation_id=0, detail={"import_id": import_id}
    )


def alerted(event: ChatEvent) -> list[tuple[int, str]]:
    """(user id, alert kind) the event alerts, as services.alerts worked it out before commit."""
    return [(int(user_id), kind) for user_id, kind in event.detail.get("alerts", [])]
