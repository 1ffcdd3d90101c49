"""The search box above the conversation list and the results that take the list's place while
a search is on. The matching words are marked with a styled span: every part is text (React
escapes it), never HTML."""

import reflex as rx

from kiko_livechat.components.conversation_row import headline, row_link
from kiko_livechat.components.text import tr
from kiko_livechat.services.search import Q_MAX
from kiko_livechat.state.search import SEARCH_INPUT_ID
from kiko_livechat.state.search import SearchState as S

RESULTS_ID = "search-results"
# Results follow the typing after this pause, not on every key.
DEBOUNCE_MS = 350


def search_box() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.hstack(
                rx.input(
                    rx.input.slot(rx.icon("search", size=14)),
                    name="q",
                    id=SEARCH_INPUT_ID,
                    # The box is made anew when the page beside the list changes: it keeps the query.
                    default_value=S.query,
                    type="search",
                    placeholder=tr("search.placeholder"),
                    aria_label=tr("search.label"),
                    # One more than the service takes: an overlong search is said, not cut.
                    max_length=Q_MAX + 1,
                    on_change=S.search_as_typed.debounce(DEBOUNCE_MS),
                    auto_complete="off",
                    size="2",
                    width="100%",
                ),
                rx.cond(
                    S.active,
                    rx.icon_button(
                        rx.icon("x", size=14),
                        on_click=S.clear,
                        type="button",
                        variant="ghost",
                        size="2",
                        aria_label=tr("search.clear"),
                        id="search-clear",
                    ),
                ),
                width="100%",
                align="center",
                spacing="1",
            ),
            rx.cond(
                S.errors.get("q", "") != "",
                rx.text(S.errors.get("q", ""), color_scheme="red", size="1", role="alert", id="search-error"),
            ),
            spacing="1",
            width="100%",
        ),
        on_submit=S.search,
        reset_on_submit=False,
        width="100%",
    )


def _snippet(parts: rx.Var) -> rx.Component:
    return rx.text(
        rx.foreach(
            parts,
            lambda part: rx.cond(
                part[1] != "",
                rx.text.span(
                    part[0],
                    class_name="search-hit",
                    background=rx.color("amber", 5),
                    color=rx.color("gray", 12),
                    border_radius="3px",
                    padding="0 1px",
                    font_weight="600",
                ),
                rx.text.span(part[0]),
            ),
        ),
        size="2",
        color_scheme="gray",
        class_name="search-snippet",
        # Two lines at most: enough to see the match in its sentence.
        max_height="3em",
        flex="1",
        min_width="0",
        overflow="hidden",
        line_height="1.5",
        word_break="break-word",
    )


def _result(row: rx.Var, index: rx.Var, selected: rx.Var | str) -> rx.Component:
    is_selected = row["number"] == selected
    return row_link(
        rx.vstack(
            headline(row),
            rx.hstack(
                rx.cond(row["why"] != "", rx.badge(row["why"], size="1", variant="outline", color_scheme="gray")),
                rx.cond(row["private"] != "", rx.badge(tr("search.private_note"), size="1", color_scheme="amber")),
                _snippet(S.snippets[index]),
                width="100%",
                align="start",
                spacing="2",
            ),
            rx.hstack(
                rx.badge(tr("status." + row["status"]), size="1", variant="soft"),
                rx.text(row["inbox"], size="1", color_scheme="gray", truncate=True, min_width="0"),
                spacing="2",
                align="center",
                width="100%",
                min_width="0",
            ),
            spacing="1",
            width="100%",
            padding="12px",
        ),
        row,
        is_selected,
        class_name="search-result",
    )


def search_results(selected: rx.Var | str = "") -> rx.Component:
    """The results in the list's place, with their own pages."""
    return rx.vstack(
        rx.box(
            rx.cond(
                S.results.length() > 0,
                rx.box(rx.foreach(S.results, lambda row, index: _result(row, index, selected)), width="100%"),
                rx.center(rx.text(tr("search.no_results"), color_scheme="gray"), padding="48px 16px"),
            ),
            id=RESULTS_ID,
            aria_label=tr("search.results"),
            flex="1",
            min_height="0",
            overflow_y="auto",
            width="100%",
            border_top=f"1px solid {rx.color('gray', 4)}",
        ),
        rx.hstack(
            rx.button(
                tr("pagination.previous"), on_click=S.previous_page, disabled=S.page <= 1, variant="soft", size="1"
            ),
            rx.text(tr("pagination.page"), " ", S.page, size="2"),
            rx.button(tr("pagination.next"), on_click=S.next_page, disabled=~S.has_next, variant="soft", size="1"),
            justify="end",
            align="center",
            width="100%",
            padding="8px 12px",
            border_top=f"1px solid {rx.color('gray', 4)}",
        ),
        spacing="0",
        flex="1",
        min_height="0",
        width="100%",
    )
