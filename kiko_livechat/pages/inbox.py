"""/app/inbox: the conversations the agent may see, live."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.chat import resync_timer
from kiko_livechat.components.layout import dashboard
from kiko_livechat.components.text import tr
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.services.conversations import ASSIGNEE_FILTERS, SORTS, STATUS_FILTERS
from kiko_livechat.state.inbox import ConversationListState as S
from kiko_livechat.state.session import SessionState

# Stands for "no filter" in selects, whose items need a non-empty value.
ANY = "any"
STATUS_COLORS = {"open": "green", "pending": "amber", "resolved": "gray", "snoozed": "blue"}


def _status_tabs() -> rx.Component:
    def tab(status: str) -> rx.Component:
        return rx.tabs.trigger(
            rx.hstack(
                rx.text(tr(f"conversations.tab.{status}")),
                rx.badge(S.counts.get(status, 0), variant="soft", radius="full", size="1"),
                spacing="2",
                align="center",
            ),
            value=status,
            id=f"tab-{status}",
        )

    return rx.tabs.root(
        rx.tabs.list(*[tab(status) for status in STATUS_FILTERS]),
        value=S.status_filter,
        on_change=S.show_status,
    )


def _filters() -> rx.Component:
    return rx.hstack(
        rx.segmented_control.root(
            *[rx.segmented_control.item(tr(f"conversations.assignee.{a}"), value=a) for a in ASSIGNEE_FILTERS],
            value=S.assignee_filter,
            on_change=S.show_assignee,
            size="1",
            # On a phone the three choices share the width instead of running off the screen.
            width=["100%", "auto"],
            style={"& .rt-SegmentedControlItemLabel": {"padding_left": "6px", "padding_right": "6px"}},
        ),
        rx.hstack(
            rx.button(
                tr("conversations.all_inboxes"),
                size="1",
                variant=rx.cond(S.inbox_filter == "", "solid", "soft"),
                on_click=S.show_inbox(""),
            ),
            rx.foreach(
                S.inbox_options,
                lambda i: rx.button(
                    i["name"],
                    size="1",
                    variant=rx.cond(S.inbox_filter == i["id"], "solid", "soft"),
                    on_click=S.show_inbox(i["id"]),
                ),
            ),
            spacing="1",
            wrap="wrap",
        ),
        rx.spacer(),
        rx.cond(
            S.team_options.length() > 0,
            rx.select.root(
                rx.select.trigger(aria_label=tr("conversations.team_filter"), variant="soft"),
                rx.select.content(
                    rx.select.item(tr("conversations.all_teams"), value=ANY),
                    rx.foreach(S.team_options, lambda t: rx.select.item(t["name"], value=t["id"])),
                ),
                value=rx.cond(S.team_filter == "", ANY, S.team_filter),
                on_change=S.show_team,
                size="1",
            ),
        ),
        rx.select.root(
            rx.select.trigger(aria_label=tr("conversations.sort"), variant="soft"),
            rx.select.content(*[rx.select.item(tr(f"conversations.sort.{s}"), value=s) for s in SORTS]),
            value=S.sort,
            on_change=S.sort_by,
            size="1",
        ),
        spacing="3",
        wrap="wrap",
        align="center",
        width="100%",
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.avatar(fallback=row["name"].to(str)[:1], size="3", radius="full", color_scheme="indigo"),
            rx.vstack(
                rx.hstack(
                    rx.text(row["name"], weight="bold", size="2", class_name="conversation-name"),
                    rx.text("#", row["number"], size="1", color_scheme="gray"),
                    rx.badge(tr("status." + row["status"]), size="1", variant="soft"),
                    rx.spacer(),
                    rx.text(row["time"], size="1", color_scheme="gray", white_space="nowrap"),
                    width="100%",
                    align="center",
                    spacing="2",
                ),
                rx.hstack(
                    rx.text(
                        row["preview"],
                        size="2",
                        color_scheme="gray",
                        trim="both",
                        class_name="preview",
                        overflow="hidden",
                        text_overflow="ellipsis",
                        white_space="nowrap",
                        flex="1",
                    ),  # fmt: skip
                    rx.cond(row["unread"] != "", rx.badge(row["unread"], color_scheme="red", radius="full")),
                    width="100%",
                    align="center",
                ),
                rx.hstack(
                    rx.text(row["inbox"], size="1", color_scheme="gray"),
                    rx.text("·", size="1", color_scheme="gray"),
                    rx.text(
                        rx.cond(row["assignee"] != "", row["assignee"], tr("conversations.unassigned")),
                        size="1",
                        color_scheme="gray",
                    ),  # fmt: skip
                    spacing="2",
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
        href="/app/conversations/" + row["number"].to(str),
        underline="none",
        color="inherit",
        display="block",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        _hover={"background": rx.color("gray", 2)},
        class_name="conversation-row",
        data_number=row["number"],
    )


def _list() -> rx.Component:
    return rx.card(
        rx.cond(
            S.rows.length() > 0,
            rx.box(rx.foreach(S.rows, _row), width="100%"),
            rx.center(rx.text(tr("conversations.empty"), color_scheme="gray"), padding="48px"),
        ),
        padding="0",
        width="100%",
    )


def _pagination() -> rx.Component:
    return rx.hstack(
        rx.button(tr("pagination.previous"), on_click=S.previous_page, disabled=S.page <= 1, variant="soft", size="1"),
        rx.text(tr("pagination.page"), " ", S.page, size="2"),
        rx.button(tr("pagination.next"), on_click=S.next_page, disabled=~S.has_next, variant="soft", size="1"),
        justify="end",
        align="center",
        width="100%",
    )


def inbox_page() -> rx.Component:
    return dashboard(
        "nav.conversations",
        routes.INBOX,
        resync_timer(S.resync),
        _status_tabs(),
        _filters(),
        _list(),
        _pagination(),
    )


def register(app: rx.App) -> None:
    app.add_page(inbox_page, route=routes.INBOX, title=PRODUCT_NAME, on_load=[SessionState.require_login, S.load])
