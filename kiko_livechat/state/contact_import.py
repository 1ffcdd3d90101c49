"""The contact import wizard (administrators): one import's preview and column mapping, its dry
run, and its progress while a worker runs it (heard live: realtime/recipients.IMPORTS)."""

import re
import unicodedata

import reflex as rx

from kiko_livechat.i18n import format_datetime, translate
from kiko_livechat.realtime import events
from kiko_livechat.realtime.recipients import IMPORTS, Client
from kiko_livechat.services import contact_import
from kiko_livechat.services.contact_import import CUSTOM, ImportView
from kiko_livechat.state import live
from kiko_livechat.state.forms import FormFeedback, as_id
from kiko_livechat.state.routing import route_arg
from kiko_livechat.state.session import SessionState, signed_in_only

SKIP = "skip"


def custom_key(column: str) -> str:
    """A custom attribute's key made from a column's header: "Lieblings-Farbe" -> "lieblings-farbe"."""
    text = unicodedata.normalize("NFKD", column).encode("ascii", "ignore").decode().lower()
    key = re.sub(r"[^a-z0-9_-]+", "_", text).strip("_-")[: contact_import.CUSTOM_KEY_MAX]
    return key or "column"


class ContactImportListState(FormFeedback, SessionState):
    """/app/contacts/import: the account's latest imports."""

    imports: list[dict[str, str]] = []

    @rx.event
    @signed_in_only
    async def load(self):
        with self._as_actor() as (db, actor):
            views = contact_import.list_imports(db, actor=actor) if actor.is_admin else []
        self.imports = [
            {
                "id": str(v.import_id),
                "file": v.file_name,
                "status": v.status,
                "rows": str(v.total_rows),
                "created": format_datetime(v.created_at, self.locale),
            }
            for v in views
        ]


class ContactImportState(FormFeedback, SessionState):
    """/app/contacts/imports/<id>: mapping, dry run, run and result."""

    found: bool = False
    import_ref: str = ""
    file_name: str = ""
    status: str = ""
    columns: list[str] = []
    # Per column: a contact field, "custom:<key>", or SKIP.
    targets: list[str] = []
    # Per column, its own choice besides the contact fields: a custom attribute named after it.
    custom_values: list[str] = []
    custom_labels: list[str] = []
    preview: list[list[str]] = []
    total: int = 0
    processed: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    has_rejected_file: bool = False
    failure: str = ""
    dry: dict[str, str] = {}
    dry_rejections: list[dict[str, str]] = []

    @rx.var
    def percent(self) -> int:
        return round(100 * self.processed / self.total) if self.total else 0

    @rx.event
    @signed_in_only
    async def load(self, _tick: str = ""):
        """On load and by the page's timer: read the import, listen for its progress."""
        self._clear_feedback()
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            preview = contact_import.get_import(db, actor=actor, import_id=as_id(route_arg(self.router, "import_id")))
        self.found = not outcome.refused
        if not self.found:
            return
        self._listen(actor.account_id, actor.user_id)
        self._show(preview.view)
        self.columns = list(preview.view.columns)
        self.preview = [list(row) for row in preview.rows]
        self.targets = [t or SKIP for t in preview.view.mapping]
        keys = [custom_key(column) for column in self.columns]
        self.custom_values = [CUSTOM + key for key in keys]
        self.custom_labels = [translate(self.locale, "contacts.import.field.custom", name=key) for key in keys]

    @rx.event
    @signed_in_only
    async def resync(self):
        """By the page's timer: listen again (another worker after a reconnect), re-read the
        progress; the mapping being chosen stays as it is."""
        with self._as_actor() as (db, actor):
            if not self.found:
                return
            view = contact_import.import_status(db, actor=actor, import_id=as_id(self.import_ref))
        self._listen(actor.account_id, actor.user_id)
        self._show(view)

    def _listen(self, account_id: int, user_id: int) -> None:
        live.register(
            self.router.session.client_token,
            Client(kind=IMPORTS, account_id=account_id, inbox_ids=frozenset(), user_id=user_id),
            ContactImportState,
        )

    def _show(self, view: ImportView) -> None:
        self.import_ref, self.file_name, self.status = str(view.import_id), view.file_name, view.status
        self.total, self.processed = view.total_rows, view.processed_rows
        self.created, self.updated, self.unchanged, self.rejected = (
            view.created,
            view.updated,
            view.unchanged,
            view.rejected,
        )
        self.has_rejected_file = view.has_rejected_file
        self.failure = translate(self.locale, view.error) if view.error else ""

    @rx.event
    @signed_in_only
    async def choose(self, index: int, target: str):
        """A column's new target; nothing is stored until the dry run or the start."""
        with self._as_actor():
            pass  # only a signed-in tab changes what it will send
        if isinstance(index, int) and 0 <= index < len(self.targets):
            targets = list(self.targets)
            targets[index] = target
            self.targets = targets
            self.dry, self.dry_rejections = {}, []

    def _mapping(self) -> list[str | None]:
        return [None if t == SKIP else t for t in self.targets]

    @rx.event
    @signed_in_only
    async def dry_run(self):
        self._clear_feedback()
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            contact_import.set_mapping(db, actor=actor, import_id=as_id(self.import_ref), mapping=self._mapping())
            result = contact_import.dry_run(db, actor=actor, import_id=as_id(self.import_ref))
        if outcome.refused:
            return
        self.dry = {key: str(getattr(result, key)) for key in ("created", "updated", "unchanged", "rejected")}
        self.dry_rejections = [
            {"line": str(r.line), "reason": translate(self.locale, r.reason, **r.params)} for r in result.first_rejected
        ]

    @rx.event
    @signed_in_only
    async def start(self):
        self._clear_feedback()
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            contact_import.set_mapping(db, actor=actor, import_id=as_id(self.import_ref), mapping=self._mapping())
            view = contact_import.start(db, actor=actor, import_id=as_id(self.import_ref))
        if not outcome.refused:
            self._show(view)

    async def _on_chat_event(self, event: events.ChatEvent) -> None:
        if event.kind != events.IMPORT_PROGRESS or str(event.detail.get("import_id")) != self.import_ref:
            return
        with self._as_actor() as (db, actor):
            self._show(contact_import.import_status(db, actor=actor, import_id=as_id(self.import_ref)))
