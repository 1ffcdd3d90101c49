"""This tab's alerts, on every dashboard page: which alert just arrived and how many
conversations wait unread. The browser side (assets/alerts.js) reacts to these vars: it plays
the tone, shows a desktop notification and writes the count into the tab title.

Delivery comes from state/live.py like a page's own events, as a second listener of the tab
(realtime/recipients.ALERTS) that hears only what alerts this user or changes their count.
"""

import reflex as rx

from kiko_livechat.i18n import translate
from kiko_livechat.models import Conversation
from kiko_livechat.realtime import events
from kiko_livechat.realtime.recipients import ALERTS, Client
from kiko_livechat.services import alerts, conversations, notification_preferences
from kiko_livechat.services.errors import AuthFailed
from kiko_livechat.state import live
from kiko_livechat.state.session import SessionState, signed_in_only


class AlertState(SessionState):
    # Goes up by one with each alert for this tab; the browser plays once per new value.
    alert_seq: int = 0
    alert_kind: str = ""
    # The conversation's number: the browser stays silent while that conversation is on screen.
    alert_number: str = ""
    alert_title: str = ""
    alert_body: str = ""
    alert_sound: bool = False
    unread: int = 0
    unread_assigned: int = 0
    tone: str = notification_preferences.DEFAULT_TONE
    sound_kinds: list[str] = []
    sound_when_visible: bool = True
    repeat_unread: bool = True
    desktop: bool = False
    _user_id: int = 0
    _inbox_ids: list[int] = []

    @rx.event
    @signed_in_only
    async def start(self, _tick: str = ""):
        """On every dashboard page and on its resync timer: preferences, count, listening."""
        with self._as_actor() as (db, actor):
            prefs = notification_preferences.get_preferences(db, actor=actor)
            inbox_ids = [inbox_id for inbox_id, _ in conversations.visible_inboxes(db, actor=actor)]
            unread = alerts.unread_for(db, actor=actor)
        self.tone, self.sound_kinds = prefs.tone, list(prefs.sound)
        self.sound_when_visible, self.repeat_unread, self.desktop = (
            prefs.sound_when_visible,
            prefs.repeat_unread,
            prefs.desktop,
        )
        self._user_id, self._inbox_ids = actor.user_id, inbox_ids
        self._count(actor.account_id, unread)

    def _count(self, account_id: int, unread: alerts.Unread) -> None:
        self.unread, self.unread_assigned = unread.total, unread.assigned
        # Listen again with the conversations now counted: reading one elsewhere, or its
        # reassignment, must bring the count down here.
        live.register(
            self.router.session.client_token,
            Client(
                kind=ALERTS,
                account_id=account_id,
                inbox_ids=frozenset(self._inbox_ids),
                user_id=self._user_id,
                watched=unread.conversation_ids,
            ),
            AlertState,
        )

    async def _on_chat_event(self, event: events.ChatEvent) -> None:
        kinds = [kind for user_id, kind in events.alerted(event) if user_id == self._user_id]
        try:
            with self._as_actor() as (db, actor):
                unread = alerts.unread_for(db, actor=actor)
                subject = (
                    alerts.subject_of(db, db.get(Conversation, event.conversation_id), self.locale) if kinds else None
                )
        except AuthFailed:  # signed out meanwhile: this tab hears nothing more
            live.unregister(self.router.session.client_token, AlertState)
            return
        self._count(actor.account_id, unread)
        if subject is None:
            return
        kind = kinds[0]
        self.alert_kind = kind
        self.alert_number = str(subject.number)
        self.alert_title = translate(self.locale, f"alert.title.{kind}", who=subject.who)
        self.alert_body = subject.last_message[:200]
        self.alert_sound = kind in self.sound_kinds
        self.alert_seq += 1
