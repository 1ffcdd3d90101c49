"""Each agent's alert preferences in an account: per alert kind e-mail and sound, the tone,
sound also while the tab is visible, repeating while an assigned conversation stays unread,
desktop notifications. Until someone changes them, the defaults apply."""

from dataclasses import dataclass

from sqlmodel import Session, select

from kiko_livechat.models import NotificationPreference
from kiko_livechat.services import alerts
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.errors import ValidationFailed

TONES = ("bell", "chime", "pop")
DEFAULT_TONE = "bell"


@dataclass(frozen=True)
class Preferences:
    email: tuple[str, ...]
    sound: tuple[str, ...]
    tone: str
    sound_when_visible: bool
    repeat_unread: bool
    desktop: bool


DEFAULTS = Preferences(
    email=alerts.DEFAULT_EMAIL,
    sound=alerts.DEFAULT_SOUND,
    tone=DEFAULT_TONE,
    # Chatwoot plays sounds only while the tab is hidden; agents miss alerts that way.
    sound_when_visible=True,
    repeat_unread=True,
    desktop=False,
)


def preferences_of(session: Session, *, account_id: int, user_id: int) -> Preferences:
    """The stored preferences of a user in an account, or the defaults."""
    row = _row(session, account_id, user_id)
    if row is None:
        return DEFAULTS
    return Preferences(
        email=tuple(row.email_events),
        sound=tuple(row.sound_events),
        tone=row.sound_tone,
        sound_when_visible=row.sound_when_visible,
        repeat_unread=row.repeat_unread,
        desktop=row.desktop_enabled,
    )


def email_kinds_of(session: Session, people: set[tuple[int, int]]) -> dict[tuple[int, int], tuple[str, ...]]:
    """For each (account id, user id), the alert kinds they want by e-mail, in one query."""
    if not people:
        return {}
    rows = session.exec(
        select(
            NotificationPreference.account_id, NotificationPreference.user_id, NotificationPreference.email_events
        ).where(NotificationPreference.user_id.in_({user_id for _, user_id in people}))
    ).all()
    stored = {(account_id, user_id): tuple(kinds) for account_id, user_id, kinds in rows}
    return {person: stored.get(person, DEFAULTS.email) for person in people}


def get_preferences(session: Session, *, actor: Actor) -> Preferences:
    return preferences_of(session, account_id=actor.account_id, user_id=actor.user_id)


def save_preferences(
    session: Session,
    *,
    actor: Actor,
    email: object,
    sound: object,
    tone: object,
    sound_when_visible: object,
    repeat_unread: object,
    desktop: object,
) -> Preferences:
    """Store the actor's preferences (all of them; unknown kinds or tones are refused)."""
    for field, kinds in (("email", email), ("sound", sound)):
        if not isinstance(kinds, list | tuple) or any(kind not in alerts.KINDS for kind in kinds):
            raise ValidationFailed("error.invalid_choice", field=field)
    if tone not in TONES:
        raise ValidationFailed("error.invalid_choice", field="tone")
    row = _row(session, actor.account_id, actor.user_id) or NotificationPreference(
        account_id=actor.account_id, user_id=actor.user_id
    )
    row.email_events = [kind for kind in alerts.KINDS if kind in email]
    row.sound_events = [kind for kind in alerts.KINDS if kind in sound]
    row.sound_tone = tone
    row.sound_when_visible = bool(sound_when_visible)
    row.repeat_unread = bool(repeat_unread)
    row.desktop_enabled = bool(desktop)
    session.add(row)
    session.commit()
    return get_preferences(session, actor=actor)


def _row(session: Session, account_id: int, user_id: int) -> NotificationPreference | None:
    return session.exec(
        select(NotificationPreference).where(
            NotificationPreference.account_id == account_id, NotificationPreference.user_id == user_id
        )
    ).first()
