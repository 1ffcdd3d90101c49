"""The conversation status machine: which status may follow which, and what the history says.

No other module sets Conversation.status.
"""

from datetime import datetime

from kiko_livechat.models import Conversation, ConversationStatus
from kiko_livechat.services.errors import ValidationFailed

OPEN = ConversationStatus.OPEN
PENDING = ConversationStatus.PENDING
RESOLVED = ConversationStatus.RESOLVED
SNOOZED = ConversationStatus.SNOOZED

ALLOWED = {
    OPEN: {PENDING, RESOLVED, SNOOZED},
    # Pending: the bot (or nobody yet) holds it; an agent opening it takes it over.
    PENDING: {OPEN, RESOLVED, SNOOZED},
    RESOLVED: {OPEN},
    SNOOZED: {OPEN, PENDING, RESOLVED},
}

# The activity line each transition writes into the conversation (a catalog key).
ACTIVITY = {
    OPEN: "activity.status.open",
    PENDING: "activity.status.pending",
    RESOLVED: "activity.status.resolved",
    SNOOZED: "activity.status.snoozed",
}
REOPENED_BY_VISITOR = "activity.status.reopened_by_visitor"
SNOOZE_ENDED = "activity.status.snooze_ended"


def change_status(
    conversation: Conversation, new_status: object, *, now: datetime, snoozed_until: datetime | None = None
) -> str:
    """Move `conversation` to `new_status`; returns the activity key to record.

    Refuses a transition the machine does not allow, and a snooze without an end in the next year.
    """
    # Only a string can be a status: a list or object from a JSON body is refused, not a crash.
    if not isinstance(new_status, str) or new_status not in ALLOWED or new_status not in ALLOWED[conversation.status]:
        raise ValidationFailed("conversations.error.transition", field="status")
    if new_status == SNOOZED:
        if snoozed_until is None or snoozed_until <= now:
            raise ValidationFailed("conversations.error.snooze_time", field="snoozed_until")
        if snoozed_until > a_year_after(now):  # a mistyped year, not a plan (the API's too)
            raise ValidationFailed("snooze.error.too_far", field="snoozed_until")
        conversation.snoozed_until = snoozed_until
    else:
        conversation.snoozed_until = None
    conversation.status = ConversationStatus(new_status)
    conversation.updated_at = now
    return ACTIVITY[conversation.status]


def on_visitor_message(conversation: Conversation, *, now: datetime) -> str | None:
    """A visitor wrote: a resolved or snoozed conversation is open again (returns the activity
    key), an open or pending one stays as it is (None)."""
    if conversation.status in (RESOLVED, SNOOZED):
        conversation.status = OPEN
        conversation.snoozed_until = None
        conversation.updated_at = now
        return REOPENED_BY_VISITOR
    return None


def end_snooze(conversation: Conversation, *, now: datetime) -> str | None:
    """A snoozed conversation whose time has come is open again (returns the activity key)."""
    if conversation.status != SNOOZED or conversation.snoozed_until is None or conversation.snoozed_until > now:
        return None
    conversation.status = OPEN
    conversation.snoozed_until = None
    conversation.updated_at = now
    return SNOOZE_ENDED


def a_year_after(now: datetime) -> datetime:
    """The latest end a snooze may have: the same day and time next year (28 Feb for 29 Feb)."""
    try:
        return now.replace(year=now.year + 1)
    except ValueError:
        return now.replace(year=now.year + 1, day=28)
