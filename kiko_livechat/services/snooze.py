"""Snoozing a conversation until a time the agent picks in their own time zone: the presets
("tomorrow 9:00", "next Monday 9:00", "in 1 hour") and a typed date and time. The wall-clock
time is read in the browser's zone and stored in UTC; the status machine refuses a time in the
past or more than a year ahead. The snooze ends by the worker (conversations.wake_snoozed)
or when the visitor writes (status_machine.on_visitor_message)."""

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from sqlmodel import Session

from kiko_livechat.models.base import utcnow
from kiko_livechat.services import conversations
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.errors import ValidationFailed

PRESETS = ("in_one_hour", "tomorrow", "next_week")
# Where the browser names no zone (or one this server does not know).
DEFAULT_ZONE = "Europe/Berlin"
MORNING = time(9, 0)


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def clean_time_zone(name: object) -> str:
    """The browser's IANA zone name when the server knows it (never a path ZoneInfo would open
    for an arbitrary string), else DEFAULT_ZONE."""
    return name if isinstance(name, str) and name in _known_zones() else DEFAULT_ZONE


def _at_morning(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, MORNING, tzinfo=zone)


def preset_time(preset: object, *, now: datetime, time_zone: str) -> datetime:
    """When a preset ends, as an aware time in the agent's zone: in one hour; tomorrow at 9:00;
    the coming week's Monday at 9:00 (on a Monday: the Monday after)."""
    zone = ZoneInfo(clean_time_zone(time_zone))
    local = now.astimezone(zone)
    if preset == "in_one_hour":
        return local + timedelta(hours=1)
    if preset == "tomorrow":
        return _at_morning(local.date() + timedelta(days=1), zone)
    if preset == "next_week":
        return _at_morning(local.date() + timedelta(days=7 - local.weekday()), zone)
    raise ValidationFailed("snooze.error.preset", field="snoozed_until")


def local_time(text: object, *, time_zone: str) -> datetime:
    """A date and time as typed into a datetime-local field ("2026-12-24T09:30"), in the
    agent's zone. Refused when it is no such time."""
    if not isinstance(text, str) or not text.strip() or len(text) > 40:
        raise ValidationFailed("conversations.error.snooze_time", field="snoozed_until")
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed("conversations.error.snooze_time", field="snoozed_until") from None
    if parsed.tzinfo is not None:  # a field sends none; an offset typed by hand is not the agent's zone
        raise ValidationFailed("conversations.error.snooze_time", field="snoozed_until")
    return parsed.replace(tzinfo=ZoneInfo(clean_time_zone(time_zone)))


def snooze(
    session: Session,
    *,
    actor: Actor,
    conversation_id: object,
    time_zone: object,
    preset: object = None,
    local: object = None,
    now: datetime | None = None,
) -> datetime:
    """Snooze the conversation until a preset's time or the typed `local` time, both in the
    agent's `time_zone`; returns the end (UTC). Nothing changes when it is refused."""
    now = now or utcnow()
    zone = clean_time_zone(time_zone)
    until = preset_time(preset, now=now, time_zone=zone) if preset is not None else local_time(local, time_zone=zone)
    until = until.astimezone(ZoneInfo("UTC"))
    conversations.set_status(
        session, actor=actor, conversation_id=conversation_id, status="snoozed", snoozed_until=until, now=now
    )
    return until
