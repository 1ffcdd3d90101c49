"""The one place that decides which connected client hears which event.

Agents hear everything of the inboxes they may see in their own account; a visitor hears only
their own conversation, never private notes and never what agents do behind the scenes (but
whether anybody is online in their inbox).
"""

from dataclasses import dataclass

from kiko_livechat.realtime.events import (
    AGENT_SEEN,
    CONTACT_SEEN,
    CONVERSATION_UPDATED,
    EMAIL_LEFT,
    IMPORT_PROGRESS,
    LABEL_LOOK,
    LABELS,
    MESSAGE_CREATED,
    PRESENCE,
    PRIORITY,
    TYPING,
    ChatEvent,
    alerted,
)

AGENT = "agent"
VISITOR = "visitor"
# A dashboard tab's alert listener: only events that alert its user, or updates of a
# conversation it counts as unread (read elsewhere, reassigned ...).
ALERTS = "alerts"
# An administrator's contact import page: hears its account's import progress, nothing else.
IMPORTS = "imports"
# What a visitor's page reacts to: new messages, a status change (e.g. resolved), the agent typing.
_VISITOR_KINDS = {MESSAGE_CREATED, CONVERSATION_UPDATED, TYPING}
# Updates that change nothing a visitor's page shows (an agent's read marker comes with every
# message an agent looks at: the visitor's tab need not even wake up for it) ...
_NOT_FOR_VISITOR = frozenset({AGENT_SEEN, CONTACT_SEEN, PRIORITY, LABELS, LABEL_LOOK, EMAIL_LEFT})
# ... and those that change no unread count (the visitor's read marker comes with every answer).
_NOT_FOR_UNREAD = frozenset({CONTACT_SEEN, PRIORITY, LABELS, LABEL_LOOK, EMAIL_LEFT})


@dataclass(frozen=True)
class Client:
    kind: str
    account_id: int
    # Agents: the inboxes they may see. Visitors: their conversation's inbox.
    inbox_ids: frozenset[int]
    # Visitors: their own conversation (None before the first message). Agents: the one
    # conversation their page shows (None: every conversation of their inboxes, e.g. the list).
    conversation_id: int | None = None
    user_id: int | None = None
    # Alert listeners: the conversations they count as unread.
    watched: frozenset[int] = frozenset()


def receives(client: Client, event: ChatEvent) -> bool:
    if event.kind == IMPORT_PROGRESS or client.kind == IMPORTS:
        return event.kind == IMPORT_PROGRESS and client.kind == IMPORTS and client.account_id == event.account_id
    if client.account_id != event.account_id or event.inbox_id not in client.inbox_ids:
        return False
    if client.kind == ALERTS:
        # A counted conversation leaves the count only by an update (read, reassigned, status);
        # another message in it changes nothing, and in a busy queue that is most events.
        return (
            event.kind == CONVERSATION_UPDATED
            and event.conversation_id in client.watched
            and not _only(event, _NOT_FOR_UNREAD)
        ) or any(user_id == client.user_id for user_id, _ in alerted(event))
    if event.kind == PRESENCE:
        # Whether anybody is online is for the widget's header; it carries no one's data.
        return client.kind == VISITOR
    if client.kind == AGENT:
        if client.conversation_id is not None and event.conversation_id != client.conversation_id:
            return False
        # An agent's own typing is not echoed back to them.
        return not (event.kind == TYPING and event.detail.get("user_id") == client.user_id)
    return (
        client.kind == VISITOR
        and event.conversation_id == client.conversation_id
        and not event.private
        and event.kind in _VISITOR_KINDS
        and not (event.kind == TYPING and event.detail.get("who") == VISITOR)
        and not (event.kind == CONVERSATION_UPDATED and _only(event, _NOT_FOR_VISITOR))
    )


def _only(event: ChatEvent, changes: frozenset[str]) -> bool:
    """The update names what changed, and nothing outside `changes`."""
    what = event.detail.get("changed") or ()
    return bool(what) and changes.issuperset(what)
