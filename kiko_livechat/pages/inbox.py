"""/app/inbox: the conversations section; for now an overview of the inboxes the user works."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.layout import dashboard
from kiko_livechat.components.text import tr
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.state.overview import InboxOverviewState
from kiko_livechat.state.session import SessionState


def _stat(value: rx.Var, label_key: str, color: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(value, size="7", color=rx.color(color, 11)),
            rx.text(tr(label_key), size="2", color_scheme="gray"),
            spacing="1",
        ),
        flex="1",
        min_width="160px",
    )


def _inbox_row(inbox: rx.Var) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.icon(rx.cond(inbox["channel"] == "api", "bot", "globe"), size=20, color=rx.color("accent", 10)),
            rx.vstack(
                rx.text(inbox["name"], weight="medium"),
                rx.text(tr("channel." + inbox["channel"]), size="1", color_scheme="gray"),
                spacing="0",
            ),
            rx.spacer(),
            rx.badge(inbox["open"], " ", tr("conversations.open_count"), color_scheme="green", size="2"),
            rx.badge(inbox["pending"], " ", tr("conversations.pending_count"), color_scheme="amber", size="2"),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        width="100%",
    )


def inbox_page() -> rx.Component:
    return dashboard(
        "conversations.title",
        routes.INBOX,
        rx.flex(
            _stat(InboxOverviewState.open_total, "status.open", "green"),
            _stat(InboxOverviewState.pending_total, "status.pending", "amber"),
            spacing="4",
            wrap="wrap",
        ),
        rx.heading(tr("conversations.inboxes"), size="4"),
        rx.cond(
            InboxOverviewState.inboxes.length() > 0,
            rx.vstack(rx.foreach(InboxOverviewState.inboxes, _inbox_row), spacing="3", width="100%"),
            rx.callout(tr("conversations.no_inboxes"), icon="info"),
        ),
    )


def register(app: rx.App) -> None:
    app.add_page(
        inbox_page,
        route=routes.INBOX,
        title=PRODUCT_NAME,
        on_load=[SessionState.require_login, InboxOverviewState.load],
    )
