"""The agents' conversation list: status tabs, filters, rows, pages. It stands alone on
/app/inbox and as the left pane beside the open conversation."""

import reflex as rx

from kiko_livechat.components.chat import resync_timer
from kiko_livechat.components.conversation_row import headline, row_link
from kiko_livechat.components.keyboard import keyboard_listener, shortcuts_dialog
from kiko_livechat.components.labels import active_label_filter, label_filter, row_chips
from kiko_livechat.components.search_box import search_box, search_results
from kiko_livechat.components.snooze import time_zone_probe
from kiko_livechat.components.text import tr
from kiko_livechat.services.conversations import ASSIGNEE_FILTERS, SORTS, STATUS_FILTERS
from kiko_livechat.state.inbox import ConversationListState as S
from kiko_livechat.state.search import SearchState

# Stands for "no filter" in selects, whose items need a non-empty value.
ANY = "any"
LIST_ID = "conversation-list"
# Wide enough for a name, a time and the start of the newest message.
LIST_WIDTH = "360px"
# The list keeps its scroll position when the agent opens a conversation (the page changes
# under it, so the element is made anew) and comes back: kept per tab in sessionStorage.
# Alt+J / Alt+K (as in Chatwoot) open the next / previous conversation of the list.
_LIST_SCRIPT = f"""
() => {{
  const list = document.getElementById("{LIST_ID}");
  if (list && !list.dataset.kept) {{
    list.dataset.kept = "1";
    const key = "kiko.conversationList.scrollTop";
    const saved = Number(sessionStorage.getItem(key) || 0);
    // The rows are in the tab's state already when the agent comes from another page of it.
    requestAnimationFrame(() => {{ list.scrollTop = saved; }});
    list.addEventListener("scroll", () => sessionStorage.setItem(key, String(list.scrollTop)), {{passive: true}});
  }}
  if (window.__kikoListKeys) return;
  window.__kikoListKeys = true;
  window.addEventListener("keydown", (event) => {{
    const step = {{KeyJ: 1, KeyK: -1}}[event.code];
    if (!event.altKey || event.ctrlKey || event.metaKey || !step) return;
    const rows = Array.from(document.querySelectorAll("#{LIST_ID} .conversation-row"));
    if (!rows.length) return;
    const at = rows.findIndex((row) => row.getAttribute("aria-current") === "page");
    const next = rows[at < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, at + step))];
    event.preventDefault();
    next.scrollIntoView({{block: "nearest"}});
    next.click();
  }});
}}
"""


def _status_tabs() -> rx.Component:
    def tab(status: str) -> rx.Component:
        count = S.counts.get(status, 0)
        return rx.tabs.trigger(
            rx.hstack(
                rx.text(tr(f"conversations.tab.{status}")),
                rx.badge(
                    count,
                    variant=rx.cond(count > 0, "solid", "soft") if status == "pending" else "soft",
                    color_scheme=rx.cond(count > 0, "amber", "gray") if status == "pending" else "gray",
                    radius="full",
                    size="1",
                    class_name=f"tab-count-{status}",
                ),
                spacing="2",
                align="center",
            ),
            value=status,
            id=f"tab-{status}",
        )

    return rx.tabs.root(
        # Five tabs are wider than the pane: the strip scrolls sideways instead of wrapping.
        rx.tabs.list(*[tab(status) for status in STATUS_FILTERS], size="1", overflow_x="auto", flex_wrap="nowrap"),
        value=S.status_filter,
        on_change=S.show_status,
        width="100%",
    )


def _select(label_key: str, value: rx.Var, on_change, *items: rx.Component, select_id: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=tr(label_key), variant="soft", id=select_id, max_width="100%"),
        rx.select.content(*items),
        value=value,
        on_change=on_change,
        size="1",
    )


def _choice_filter(label_key, all_key, value: rx.Var, options: rx.Var, on_change, select_id, *, shown) -> rx.Component:
    """A select of one of `options` (id, name) or all of them ("" in the state)."""
    return rx.cond(
        shown,
        _select(
            label_key,
            rx.cond(value == "", ANY, value),
            on_change,
            rx.select.item(tr(all_key), value=ANY),
            rx.foreach(options, lambda o: rx.select.item(o["name"], value=o["id"])),
            select_id=select_id,
        ),
    )


def _filters() -> rx.Component:
    return rx.vstack(
        rx.segmented_control.root(
            *[rx.segmented_control.item(tr(f"conversations.assignee.{a}"), value=a) for a in ASSIGNEE_FILTERS],
            value=S.assignee_filter,
            on_change=S.show_assignee,
            size="1",
            width="100%",
            # Three equal columns (the sliding highlight assumes them): "Nicht zugewiesen" fits
            # the pane with little padding.
            style={"& .rt-SegmentedControlItemLabel": {"padding_left": "4px", "padding_right": "4px"}},
        ),
        rx.hstack(
            _choice_filter(
                "conversations.inbox_filter",
                "conversations.all_inboxes",
                S.inbox_filter,
                S.inbox_options,
                S.show_inbox,
                "inbox-filter",
                shown=S.inbox_options.length() > 1,
            ),  # fmt: skip
            _choice_filter(
                "conversations.team_filter",
                "conversations.all_teams",
                S.team_filter,
                S.team_options,
                S.show_team,
                "team-filter",
                shown=S.team_options.length() > 0,
            ),  # fmt: skip
            label_filter(),
            rx.spacer(),
            _select(
                "conversations.sort",
                S.sort,
                S.sort_by,
                *[rx.select.item(tr(f"conversations.sort.{s}"), value=s) for s in SORTS],
                select_id="sort",
            ),
            spacing="2",
            wrap="wrap",
            width="100%",
        ),
        active_label_filter(),
        spacing="2",
        width="100%",
    )


