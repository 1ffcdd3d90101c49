"""This tab's alerts, on every dashboard page: which alert just arrived and how many
conversations wait unread. The browser side (assets/alerts.js) reacts to these vars: it plays
the tone, shows a desktop notification and writes the count into the tab title.

Delivery comes from state/live.py like a page's own events, as a second listener of the tab
(realtime/recipients.ALERTS) that hears only what alerts this user or changes their count.
"""

import time

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
    # The conversations in the count (their updates may change it), and those assigned to the user.
    _counted: list[int] = []
    _counted_mine: list[int] = []

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
        self._counted_mine = sorted(unread.assigned_ids)
        self._listen(account_id, unread.conversation_ids)

    def _leaves_count(self, event: events.ChatEvent) -> bool:
        """A counted conversation was read (by anyone: agents share the read marker) or given to
        another agent: it leaves this count, no read needed (the agents' tabs all hear it)."""
        detail = event.detail
        changed = detail.get("changed")
        return (
            event.conversation_id in self._counted
            and self.unread < alerts.UNREAD_LIMIT  # at the cap, more may wait beyond it
            and (
                changed == [events.AGENT_SEEN]
                or (
                    changed == ["assignee"]
                    and detail.get("assignee_id") is not None
                    and detail["assignee_id"] != self._user_id
                )
            )
        )

    def _listen(self, account_id: int, counted: frozenset[int]) -> None:
        # Listen with the conversations now counted: reading one elsewhere, or its
        # reassignment, must bring the count down here.
        self._counted = sorted(counted)
        live.register(
            self.router.session.client_token,
            Client(
                kind=ALERTS,
                account_id=account_id,
                inbox_ids=frozenset(self._inbox_ids),
                user_id=self._user_id,
                watched=counted,
            ),
            AlertState,
            slot=live.ALERTS,
        )

    async def _on_chat_event(self, event: events.ChatEvent) -> None:
        kinds = [kind for user_id, kind in events.alerted(event) if user_id == self._user_id]
        kind = kinds[0] if kinds else None
        try:
            with self._as_actor() as (db, actor):
                # A handoff or a visitor message is unread by definition: counted without a
                # query (a handoff reaches every agent of the inbox at once); one read or given
                # to another agent leaves the count, and a reminder changes nothing unread.
                # Anything else (assigned to this agent, a status ...) is counted afresh.
                taken = kind is None and self._leaves_count(event)
                unread = (
                    None
                    if kind in _UNREAD_BY_DEFINITION or kind in _COUNT_UNCHANGED or taken
                    else alerts.unread_for(db, actor=actor)
                )
                subject = _subject(db, event, self.locale) if kind else None
        except AuthFailed:  # signed out meanwhile: this tab hears nothing more
            live.unregister(self.router.session.client_token, live.ALERTS)
            return
        if unread is not None:
            self._count(actor.account_id, unread)
        elif taken:
            gone = event.conversation_id
            self.unread -= 1
            if gone in self._counted_mine:
                self.unread_assigned -= 1
                self._counted_mine = [c for c in self._counted_mine if c != gone]
            self._listen(actor.account_id, frozenset(c for c in self._counted if c != gone))
        elif kind in _COUNT_UNCHANGED:
            pass
        elif event.conversation_id not in self._counted:
            self.unread += 1
            if kind == alerts.MESSAGE:  # a visitor's message alerts the conversation's assignee
                self.unread_assigned += 1
                self._counted_mine = [*self._counted_mine, event.conversation_id]
            self._listen(actor.account_id, frozenset([*self._counted, event.conversation_id]))
        if subject is None:
            return
        self.alert_kind = kind
        self.alert_number = str(subject.number)
        self.alert_title = translate(self.locale, f"alert.title.{kind}", who=subject.who)
        self.alert_body = subject.last_message[:200]
        self.alert_sound = kind in self.sound_kinds
        self.alert_seq += 1


_UNREAD_BY_DEFINITION = (alerts.HANDOFF, alerts.MESSAGE)
# A reminder that a first answer is overdue: nothing new to read, nothing read.
_COUNT_UNCHANGED = (alerts.UNANSWERED,)
# One event reaches every alerted tab of this worker (all agents of an inbox for a handoff):
# what it is about is read once, not once per tab. Kept briefly, keyed by event and language.
_SUBJECT_SECONDS = 5.0
_subjects: dict[tuple, tuple[float, alerts.Subject]] = {}


def _subject(db, event: events.ChatEvent, locale: str) -> alerts.Subject:
    key = (event.kind, event.conversation_id, event.message_id, tuple(event.detail.get("changed", ())), locale)
    now = time.monotonic()
    cached = _subjects.get(key)
    if cached is not None and now - cached[0] < _SUBJECT_SECONDS:
        return cached[1]
    if len(_subjects) > 1000:
        _subjects.clear()
    subject = alerts.subject_of(db, db.get(Conversation, event.conversation_id), locale)
    _subjects[key] = (now, subject)
    return subject
