"""The agents' conversation list: tabs by status, mine/unassigned/all, inbox and team filters,
sorting, pages; rows move and counts change live as events arrive."""

from collections import OrderedDict

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.i18n import format_datetime, translate
from kiko_livechat.i18n.aliases import display_name
from kiko_livechat.realtime import events
from kiko_livechat.realtime.recipients import AGENT, Client
from kiko_livechat.services import conversations, labels
from kiko_livechat.state import live
from kiko_livechat.state.session import SessionState, signed_in_only


class ConversationListState(SessionState):
    status_filter: str = "open"
    assignee_filter: str = "all"
    inbox_filter: str = ""
    team_filter: str = ""
    # Titles of the labels every listed conversation must carry (the label filter, a folder).
    label_filter: list[str] = []
    label_options: list[dict[str, str]] = []
    sort: str = "last_activity"
    page: int = 1
    total: int = 0
    has_next: bool = False
    counts: dict[str, int] = {}
    inbox_options: list[dict[str, str]] = []
    team_options: list[dict[str, str]] = []
    _rows: list[dict] = []
    # The inboxes this tab may see, as of its last load or resync (when access is read again).
    _inbox_ids: list[int] = []
    # The live update (live.delivering) during which the page was last read.
    _fresh_for: int = 0
    # The browser's time zone for wake-up times (set by state/snooze.py).
    _time_zone: str = "Europe/Berlin"

    @rx.var
    def rows(self) -> list[dict[str, str]]:
        """Rows as the tab's language writes them: the contact's name or alias, time, and the
        newest message with its sender ("Ben: ...", "Bot: ...")."""
        return [
            {
                **{k: v for k, v in row.items() if k not in _NOT_SHOWN},
                "name": display_name(row["contact_name"], row["alias_key"], self.locale),
                "time": format_datetime(row["last_activity_at"], self.locale),
                "sender": _sender_prefix(row["preview_sender_type"], row["preview_sender"], self.locale),
                "preview": _preview_text(row, self.locale),
                "wakes": format_datetime(row["snoozed_until"], self.locale, self._time_zone)
                if row["snoozed_until"] and row["status"] == "snoozed"
                else "",
            }
            for row in self._rows
        ]

    @rx.event
    @signed_in_only
    async def load(self):
        with self._as_actor() as (db, actor):
            inboxes = conversations.visible_inboxes(db, actor=actor)
            _, team_rows = conversations.choices(db, actor=actor)
        self.inbox_options = [{"id": str(i), "name": n} for i, n in inboxes]
        self.team_options = [{"id": str(i), "name": n} for i, n in team_rows]
        self._load_label_options()
        self._listen(actor, [i for i, _ in inboxes])
        self._reload()

    def _load_label_options(self) -> None:
        with self._as_actor() as (db, actor):
            found = labels.list_labels(db, actor=actor)
        self.label_options = [{"title": v.title, "color": v.color} for v in found]
        # A label deleted meanwhile filters nothing any more.
        self.label_filter = [t for t in self.label_filter if any(v.title == t for v in found)]

    @rx.event
    @signed_in_only
    async def resync(self, _tick: str = ""):
        """Timer: stay registered on this worker (inbox access may have changed) and refresh."""
        with self._as_actor() as (db, actor):
            inboxes = conversations.visible_inboxes(db, actor=actor)
        self._listen(actor, [i for i, _ in inboxes])
        self._load_label_options()  # labels an administrator added or removed meanwhile
        self._reload()

    def _listen(self, actor, inbox_ids: list[int]) -> None:
        self._inbox_ids = sorted(inbox_ids)
        live.register(
            self.router.session.client_token,
            Client(kind=AGENT, account_id=actor.account_id, inbox_ids=frozenset(inbox_ids), user_id=actor.user_id),
            ConversationListState,
            slot=live.LIST,
        )

    def _filters(self) -> dict:
        return {
            "status": self.status_filter,
            "assignee": self.assignee_filter,
            "inbox_id": int(self.inbox_filter) if self.inbox_filter.isdigit() else None,
            "team_id": int(self.team_filter) if self.team_filter.isdigit() else None,
            "all_labels": tuple(self.label_filter),
        }

    def _shared_key(self, db, actor, *what) -> tuple:
        """Whose list this is, for sharing a read with the tabs that show the same (same visible
        inboxes, and the user where the list is theirs alone)."""
        scope = tuple(self._inbox_ids) or tuple(
            sorted(inbox_id for inbox_id, _ in conversations.visible_inboxes(db, actor=actor))
        )
        mine = actor.user_id if self.assignee_filter == "mine" else None
        return (actor.account_id, scope, mine, tuple(self._filters().items()), *what)

    def _reload(self, event: events.ChatEvent | None = None) -> None:
        """Read this tab's page afresh. For a live event, tabs that show the same list (same
        visible inboxes, filters and page) share one read of it."""
        params = {**self._filters(), "sort": self.sort, "page": self.page}
        with self._as_actor() as (db, actor):
            if event is None:
                result = conversations.list_conversations(db, actor=actor, **params)
            else:
                key = self._shared_key(db, actor, self.sort, self.page)
                result = _shared_read(key, lambda: conversations.list_conversations(db, actor=actor, **params))
        self.total, self.has_next, self.counts = result.total, result.has_next, result.counts
        self._rows = [_row(r) for r in result.rows]
        self._fresh_for = live.delivering()

    async def _on_chat_event(self, event: events.ChatEvent) -> None:
        if event.kind == events.TYPING or (self._fresh_for and self._fresh_for == live.delivering()):
            return  # the page was read during this very update: it shows the event already
        if not self._changed_row(event):
            self._reload(event)

    def _changed_row(self, event: events.ChatEvent) -> bool:
        """Apply the event to the one row it is about, where that decides the list: a new message
        moves its conversation to the top of the first page by last activity; a read marker
        changes a row's unread count or nothing. False: the page must be read again (counts
        change with a new conversation, a status, an assignee ...)."""
        what = event.detail.get("changed") or ()
        if event.kind == events.CONVERSATION_UPDATED and what == [events.CONTACT_SEEN]:
            return True  # no list shows whether the visitor has read an answer
        moves = event.kind == events.MESSAGE_CREATED
        if not moves and not (event.kind == events.CONVERSATION_UPDATED and what == [events.AGENT_SEEN]):
            return False
        shown = next((i for i, r in enumerate(self._rows) if r["conversation_id"] == event.conversation_id), None)
        if not moves and shown is None:
            return True  # read, but not on this page
        if moves and not (self.sort == "last_activity" and self.page == 1):
            return False
        with self._as_actor() as (db, actor):
            key = self._shared_key(db, actor, "row", event.conversation_id)
            row = _shared_read(
                key,
                lambda: conversations.list_row(
                    db, actor=actor, conversation_id=event.conversation_id, **self._filters()
                ),
            )
        if row is None:  # not in this list (any more): nothing to do unless it was shown
            return shown is None
        rows = [r for r in self._rows if r["conversation_id"] != event.conversation_id]
        if not moves:
            rows.insert(shown, _row(row))
        else:  # as the page is sorted: newest activity first, then the higher id
            rows = sorted([*rows, _row(row)], key=lambda r: (r["last_activity_at"], r["conversation_id"]), reverse=True)
            if len(rows) > conversations.PAGE_SIZE:
                rows, self.has_next = rows[: conversations.PAGE_SIZE], True
        self._rows = rows
        return True

    async def _change(self, **filters) -> None:
        for name, value in filters.items():
            setattr(self, name, value)
        self.page = 1
        self._reload()

    @rx.event
    @signed_in_only
    async def show_status(self, status: str):
        await self._change(status_filter=status if status in conversations.STATUS_FILTERS else "open")

    @rx.event
    @signed_in_only
    async def show_assignee(self, assignee: str | list[str]):
        # The segmented control may send a list; one choice is allowed here.
        value = assignee[0] if isinstance(assignee, list) and assignee else assignee
        await self._change(assignee_filter=value if value in conversations.ASSIGNEE_FILTERS else "all")

    @rx.event
    @signed_in_only
    async def show_inbox(self, inbox_ref: str):
        await self._change(inbox_filter=inbox_ref if inbox_ref.isdigit() else "")

    @rx.event
    @signed_in_only
    async def show_team(self, team_ref: str):
        await self._change(team_filter=team_ref if team_ref.isdigit() else "")

    @rx.event
    @signed_in_only
    async def toggle_label(self, title: str):
        """The filter bar's label menu: add or drop one label (listed conversations carry all)."""
        chosen = [t for t in self.label_filter if t != title]
        if title not in self.label_filter and any(o["title"] == title for o in self.label_options):
            chosen = [*chosen, title][: conversations.ALL_LABELS_MAX]
        await self._change(label_filter=chosen)

    @rx.event
    @signed_in_only
    async def show_folder(self, title: str):
        """A sidebar folder: the open conversations with this label, shown in the list."""
        self._check_session()
        self.label_filter = [title] if isinstance(title, str) else []
        self.status_filter, self.assignee_filter, self.inbox_filter, self.team_filter = "open", "all", "", ""
        self.page = 1
        self._reload()
        # From another page: the list page shows these filters (the state stays with the tab).
        return rx.redirect(routes.INBOX)

    @rx.event
    @signed_in_only
    async def sort_by(self, sort: str):
        await self._change(sort=sort if sort in conversations.SORTS else "last_activity")

    @rx.event
    @signed_in_only
    async def next_page(self):
        if self.has_next:
            self.page += 1
        self._reload()

    @rx.event
    @signed_in_only
    async def previous_page(self):
        self.page = max(1, self.page - 1)
        self._reload()


