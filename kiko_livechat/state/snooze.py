"""The snooze menu of the conversation page and the agent's time zone, which the browser tells
(Intl.DateTimeFormat) and the server checks: presets and typed times are read in it, and the
list shows wake-up times in it."""

from datetime import datetime

import reflex as rx
from babel.dates import format_datetime as babel_datetime

from kiko_livechat.models.base import utcnow
from kiko_livechat.services import snooze
from kiko_livechat.state.conversation import ConversationState
from kiko_livechat.state.forms import FormFeedback
from kiko_livechat.state.inbox import ConversationListState
from kiko_livechat.state.session import SessionState, signed_in_only

# What the browser runs to name its zone ("Europe/Berlin").
TIME_ZONE_SCRIPT = "Intl.DateTimeFormat().resolvedOptions().timeZone"


class SnoozeState(FormFeedback, SessionState):
    time_zone: str = snooze.DEFAULT_ZONE
    menu_open: bool = False
    # Each preset's time as the agent reads it, as of opening the menu.
    preset_times: dict[str, str] = {}

    @rx.event
    @signed_in_only
    async def set_time_zone(self, name: str):
        """The browser's zone (a name the server does not know: the default). The list's
        wake-up times follow it."""
        self._check_session()
        self.time_zone = snooze.clean_time_zone(name)
        listing = await self.get_state(ConversationListState)
        listing._time_zone = self.time_zone

    @rx.event
    @signed_in_only
    async def open_menu(self, is_open: bool):
        self._check_session()
        self._clear_feedback()
        self.menu_open = bool(is_open)
        if self.menu_open:
            now = utcnow()
            self.preset_times = {
                p: _short(snooze.preset_time(p, now=now, time_zone=self.time_zone), self.locale) for p in snooze.PRESETS
            }

    @rx.event
    @signed_in_only
    async def snooze_preset(self, preset: str):
        await self._snooze(preset=preset)

    @rx.event
    @signed_in_only
    async def snooze_custom(self, form_data: dict):
        await self._snooze(local=form_data.get("until"))

    async def _snooze(self, **choice) -> None:
        """Snooze the page's conversation; done, the menu closes and the page shows it. Refused,
        the menu stays open with the reason and nothing changed."""
        self._clear_feedback()
        conversation = await self.get_state(ConversationState)
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            snooze.snooze(
                db, actor=actor, conversation_id=conversation.conversation_ref, time_zone=self.time_zone, **choice
            )
        if outcome.refused:
            return
        self.menu_open = False
        conversation._refresh()


def _short(value: datetime, locale: str) -> str:
    """A preset's time beside its label, short (no seconds), in the zone it carries."""
    return babel_datetime(value, format="short", tzinfo=value.tzinfo, locale=locale)
