"""The one place that decides which connected client hears which event.

Agents hear everything of the inboxes they may see in their own account; a visitor hears only
their own conversation, never private notes and never what agents do behind the scenes (but
whether anybody is online in their inbox).
"""

from dataclasses import dataclass

from kiko_livechat.realtime.events import CONVERSATION_UPDATED, MESSAGE_CREATED, PRESENCE, TYPING, ChatEvent, alerted

AGENT = "agent"
VISITOR = "visitor"
# A dashboard tab's alert listener: only events that alert its user, or updates of a
# conversation it counts as unread (read elsewhere, reassigned ...).
ALERTS = "alerts"
# What a visitor's page reacts to: new messages, a status change (e.g. resolved), the agent typing.
_VISITOR_KINDS = {MESSAGE_CREATED, CONVERSATION_UPDATED, TYPING}


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
    if client.account_id != event.account_id or event.inbox_id not in client.inbox_ids:
        return False
    if client.kind == ALERTS:
        # A counted conversation leaves the count only by an update (read, reassigned, status);
        # another message in it changes nothing, and in a busy queue that is most events.
        return (event.kind == CONVERSATION_UPDATED and event.conversation_id in client.watched) or any(
            user_id == client.user_id for user_id, _ in alerted(event)
        )
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
    )