def _row(row: rx.Var, selected: rx.Var | str) -> rx.Component:
    is_selected = row["number"] == selected
    return row_link(
        rx.hstack(
            rx.avatar(fallback=row["name"].to(str)[:1], size="3", radius="full", color_scheme="indigo"),
            rx.vstack(
                headline(row, name_class="conversation-name"),
                rx.hstack(
                    # No text-box trimming and a line height of its own: descenders (g, p, _)
                    # stay inside the clipped line.
                    rx.text(
                        rx.text.span(row["sender"], weight="medium"),
                        row["preview"],
                        size="2",
                        color_scheme="gray",
                        class_name="preview",
                        overflow="hidden",
                        text_overflow="ellipsis",
                        white_space="nowrap",
                        line_height="1.5",
                        flex="1",
                        min_width="0",
                    ),
                    rx.cond(row["unread"] != "", rx.badge(row["unread"], color_scheme="red", radius="full")),
                    width="100%",
                    align="center",
                ),
                rx.hstack(
                    rx.cond(
                        row["with_bot"] != "",
                        rx.badge(
                            rx.icon("bot", size=12),
                            tr("conversations.with_bot"),
                            color_scheme="amber",
                            size="1",
                            class_name="with-bot",
                        ),  # fmt: skip
                        rx.badge(tr("status." + row["status"]), size="1", variant="soft"),
                    ),
                    rx.text(row["inbox"], size="1", color_scheme="gray", truncate=True, min_width="0"),
                    rx.text("·", size="1", color_scheme="gray", flex_shrink="0"),
                    rx.text(
                        rx.cond(row["assignee"] != "", row["assignee"], tr("conversations.unassigned")),
                        size="1",
                        color_scheme="gray",
                        truncate=True,
                        min_width="0",
                    ),  # fmt: skip
                    spacing="2",
                    align="center",
                    width="100%",
                    min_width="0",
                ),
                row_chips(row["labels"]),
                # A line of its own: beside the status it squeezed the inbox and assignee away.
                rx.cond(
                    row["wakes"] != "",
                    rx.text(tr("snooze.until"), " ", row["wakes"], size="1", color_scheme="gray", class_name="wakes"),
                ),
                spacing="1",
                width="100%",
                min_width="0",
            ),
            spacing="3",
            width="100%",
            padding="12px",
            align="start",
        ),
        row,
        is_selected,
        class_name=rx.cond(is_selected, "conversation-row selected", "conversation-row"),
        aria_current=rx.cond(is_selected, "page", "false"),
    )


def _pagination() -> rx.Component:
    return rx.hstack(
        rx.button(tr("pagination.previous"), on_click=S.previous_page, disabled=S.page <= 1, variant="soft", size="1"),
        rx.text(tr("pagination.page"), " ", S.page, size="2"),
        rx.button(tr("pagination.next"), on_click=S.next_page, disabled=~S.has_next, variant="soft", size="1"),
        justify="end",
        align="center",
        width="100%",
        padding="8px 12px",
        border_top=f"1px solid {rx.color('gray', 4)}",
    )


def conversation_list(selected: rx.Var | str = "") -> rx.Component:
    """The list as a column that fills its pane; `selected` is the number of the conversation
    shown beside it (highlighted)."""
    return rx.vstack(
        rx.vstack(
            rx.hstack(search_box(), shortcuts_dialog(), width="100%", align="start", spacing="2"),
            # Results come from every status and filter: the list's own controls step aside.
            rx.cond(SearchState.active, rx.fragment(), rx.fragment(_status_tabs(), _filters())),
            spacing="2",
            width="100%",
            padding="12px 12px 8px",
        ),
        rx.cond(SearchState.active, search_results(selected), rx.fragment(_list_rows(selected), _pagination())),
        spacing="0",
        height="100%",
        width="100%",
    )


def _list_rows(selected: rx.Var | str) -> rx.Component:
    return rx.box(
        rx.cond(
            S.rows.length() > 0,
            rx.box(rx.foreach(S.rows, lambda row: _row(row, selected)), width="100%"),
            rx.center(rx.text(tr("conversations.empty"), color_scheme="gray"), padding="48px 16px"),
        ),
        id=LIST_ID,
        on_mount=rx.call_function(_LIST_SCRIPT),
        flex="1",
        min_height="0",
        overflow_y="auto",
        width="100%",
        border_top=f"1px solid {rx.color('gray', 4)}",
    )


def list_pane(selected: rx.Var | str, *, alone: bool) -> rx.Component:
    """The list as the workspace's left pane. `alone`: nothing else is open, so on a phone the
    list is the page; beside a conversation it shows only where there is room for both."""
    return rx.box(
        resync_timer(S.resync),
        keyboard_listener(),
        time_zone_probe(),
        conversation_list(selected),
        width=rx.breakpoints(initial="100%", md=LIST_WIDTH) if alone else LIST_WIDTH,
        flex_shrink="0",
        height="100%",
        display="block" if alone else rx.breakpoints(initial="none", md="block"),
        border_right=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 1),
        id="list-pane",
    )
