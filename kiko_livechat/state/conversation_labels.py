"""Labels where agents work: the picker on a conversation, "resolve with labels", and the
sidebar's label folders with live counts of open conversations."""

import reflex as rx

from kiko_livechat.realtime import events
from kiko_livechat.realtime.recipients import AGENT, Client
from kiko_livechat.services import conversations, labels
from kiko_livechat.services.errors import ValidationFailed
from kiko_livechat.state import live
from kiko_livechat.state.conversation import ConversationState
from kiko_livechat.state.forms import FormFeedback, as_id
from kiko_livechat.state.session import SessionState, signed_in_only

# The sidebar's folders listen in a slot of their own: they are on every dashboard page.
FOLDERS = "folders"
# What changes a folder: how many open conversations carry its label, or its colour.
_COUNTING = frozenset({"status", events.LABELS, events.LABEL_LOOK, events.HANDOFF})


class LabelPickerState(FormFeedback, SessionState):
    """The conversation page's label picker: search the account's labels, add, remove; an
    administrator may create a new label from what was typed."""

    search: str = ""
    _all: list[dict[str, str]] = []

    @rx.var
    def options(self) -> list[dict[str, str]]:
        text = self.search.strip().lower()
        return [o for o in self._all if text in o["title"]][:30]

    @rx.var
    def can_create(self) -> bool:
        """An administrator typed a title no label has yet (the service checks it on creation)."""
        text = self.search.strip().lower()
        return self.is_admin and bool(text) and all(o["title"] != text for o in self._all)

    @rx.event
    @signed_in_only
    async def open_picker(self, _open: bool = True):
        self._clear_feedback()
        self.search = ""
        with self._as_actor() as (db, actor):
            found = labels.list_labels(db, actor=actor)
        self._all = [{"id": str(v.label_id), "title": v.title, "color": v.color} for v in found]

    @rx.event
    @signed_in_only
    async def set_search(self, text: str):
        self._check_session()
        self.search = text[:100] if isinstance(text, str) else ""

    async def _conversation(self) -> ConversationState:
        return await self.get_state(ConversationState)

    @rx.event
    @signed_in_only
    async def add(self, label_ref: str):
        conversation = await self._conversation()
        self._clear_feedback()
        with self._reporting(), self._as_actor() as (db, actor):
            labels.add_conversation_label(
                db, actor=actor, conversation_id=conversation.conversation_ref, label_id=as_id(label_ref)
            )
        conversation._refresh()

    @rx.event
    @signed_in_only
    async def remove(self, label_ref: str):
        conversation = await self._conversation()
        self._clear_feedback()
        with self._reporting(), self._as_actor() as (db, actor):
            labels.remove_conversation_label(
                db, actor=actor, conversation_id=conversation.conversation_ref, label_id=as_id(label_ref)
            )
        conversation._refresh()

    @rx.event
    @signed_in_only
    async def create_and_add(self):
        """Administrators: a new label with the typed title, put on the conversation at once."""
        conversation = await self._conversation()
        self._clear_feedback()
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            view = labels.create_label(db, actor=actor, title=self.search)
            labels.add_conversation_label(
                db, actor=actor, conversation_id=conversation.conversation_ref, label_id=view.label_id
            )
        conversation._refresh()
        if outcome.refused:
            return None
        self.search = ""
        self._all = sorted(
            [*self._all, {"id": str(view.label_id), "title": view.title, "color": view.color}],
            key=lambda o: o["title"],
        )
        return rx.set_value("label-search", "")


class ResolveState(FormFeedback, SessionState):
    """The "resolve with labels" dialog: pick labels, resolve, both in one step."""

    open: bool = False
    chosen: list[str] = []
    choices: list[dict[str, str]] = []

    @rx.event
    @signed_in_only
    async def start(self):
        self._clear_feedback()
        conversation = await self.get_state(ConversationState)
        with self._as_actor() as (db, actor):
            found = labels.list_labels(db, actor=actor)
        self.choices = [{"id": str(v.label_id), "title": v.title, "color": v.color} for v in found]
        # What the conversation carries already stays on it; the dialog starts with those ticked.
        self.chosen = [c["id"] for c in conversation.labels]
        self.open = True

    @rx.event
    @signed_in_only
    async def toggle(self, label_ref: str):
        self._check_session()
        others = [c for c in self.chosen if c != label_ref]
        self.chosen = others if label_ref in self.chosen else [*others, label_ref]

    @rx.event
    @signed_in_only
    async def close(self, _open: bool = False):
        self._check_session()
        self.open = False

    @rx.event
    @signed_in_only
    async def confirm(self):
        conversation = await self.get_state(ConversationState)
        self._clear_feedback()
        ids = [as_id(ref) for ref in self.chosen]
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            if None in ids:
                raise ValidationFailed("error.invalid_choice", field="labels")
            labels.resolve_with_labels(db, actor=actor, conversation_id=conversation.conversation_ref, label_ids=ids)
        if not outcome.refused:
            self.open = False
        conversation._refresh()


class LabelFoldersState(SessionState):
    """The sidebar's folders: labels marked "show in sidebar" with live open counts."""

    folders: list[dict[str, str]] = []

    @rx.event
    @signed_in_only
    async def load(self, _tick: str = ""):
        """On mount of the sidebar, and by its timer: read the counts, listen for changes."""
        with self._as_actor() as (db, actor):
            inbox_ids = [i for i, _ in conversations.visible_inboxes(db, actor=actor)]
        live.register(
            self.router.session.client_token,
            Client(kind=AGENT, account_id=actor.account_id, inbox_ids=frozenset(inbox_ids), user_id=actor.user_id),
            LabelFoldersState,
            slot=FOLDERS,
        )
        self._reload()

    def _reload(self) -> None:
        with self._as_actor() as (db, actor):
            found = labels.sidebar_folders(db, actor=actor)
        self.folders = [
            {"title": f.title, "color": f.color, "count": str(f.open_count) if f.open_count else ""} for f in found
        ]

    async def _on_chat_event(self, event: events.ChatEvent) -> None:
        changed = set(event.detail.get("changed") or ()) if event.kind == events.CONVERSATION_UPDATED else set()
        if not self.folders and events.LABELS not in changed:
            # No folder shown: only a conversation's labels can make the first one appear (a
            # label created without a conversation shows with the next timer tick). Every agent
            # tab hears every handoff of its inboxes; this spares each a count query for it.
            return
        if event.kind == events.CONVERSATION_CREATED or _COUNTING & changed:
            self._reload()
