"""Settings page: the user's profile and password, the account's name and language."""

import reflex as rx

from kiko_livechat.services import alert_mail, alerts, api_access, auth, notification_preferences, profile
from kiko_livechat.state.alerts import AlertState
from kiko_livechat.state.forms import FormFeedback, form_flag
from kiko_livechat.state.session import SessionState, signed_in_only

# A select item needs a non-empty value; this one stands for "follow the account's language".
ACCOUNT_DEFAULT_LOCALE = "account"


class ProfileFormState(FormFeedback, SessionState):
    @rx.event
    @signed_in_only
    async def save(self, form_data: dict):
        self._clear_feedback()
        session_state = await self.get_state(SessionState)
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            locale = form_data.get("locale", "")
            view = profile.update_profile(
                db,
                actor=actor,
                name=form_data.get("name"),
                locale="" if locale == ACCOUNT_DEFAULT_LOCALE else locale,
            )
        if outcome.refused:
            return
        session_state._apply_profile(view)
        self._succeed("settings.saved")


class AccountFormState(FormFeedback, SessionState):
    @rx.event
    @signed_in_only
    async def save(self, form_data: dict):
        self._clear_feedback()
        session_state = await self.get_state(SessionState)
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            view = profile.update_account(db, actor=actor, name=form_data.get("name"), locale=form_data.get("locale"))
        if outcome.refused:
            return
        session_state._apply_profile(view)
        self._succeed("settings.saved")


class PasswordFormState(FormFeedback, SessionState):
    @rx.event
    @signed_in_only
    async def save(self, form_data: dict):
        self._clear_feedback()
        if form_data.get("new_password") != form_data.get("confirm_password"):
            self._fail_code("error.password_mismatch", "confirm_password")
            return
        session_state = await self.get_state(SessionState)
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            token = auth.change_password(
                db,
                actor=actor,
                current_password=form_data.get("current_password"),
                new_password=form_data.get("new_password"),
            )
            # The old session ended with all others (a thief of it is out too); the page hands
            # the new one to the cookie and reloads on it.
            session_state._hand_over(db, token)
        if outcome.refused:
            return
        self._succeed("settings.password.changed")
        return rx.set_value("current_password", "")


class PersonalTokenState(FormFeedback, SessionState):
    """The user's personal API token for integrations: generated on request, shown once."""

    new_token: str = ""

    @rx.event
    @signed_in_only
    async def forget(self):
        """on_load of the settings page: a token shown once is not shown again after a reload
        (the tab's state outlives the page)."""
        self.new_token = ""
        self._check_session()

    @rx.event
    @signed_in_only
    async def generate(self):
        self._clear_feedback()
        self.new_token = ""
        with self._as_actor() as (db, actor):
            self.new_token = api_access.issue_personal_token(db, actor=actor)


class AlertPreferencesState(FormFeedback, SessionState):
    """The agent's alert preferences: e-mail and sound per alert kind, tone, behaviour."""

    email: list[str] = []
    sound: list[str] = []
    tone: str = notification_preferences.DEFAULT_TONE
    sound_when_visible: bool = True
    repeat_unread: bool = True
    desktop: bool = False
    email_enabled: bool = False
    shown_count: int = 0

    @rx.event
    @signed_in_only
    async def load(self):
        self._clear_feedback()
        with self._as_actor() as (db, actor):
            self._show(notification_preferences.get_preferences(db, actor=actor))
        self.email_enabled = alert_mail.email_enabled()

    def _show(self, current) -> None:
        self.email, self.sound, self.tone = list(current.email), list(current.sound), current.tone
        self.sound_when_visible, self.repeat_unread, self.desktop = (
            current.sound_when_visible,
            current.repeat_unread,
            current.desktop,
        )
        self.shown_count += 1

    @rx.event
    @signed_in_only
    async def save(self, form_data: dict):
        self._clear_feedback()
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            saved = notification_preferences.save_preferences(
                db,
                actor=actor,
                email=[kind for kind in alerts.KINDS if form_flag(form_data, f"email_{kind}")],
                sound=[kind for kind in alerts.KINDS if form_flag(form_data, f"sound_{kind}")],
                tone=form_data.get("tone", notification_preferences.DEFAULT_TONE),
                sound_when_visible=form_flag(form_data, "sound_when_visible"),
                repeat_unread=form_flag(form_data, "repeat_unread"),
                desktop=form_flag(form_data, "desktop"),
            )
        if outcome.refused:
            return None
        self._show(saved)
        self._succeed("settings.saved")
        return AlertState.start  # this tab's sound follows the new preferences at once
