"""The visitor's chat page inside the website's iframe. The visitor token in the iframe's
localStorage is the only credential; it never gives access to anything but this conversation."""

import time
import uuid
from typing import TypedDict
from urllib.parse import quote

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.db import session_scope
from kiko_livechat.i18n import SUPPORTED_LOCALES, format_time, negotiate, translate
from kiko_livechat.models import MessageType
from kiko_livechat.realtime import events
from kiko_livechat.realtime.recipients import VISITOR, Client
from kiko_livechat.services import attachment_links, presence, unanswered, visitor_chat
from kiko_livechat.services.errors import ServiceError
from kiko_livechat.services.messages import MessageView
from kiko_livechat.state import live
from kiko_livechat.state.attachments import FileRow, file_rows, relocalized, sent_ids
from kiko_livechat.state.forms import FormFeedback
from kiko_livechat.state.i18n import VisitorTexts
from kiko_livechat.state.routing import route_arg
from kiko_livechat.state.typing import TypingSender

# Whether anybody is online, per inbox, as this worker last read it: the visitors it holds share
# it, so hundreds of idle visitors of one shop cost one query per ONLINE_TTL_SECONDS on their
# resync timer, not one each. A choice an agent makes reaches them at once as a presence event
# (which carries the answer); the timer only catches a tab that closed (the grace runs out).
ONLINE_TTL_SECONDS = live.RESYNC_SECONDS / 2
# The chat page shows the conversation's newest messages, at most this many: each message sends
# the page's whole list (Reflex's delta carries a var whole), and a tab keeps them in memory.
WIDGET_HISTORY = 200
_online: dict[int, tuple[float, bool]] = {}


class WidgetMessage(TypedDict):
    id: str
    mine: bool
    sender: str
    content: str
    time: str
    files: list[FileRow]