# Kept for sorting and locating rows; not sent to the browser.
_NOT_SHOWN = ("last_activity_at", "preview_sender_type", "preview_files", "conversation_id", "snoozed_until")


def _preview_text(row: dict, locale: str) -> str:
    """The newest message's start; for a message of files only, a paperclip and a word for it."""
    if row["preview"] or not row["preview_files"]:
        return row["preview"]
    return f"📎 {translate(locale, 'files.preview')}"


def _row(r: conversations.ConversationRow) -> dict:
    return {
        "conversation_id": r.conversation_id,
        "number": str(r.display_id),
        "alias_key": r.alias_key,
        "status": r.status,
        "contact_name": r.contact_name,
        "inbox": r.inbox_name,
        "assignee": r.assignee_name,
        "last_activity_at": r.last_activity_at,
        "preview": r.preview.text,
        "preview_sender_type": r.preview.sender_type,
        "preview_sender": r.preview.sender_name,
        "preview_files": r.preview.has_files,
        "unread": str(r.unread) if r.unread else "",
        "with_bot": "yes" if r.with_bot else "",
        "labels": [{"title": c.title, "color": c.color} for c in r.labels],
        "snoozed_until": r.snoozed_until,
    }


def _sender_prefix(sender_type: str, agent_name: str, locale: str) -> str:
    """Who wrote the newest message, as the row's preview starts: the agent, the bot, or nobody
    (the visitor: the row already carries their name)."""
    if sender_type == "agent":
        return f"{agent_name}: "
    if sender_type == "bot":
        return f"{translate(locale, 'conversation.bot')}: "
    return ""


# One event reaches the list tab of every agent on this worker, one after another. Each read (a
# page, or the one row an event is about) is kept with the number of events the worker had heard
# when it started (live.heard), so the next tab with the same list, updating for that event or
# an earlier one, takes it instead of reading the same rows again.
_SHARED_PAGES = 256
_shared: OrderedDict[tuple, tuple[int, object]] = OrderedDict()


def _shared_read(key: tuple, read):
    found = _shared.get(key)
    if found is not None and found[0] >= (live.delivering() or live.heard()):
        return found[1]
    heard = live.heard()
    page = read()
    _shared[key] = (heard, page)
    _shared.move_to_end(key)
    while len(_shared) > _SHARED_PAGES:
        _shared.popitem(last=False)
    return page
