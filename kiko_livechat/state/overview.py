"""Dashboard sections: the contact list and the status report."""

import reflex as rx

from kiko_livechat.i18n import format_datetime, format_number
from kiko_livechat.i18n.aliases import display_name
from kiko_livechat.services import overview
from kiko_livechat.state.session import SessionState, signed_in_only


class ContactsState(SessionState):
    # The directory's search ("" shows everyone).
    query: str = ""
    page: int = 1
    total: int = 0
    has_next: bool = False
    _rows: list[dict] = []

    @rx.var
    def rows(self) -> list[dict[str, str]]:
        """Contacts with names (or aliases) and dates in the tab's language."""
        return [
            {
                **{k: v for k, v in row.items() if k not in ("created_at", "alias_key")},
                "name": display_name(row["name"], row["alias_key"], self.locale),
                "created": format_datetime(row["created_at"], self.locale),
            }
            for row in self._rows
        ]

    @rx.event
    @signed_in_only
    async def load(self):
        await self._load_page(1)

    @rx.event
    @signed_in_only
    async def next_page(self):
        await self._load_page(self.page + 1)

    @rx.event
    @signed_in_only
    async def previous_page(self):
        await self._load_page(max(1, self.page - 1))

    @rx.event
    @signed_in_only
    async def search(self, text: str):
        """As the user types (debounced): the first page of the contacts that match."""
        self.query = text if isinstance(text, str) else ""
        await self._load_page(1)

    async def _load_page(self, page: int) -> None:
        with self._as_actor() as (db, actor):
            result = overview.list_contacts(db, actor=actor, page=page, q=self.query)
        self.page = result.page
        self.total = result.total
        self.has_next = result.has_next
        self._rows = [
            {
                "id": str(r.contact_id),
                "name": r.name,
                "alias_key": r.alias_key,
                "email": r.email,
                "phone": r.phone_number,
                "created_at": r.created_at,
            }
            for r in result.rows
        ]


class ReportsState(SessionState):
    _counts: dict[str, int] = {}

    @rx.var
    def counts(self) -> list[dict[str, str]]:
        return [{"status": status, "count": format_number(n, self.locale)} for status, n in self._counts.items()]

    @rx.event
    @signed_in_only
    async def load(self):
        with self._as_actor() as (db, actor):
            self._counts = overview.status_counts(db, actor=actor)