# Not below AppState: a visitor's tab gets this state and its own texts only (state/sides.py).
class WidgetState(TypingSender, FormFeedback, VisitorTexts, rx.State):
    visitor_token: str = rx.LocalStorage("", name="kiko_visitor", sync=True)
    loaded: bool = False
    unknown: bool = False
    inbox_name: str = ""
    greeting: str = ""
    color: str = "#1f6feb"
    blocked: str = ""
    agents_online: bool = True
    # The agent the visitor talks to (assigned, else the last to answer); "" for none yet.
    agent_name: str = ""
    # A dashboard tab of that agent reports: they are there for this visitor.
    agent_here: bool = False
    # A human has answered: no more offer to leave an e-mail address.
    answered: bool = False
    conversation_ref: int = 0
    status: str = ""
    agent_typing: str = ""
    # Goes up with every "on" from an agent: the line's clock starts again (components/chat.py).
    typing_seq: int = 0
    email_left: bool = False
    # Nobody answered in the inbox's time: the visitor is offered to leave an e-mail address.
    unanswered: bool = False
    # Sent with each message; a resend of the same draft (after a reconnect) is stored once.
    draft_id: str = ""
    # Goes up with every message sent: the composer's script empties its file tray.
    sent_count: int = 0
    # Where the composer's script uploads the visitor's files (assets/attach.js).
    upload_url: str = ""
    _inbox_token: str = ""
    _inbox_id: int = 0
    _account_id: int = 0
    # The visitor as checked once by their tokens (services/visitor_chat.py): the handlers pass
    # it along, so a message costs no lookups of the inbox and the visitor.
    _visitor: visitor_chat.Visitor | None = None
    # Every message up to this id has been read (shown, or an activity line the widget skips).
    _read_upto: int = 0
    _messages: list[dict] = []

    @rx.var
    def messages(self) -> list[WidgetMessage]:
        # Each message's time (and its files' sizes) was written when it arrived; only a change
        # of language rewrites them.
        return [
            m
            if m["locale"] == self.locale
            else {
                **m,
                "time": format_time(m["created_at"], self.locale),
                "files": relocalized(m["files"], self.locale),
            }
            for m in self._messages
        ]

    @rx.var
    def online(self) -> bool:
        return self.agents_online or (self.agent_name != "" and self.agent_here)

    @rx.var
    def agent_initial(self) -> str:
        return self.agent_name[:1].upper()

    @rx.var
    def incoming(self) -> int:
        """Agent and bot messages shown: the embed script counts the new ones while closed."""
        return sum(1 for m in self._messages if not m["mine"])

    @rx.event
    def open_widget(self):
        """on_load: the inbox of the URL, the visitor's language, their ongoing conversation."""
        self._inbox_token = route_arg(self.router, "inbox_token")
        self.upload_url = routes.WIDGET_UPLOADS.format(inbox_token=quote(self._inbox_token, safe=""))
        if len(self.visitor_token) < 16:
            self.visitor_token = visitor_chat.new_visitor_token()
        self.draft_id = uuid.uuid4().hex
        try:
            with session_scope() as db:
                inbox = visitor_chat.widget_inbox(db, public_token=self._inbox_token)
                self._visitor = visitor_chat.identify(
                    db, public_token=self._inbox_token, visitor_token=self.visitor_token
                )
                conversation = visitor_chat.current_conversation(db, **self._credentials())
                history = (
                    visitor_chat.visitor_messages(db, **self._credentials(), conversation_id=conversation.id)
                    if conversation
                    else []
                )
                links = _links(db, history)
        except ServiceError:
            self.unknown = True
            self.loaded = True
            return
        requested = self.router.url.query_parameters.get("locale", "")
        self._use_locale(
            requested
            if requested in SUPPORTED_LOCALES
            else negotiate(self.router.headers.accept_language, inbox.locale)
        )
        self.inbox_name, self.greeting, self.color = inbox.name, inbox.greeting, inbox.widget_color
        self.blocked = inbox.blocked or ""
        self.agents_online = inbox.agents_online
        self._inbox_id, self._account_id = inbox.inbox_id, inbox.account_id
        self.conversation_ref = conversation.id if conversation else 0
        self.status = conversation.status if conversation else ""
        self.unanswered = conversation is not None and unanswered.is_unanswered(conversation)
        # An address left earlier (another page load) is not asked for again.
        self.email_left = conversation is not None and conversation.email_requested_at is not None
        self._messages = []
        self._read_upto = 0
        self._append(history, links)
        _online[self._inbox_id] = (time.monotonic(), inbox.agents_online)
        self._show_agent()
        self.loaded = True
        self._listen()

    def _credentials(self) -> dict:
        """Who this tab's visitor is, for the services: the tokens, and what was checked of them."""
        return {"public_token": self._inbox_token, "visitor_token": self.visitor_token, "visitor": self._visitor}

    def _listen(self) -> None:
        live.register(
            self.router.session.client_token,
            Client(
                kind=VISITOR,
                account_id=self._account_id,
                inbox_ids=frozenset({self._inbox_id}),
                conversation_id=self.conversation_ref or None,
            ),
            WidgetState,
        )

    def _append(self, views: list[MessageView], links: dict[int, tuple[str, str]] | None = None) -> None:
        """Add what a read found; `links`: the signed links of their files (`_links`, read in
        the same session as the messages)."""
        if views:
            self._read_upto = max(self._read_upto, max(v.message_id for v in views))
        known = {m["id"] for m in self._messages}
        fresh = [
            {
                "id": str(v.message_id),
                "mine": v.sender_type == "contact",
                "sender": v.sender_name,
                "content": v.content,
                "created_at": v.created_at,
                "time": format_time(v.created_at, self.locale),
                "locale": self.locale,
                "files": file_rows(v.attachments, self.locale, links or {}),
            }
            for v in views
            if v.message_type != MessageType.ACTIVITY and str(v.message_id) not in known
        ]
        if fresh:
            shown = self._messages + fresh
            if self._messages and int(fresh[0]["id"]) < int(self._messages[-1]["id"]):
                shown.sort(key=lambda m: int(m["id"]))  # a message that committed late goes in its place
            self._messages = shown[-WIDGET_HISTORY:]

    def _shows(self, message_id: int) -> bool:
        return any(m["id"] == str(message_id) for m in self._messages)

    def _catch_up(self, after_id: int | None = None) -> None:
        """Read what is new since everything read so far (or since `after_id`); if anything came
        from the agents, tell them (after this update) that it was seen."""
        if not self.conversation_ref:
            return
        with session_scope() as db:
            views = visitor_chat.visitor_messages(
                db,
                **self._credentials(),
                conversation_id=self.conversation_ref,
                after_id=self._read_upto if after_id is None else after_id,
            )
            links = _links(db, views)
        self._caught_up(views, links)

    def _caught_up(self, views: list[MessageView], links: dict[int, tuple[str, str]]) -> None:
        """Show what a read found; answers change the header and are marked seen."""
        self._append(views, links)
        answers = [v for v in views if v.sender_type == "agent" and v.message_type == MessageType.OUTGOING]
        if answers:
            self.unanswered = False
            # Who answered, now "online" in the header; the same agent again changes nothing.
            if not (self.answered and self.agent_name == answers[-1].sender_name):
                self._show_agent()
        if any(v.sender_type != "contact" for v in views):
            live.run_soon(_mark_seen, self._credentials(), self.conversation_ref)

    @rx.event
    def resync(self, _tick: str = ""):
        """Timer: stay registered on this worker and pick up anything a lost nudge left out."""
        if not self.loaded or self.unknown:
            return
        self._listen()
        try:
            self._catch_up()
            self._refresh_online()
            self._show_agent()  # their tab may have closed meanwhile
        except ServiceError:
            pass

    def _refresh_online(self) -> None:
        seen = _online.get(self._inbox_id)
        if seen is None or time.monotonic() - seen[0] > ONLINE_TTL_SECONDS:
            with session_scope() as db:
                seen = (time.monotonic(), presence.inbox_online(db, inbox_id=self._inbox_id))
            _online[self._inbox_id] = seen
        self.agents_online = seen[1]

    def _show_agent(self) -> None:
        """The header's agent, for a visitor whose conversation is going on."""
        if not self.conversation_ref:
            self.agent_name, self.agent_here, self.answered = "", False, False
            return
        with session_scope() as db:
            agent = visitor_chat.conversation_agent(db, **self._credentials(), conversation_id=self.conversation_ref)
        self.agent_name, self.agent_here, self.answered = agent.name, agent.here, agent.answered

    @rx.event
    def typing(self, text: str):
        """The composer changed or was left: the agents see whether the visitor is typing."""
        if not self.conversation_ref:
            return
        on = self._typing_signal(text)
        if on is not None:
            self._tell_typing(on)

    def _tell_typing(self, on: bool) -> None:
        try:
            with session_scope() as db:
                visitor_chat.visitor_typing(db, **self._credentials(), conversation_id=self.conversation_ref, on=on)
        except ServiceError:
            pass

    @rx.event
    def send(self, form_data: dict):
        """Store the message; the composer empties only once it is committed."""
        self._clear_feedback()
        try:
            with session_scope() as db:
                sent = visitor_chat.send_visitor_message(
                    db,
                    **self._credentials(),
                    content=form_data.get("content"),
                    echo_id=self.draft_id,
                    conversation_id=self.conversation_ref or None,
                    after_id=self._read_upto,
                    attachments=sent_ids(form_data),
                )
                links = _links(db, sent.messages)
        except ServiceError as error:
            self._fail(error)
            return None
        new_conversation = sent.conversation_id != self.conversation_ref
        self._visitor = sent.visitor
        self.conversation_ref = sent.conversation_id
        self.status = sent.status
        self.draft_id = uuid.uuid4().hex
        self.sent_count += 1
        if self._typing_ended():  # however it was sent (Enter, the button): typing ends with it
            self._tell_typing(False)
        if new_conversation:
            self._listen()
            self._show_agent()  # it may have been assigned on arrival
        self._caught_up(list(sent.messages), links)
        return rx.set_value("widget-composer", "")

    @rx.event
    def leave_email(self, form_data: dict):
        self._clear_feedback()
        try:
            with session_scope() as db:
                visitor_chat.leave_email(
                    db,
                    public_token=self._inbox_token,
                    visitor_token=self.visitor_token,
                    conversation_id=self.conversation_ref,
                    email=form_data.get("email"),
                    locale=self.locale,
                )
        except ServiceError as error:
            self._fail(error)
            return
        self.email_left = True

    async def _on_chat_event(self, event: events.ChatEvent) -> None:
        """Called by the delivery loop for events about this visitor's conversation, and for
        whether anybody is online in its inbox."""
        if event.kind == events.PRESENCE:
            self.agents_online = bool(event.detail.get("online"))
            _online[self._inbox_id] = (time.monotonic(), self.agents_online)
            return
        if event.kind == events.TYPING:
            self.agent_typing = event.detail.get("name", "") if event.detail.get("on") else ""
            self.typing_seq += 1
            return
        if event.kind == events.MESSAGE_CREATED:
            self.agent_typing = ""
            if event.message_id and self._shows(event.message_id):
                return  # e.g. the visitor's own message, shown when it was sent
            # Everything after what was read, and the message named, should it have committed
            # after a newer one (PostgreSQL hands out ids before the commits that order them).
            self._catch_up(min(self._read_upto, event.message_id - 1) if event.message_id else None)
            return
        self._catch_up()
        if event.kind == events.CONVERSATION_UPDATED:
            with session_scope() as db:
                conversation = visitor_chat.current_conversation(db, **self._credentials())
            self.status = conversation.status if conversation else "resolved"
            self.unanswered = conversation is not None and unanswered.is_unanswered(conversation)
            if "assignee" in event.detail.get("changed", ()):
                self._show_agent()

    @rx.var
    def blocked_text(self) -> str:
        return translate(self.locale, f"account.blocked.{self.blocked}") if self.blocked else ""


def _links(db, views) -> dict[int, tuple[str, str]]:
    """Signed links for the files of these messages: the visitor's page has no login cookie."""
    return attachment_links.widget_links(db, [item for v in views for item in v.attachments])


def _mark_seen(credentials: dict, conversation_id: int) -> None:
    with session_scope() as db:
        visitor_chat.mark_seen(db, **credentials, conversation_id=conversation_id)
