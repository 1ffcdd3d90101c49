"""The search box over the conversation list: what was searched, one page of results with
the matching text marked. A snippet travels as (text, marked) parts, rendered as text."""

import reflex as rx

from kiko_livechat.i18n import format_datetime, translate
from kiko_livechat.i18n.aliases import alias, display_name
from kiko_livechat.services import search
from kiko_livechat.state.forms import FormFeedback
from kiko_livechat.state.session import SessionState, signed_in_only


class SearchState(FormFeedback, SessionState):
    query: str = ""
    # True while the list shows results instead of the conversations.
    active: bool = False
    page: int = 1
    has_next: bool = False
    _words: tuple[str, ...] = ()
    _hits: list[search.SearchHit] = []

    @rx.var
    def results(self) -> list[dict[str, str]]:
        """Rows as the tab's language writes them (the snippets are `snippets`, same order)."""
        return [
            {
                "number": str(h.display_id),
                "name": display_name(h.contact_name, h.alias_key, self.locale),
                "time": format_datetime(h.last_activity_at, self.locale),
                "status": h.status,
                "inbox": h.inbox_name,
                "private": "yes" if h.message is not None and h.message.private else "",
                "why": _why(h, self._words, self.locale),
            }
            for h in self._hits
        ]

    @rx.var
    def snippets(self) -> list[list[list[str]]]:
        """Each result's snippet as [text, "1" when it is the match] parts."""
        return [
            [
                [text, "1" if marked else ""]
                for text, marked in search.highlight(_snippet_source(h, self._words, self.locale), self._words)
            ]
            for h in self._hits
        ]

    @rx.event
    @signed_in_only
    async def search(self, form_data: dict):
        """The box was submitted (Enter): page 1 of the results, or the refusal beside the box."""
        await self._run(form_data.get("q"), 1)

    @rx.event
    @signed_in_only
    async def search_as_typed(self, text: str):
        """The box changed (debounced): results as the agent types; emptied, the list is back.
        An overlong text says so; an empty one says nothing until it is submitted."""
        if not isinstance(text, str) or not text.strip():
            self._check_session()
            self._clear()
            return
        await self._run(text, 1)

    @rx.event
    @signed_in_only
    async def clear(self):
        self._check_session()
        self._clear()
        return rx.set_value(SEARCH_INPUT_ID, "")

    @rx.event
    @signed_in_only
    async def next_page(self):
        self._check_session()
        if self.active and self.has_next:
            await self._run(self.query, self.page + 1)

    @rx.event
    @signed_in_only
    async def previous_page(self):
        self._check_session()
        if self.active and self.page > 1:
            await self._run(self.query, self.page - 1)

    def _clear(self) -> None:
        self._clear_feedback()
        self.query, self.active, self.page, self.has_next = "", False, 1, False
        self._hits, self._words = [], ()

    async def _run(self, text: object, page: int) -> None:
        self._clear_feedback()
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            found = search.search_conversations(db, actor=actor, q=text, page=page)
        if outcome.refused:
            # Nothing changed: the results of the last good search stay (or the list).
            return
        self.query = text.strip() if isinstance(text, str) else ""
        self.active, self.page, self.has_next = True, found.page, found.has_next
        self._hits, self._words = list(found.hits), found.words


SEARCH_INPUT_ID = "conversation-search"


def _snippet_source(hit: search.SearchHit, words: tuple[str, ...], locale: str) -> str:
    """The text the snippet is cut from: the matching message, else what matched of the contact."""
    if hit.message is not None:
        return hit.message.content
    for text in (hit.contact_name, hit.contact_email, hit.contact_phone):
        if text and search.highlight(text, words) != ((" ".join(text.split()), False),):
            return text
    if not hit.contact_name:
        return alias(hit.alias_key, locale)
    return f"#{hit.display_id}"


def _why(hit: search.SearchHit, words: tuple[str, ...], locale: str) -> str:
    """A label before a snippet that is not a message: what of the conversation matched."""
    if hit.message is not None:
        return ""
    source = _snippet_source(hit, words, locale)
    if source.startswith("#"):
        return translate(locale, "search.matched.number")
    if not hit.contact_name and source == alias(hit.alias_key, locale):
        return translate(locale, "search.matched.alias")
    return translate(locale, "search.matched.contact")
