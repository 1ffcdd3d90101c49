"""Settings > Canned responses: administrators manage the account-wide ones, every agent their
own personal ones; each sees the account-wide ones and their own."""

import dataclasses

import reflex as rx

from kiko_livechat.services import canned_responses as canned
from kiko_livechat.services.canned_responses import CannedView
from kiko_livechat.state.forms import FormFeedback, as_id, form_flag
from kiko_livechat.state.session import SessionState, signed_in_only

# The page lists this many; more are found with its search (an account may have thousands).
LIST_MAX = 100


@dataclasses.dataclass(frozen=True)
class CannedRow:
    id: str
    short_code: str
    content: str
    personal: bool
    # Whether this user may edit and delete it: their own, or account-wide for administrators.
    can_manage: bool


def _row(view: CannedView, is_admin: bool) -> CannedRow:
    return CannedRow(
        id=str(view.canned_id),
        short_code=view.short_code,
        content=view.content,
        personal=view.personal,
        can_manage=view.personal or is_admin,
    )


class CannedResponsesState(FormFeedback, SessionState):
    """The list, its search and deletion; a refused deletion shows in the row's card."""

    rows: list[CannedRow] = []
    search: str = ""
    # More responses match than the page lists.
    more: bool = False
    failed_row: str = ""

    def _clear_feedback(self) -> None:
        super()._clear_feedback()
        self.failed_row = ""

    @rx.event
    @signed_in_only
    async def load(self):
        self._clear_feedback()
        self.search = ""
        self._reload()

    def _reload(self) -> None:
        with self._as_actor() as (db, actor):
            views = canned.list_canned_responses(db, actor=actor, search=self.search, limit=LIST_MAX + 1)
            is_admin = actor.is_admin
        self.more = len(views) > LIST_MAX
        self.rows = [_row(view, is_admin) for view in views[:LIST_MAX]]

    @rx.event
    @signed_in_only
    async def set_search(self, form_data: dict):
        """The search form (Enter): list only what matches, best first."""
        text = form_data.get("search")
        self.search = text.strip() if isinstance(text, str) else ""
        self._reload()

    @rx.event
    @signed_in_only
    async def delete(self, canned_ref: str):
        self._clear_feedback()
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            canned.delete_canned_response(db, actor=actor, canned_id=as_id(canned_ref))
        if outcome.refused:
            self._errors = {"": self._errors.popitem()[1]}
            self.failed_row = canned_ref if isinstance(canned_ref, str) else ""
        self._reload()


class CannedCreateState(FormFeedback, SessionState):
    """The form for a new canned response."""

    # Counts created responses; the form is keyed on it, so it re-mounts empty after each one.
    created_count: int = 0

    @rx.event
    @signed_in_only
    async def create(self, form_data: dict):
        self._clear_feedback()
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            canned.create_canned_response(
                db,
                actor=actor,
                short_code=form_data.get("short_code"),
                content=form_data.get("content"),
                # Agents have only personal ones; administrators choose with the switch.
                personal=form_flag(form_data, "personal") or not actor.is_admin,
            )
        if outcome.refused:
            return
        self._succeed("canned.created")
        self.created_count += 1
        listing = await self.get_state(CannedResponsesState)
        listing._clear_feedback()
        listing._reload()


class CannedEditState(FormFeedback, SessionState):
    """The edit dialog of one canned response."""

    open: bool = False
    canned_ref: str = ""
    short_code: str = ""
    content: str = ""

    @rx.event
    @signed_in_only
    async def start(self, canned_ref: str):
        """Open the dialog with the response as stored now (not as the list last showed it)."""
        self._clear_feedback()
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            view = canned.get_canned_response(db, actor=actor, canned_id=as_id(canned_ref))
            is_admin = actor.is_admin
        listing = await self.get_state(CannedResponsesState)
        # Deleted meanwhile, or not this user's to change: show the list as it is.
        if outcome.refused or not _row(view, is_admin).can_manage:
            self._clear_feedback()
            listing._reload()
            return
        self.canned_ref = canned_ref
        self.short_code = view.short_code
        self.content = view.content
        self.open = True

    @rx.event
    @signed_in_only
    async def close(self):
        """Cancel button, Escape or a click outside: close without saving."""
        self._check_session()
        self.open = False
        self._clear_feedback()

    @rx.event
    @signed_in_only
    async def save(self, form_data: dict):
        self._clear_feedback()
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            canned.update_canned_response(
                db,
                actor=actor,
                canned_id=as_id(self.canned_ref),
                short_code=form_data.get("short_code", ""),
                content=form_data.get("content", ""),
            )
        if outcome.refused:
            return
        self.open = False
        listing = await self.get_state(CannedResponsesState)
        listing._clear_feedback()
        listing._reload()
