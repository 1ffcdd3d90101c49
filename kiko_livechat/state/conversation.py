"""One conversation as an agent works it: history, reply or private note, status, assignment,
the contact panel; new messages arrive live and are marked read while the agent looks."""

import uuid
from datetime import datetime
from typing import TypedDict

import reflex as rx

from kiko_livechat.db import session_scope
from kiko_livechat.i18n import format_datetime, translate
from kiko_livechat.i18n.aliases import display_name
from kiko_livechat.models import MessageType
from kiko_livechat.realtime import events
from kiko_livechat.realtime.recipients import AGENT, Client
from kiko_livechat.services import conversations
from kiko_livechat.services.errors import NotFound
from kiko_livechat.services.messages import MessageView
from kiko_livechat.state import live
from kiko_livechat.state.attachments import FileRow, file_rows, relocalized, sent_ids
from kiko_livechat.state.forms import FormFeedback, as_id
from kiko_livechat.state.routing import route_arg
from kiko_livechat.state.session import SessionState, checked_actor, signed_in_only
from kiko_livechat.state.typing import TypingSender

NOBODY = "nobody"


class MessageRow(TypedDict):
    id: str
    kind: str
    sender: str
    private: str
    text: str
    time: str
    seen: str
    files: list[FileRow]


class ConversationState(TypingSender, FormFeedback, SessionState):
    found: bool = True
    number: str = ""
    conversation_ref: int = 0
    alias_key: str = ""
    status: str = ""
    inbox_name: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    earlier: list[dict[str, str]] = []
    # The conversation's labels (id, title, colour): chips in the header, refreshed with it.
    labels: list[dict[str, str]] = []
    assignee_ref: str = NOBODY
    team_ref: str = NOBODY
    agent_options: list[dict[str, str]] = []
    team_options: list[dict[str, str]] = []
    note_mode: bool = False
    visitor_typing: bool = False
    # Goes up with every "on" from the visitor: the line's clock starts again (components/chat.py).
    typing_seq: int = 0
    draft_id: str = ""
    # Goes up with every message sent from this tab: the composer's script empties its file tray.
    sent_count: int = 0
    _snoozed_until: datetime | None = None
    _contact_seen_at: datetime | None = None
    _messages: list[dict] = []

    @rx.var
    def title(self) -> str:
        return display_name(self.contact_name, self.alias_key, self.locale)

    @rx.var
    def messages(self) -> list[MessageRow]:
        return [
            {
                "id": m["id"],
                "kind": m["kind"],
                "sender": m["sender"],
                "private": "yes" if m["private"] else "",
                "text": translate(self.locale, m["activity"], **m["params"]) if m["activity"] else m["content"],
                "time": format_datetime(m["created_at"], self.locale),
                # Read marker: a reply the visitor's page has shown.
                "seen": "yes"
                if m["kind"] == "agent" and not m["private"] and self._seen_by_visitor(m["created_at"])
                else "",
                "files": relocalized(m["files"], self.locale),
            }
            for m in self._messages
        ]

    def _seen_by_visitor(self, created_at: datetime) -> bool:
        return self._contact_seen_at is not None and created_at <= self._contact_seen_at

    @rx.event
    @signed_in_only
    async def load(self):
        self._clear_feedback()
        self.number = route_arg(self.router, "conversation_number")
        self.draft_id = uuid.uuid4().hex
        self.note_mode = False
        self._messages = []
        try:
            with self._as_actor() as (db, actor):
                detail = conversations.get_conversation(db, actor=actor, display_id=as_id(self.number))
                people, team_rows = conversations.choices(db, actor=actor)
                conversations.mark_read(db, actor=actor, conversation_id=detail.conversation_id)
        except NotFound:
            self.found = False
            return
        self.found = True
        self._show(detail)
        self.agent_options = [{"id": str(i), "name": n} for i, n in people]
        self.team_options = [{"id": str(i), "name": n} for i, n in team_rows]
        self._catch_up()
        self._listen(actor, detail.inbox_id)

    @rx.event
    @signed_in_only
    async def resync(self, _tick: str = ""):
        """Timer: stay registered on this worker and catch up on anything a lost nudge left out."""
        with self._as_actor() as (db, actor):
            if not self.found or not self.conversation_ref:
                return
            detail = conversations.get_conversation(db, actor=actor, display_id=as_id(self.number))
        self._show(detail)
        self._catch_up()
        self._listen(actor, detail.inbox_id)

    def _listen(self, actor, inbox_id: int) -> None:
        live.register(
            self.router.session.client_token,
            Client(
                kind=AGENT,
                account_id=actor.account_id,
                inbox_ids=frozenset({inbox_id}),
                user_id=actor.user_id,
                conversation_id=self.conversation_ref,
            ),
            ConversationState,
        )

    def _show(self, detail: conversations.ConversationDetail) -> None:
        self.conversation_ref = detail.conversation_id
        self.alias_key = detail.alias_key
        self.status = detail.status
        self._snoozed_until = detail.snoozed_until
        self._contact_seen_at = detail.contact_last_seen_at
        self.inbox_name = detail.inbox_name
        self.contact_name, self.contact_email, self.contact_phone = (
            detail.contact_name,
            detail.contact_email,
            detail.contact_phone,
        )
        self.assignee_ref = str(detail.assignee_id) if detail.assignee_id else NOBODY
        self.labels = [{"id": str(c.label_id), "title": c.title, "color": c.color} for c in detail.labels]
        self.team_ref = str(detail.team_id) if detail.team_id else NOBODY
        self.earlier = [
            {"number": str(e.display_id), "status": e.status, "created": format_datetime(e.created_at, self.locale)}
            for e in detail.earlier
        ]

    def _append(self, views: list[MessageView]) -> None:
        known = {m["id"] for m in self._messages}
        fresh = [
            {
                "id": str(v.message_id),
                "kind": "activity" if v.message_type == MessageType.ACTIVITY else v.sender_type,
                "sender": v.sender_name,
                "private": v.private,
                "content": v.content,
                "activity": v.activity,
                "params": v.activity_params,
                "created_at": v.created_at,
                "files": file_rows(v.attachments, self.locale),
            }
            for v in views
            if str(v.message_id) not in known
        ]
        if fresh:
            self._messages = self._messages + fresh

    def _catch_up(self, after_id: int | None = None) -> None:
        """Everything after the last message this tab has (or after `after_id`): after a
        reconnect or a missed nudge too."""
        last = int(self._messages[-1]["id"]) if self._messages else 0
        if after_id is not None:
            last = min(last, after_id)
        with self._as_actor() as (db, actor):
            self._append(
                conversations.conversation_messages(
                    db, actor=actor, conversation_id=self.conversation_ref, after_id=last
                )
            )

    def _refresh(self) -> None:
        with self._as_actor() as (db, actor):
            self._show(conversations.get_conversation(db, actor=actor, display_id=as_id(self.number)))
        self._catch_up()

    async def _on_chat_event(self, event: events.ChatEvent) -> None:
        if event.conversation_id != self.conversation_ref:
            return
        if event.kind == events.TYPING:
            self.visitor_typing = bool(event.detail.get("on")) and event.detail.get("who") == "visitor"
            self.typing_seq += 1
            return
        if event.kind != events.MESSAGE_CREATED:
            self._on_update(event)
            return
        if event.message_id and any(m["id"] == str(event.message_id) for m in self._messages):
            return  # e.g. this agent's own reply, shown when it was sent
        self.visitor_typing = False
        before = len(self._messages)
        # Everything after what this tab has, and the message named, should it have committed
        # after a newer one (PostgreSQL hands out ids before the commits that order them).
        self._catch_up(event.message_id - 1 if event.message_id else None)
        # An activity line (reopened, assigned ...) means the header changed too.
        if any(m["kind"] == "activity" for m in self._messages[before:]):
            self._refresh()
        # The agent is looking at it: read. Written after this update reaches the screen.
        live.run_soon(_mark_read, self._token(), self.conversation_ref)

    def _on_update(self, event: events.ChatEvent) -> None:
        """A change of the conversation: read markers need no read, the rest reloads the header."""
        what = event.detail.get("changed") or ()
        if what == [events.AGENT_SEEN]:
            return  # nothing on this page shows whether the agents have read it
        if what == [events.CONTACT_SEEN] and event.detail.get("seen_at"):
            # Only the "seen" ticks move, to a time the event carries (the tab's session is
            # checked by every read, and at the latest by its next resync).
            self._contact_seen_at = datetime.fromisoformat(event.detail["seen_at"])
            return
        self._refresh()

    @rx.event
    @signed_in_only
    async def send(self, form_data: dict):
        self._clear_feedback()
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            conversations.send_reply(
                db,
                actor=actor,
                conversation_id=self.conversation_ref,
                content=form_data.get("content"),
                private=self.note_mode,
                echo_id=self.draft_id,
                attachments=sent_ids(form_data),
            )
            if self._typing_ended():  # however it was sent (Enter, the button): typing ends with it
                conversations.agent_typing(db, actor=actor, conversation_id=self.conversation_ref, on=False)
        if outcome.refused:
            return None
        self.draft_id = uuid.uuid4().hex
        self.sent_count += 1
        self._catch_up()
        return rx.set_value("composer", "")

    @rx.event
    @signed_in_only
    async def toggle_note(self):
        self._check_session()
        self.note_mode = not self.note_mode

    @rx.event
    @signed_in_only
    async def change_status(self, status: str):
        self._clear_feedback()
        with self._reporting(), self._as_actor() as (db, actor):
            conversations.set_status(db, actor=actor, conversation_id=self.conversation_ref, status=status)
        self._refresh()

    @rx.event
    @signed_in_only
    async def assign_agent(self, assignee_ref: str):
        await self._assign(assignee_id=None if assignee_ref == NOBODY else as_id(assignee_ref))

    @rx.event
    @signed_in_only
    async def assign_to_me(self):
        with self._as_actor() as (_, actor):
            me = actor.user_id
        await self._assign(assignee_id=me)

    @rx.event
    @signed_in_only
    async def assign_team(self, team_ref: str):
        if team_ref == NOBODY:
            return
        await self._assign(assignee_id=as_id(self.assignee_ref), team_id=as_id(team_ref))

    async def _assign(self, **change) -> None:
        self._clear_feedback()
        change.setdefault("assignee_id", as_id(self.assignee_ref))
        with self._reporting(), self._as_actor() as (db, actor):
            conversations.assign(db, actor=actor, conversation_id=self.conversation_ref, **change)
        self._refresh()

    @rx.event
    @signed_in_only
    async def typing(self, text: str):
        """The composer changed or was left: the visitor sees "is typing" (not for private notes)."""
        with self._as_actor() as (db, actor):
            on = self._typing_signal(text and not self.note_mode) if self.conversation_ref else None
            if on is not None:  # e.g. leaving a field nobody typed in tells nobody anything
                conversations.agent_typing(db, actor=actor, conversation_id=self.conversation_ref, on=on)


def _mark_read(session_token: str, conversation_id: int) -> None:
    with session_scope() as db:
        actor = checked_actor(db, session_token)
        conversations.mark_read(db, actor=actor, conversation_id=conversation_id)
