"""/app/inbox: the conversations the agent may see, live; on a wide screen the list stands at
the left of the space where a conversation opens (pages/conversation.py fills it)."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.conversation_list import list_pane
from kiko_livechat.components.layout import workspace
from kiko_livechat.components.text import tr
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.state.inbox import ConversationListState as S
from kiko_livechat.state.session import SessionState


def _nothing_open() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon("messages-square", size=40, color=rx.color("gray", 8)),
            rx.text(tr("conversations.pick"), color_scheme="gray", align="center"),
            align="center",
            spacing="3",
        ),
        flex="1",
        height="100%",
        padding="24px",
        display=rx.breakpoints(initial="none", md="flex"),
        id="nothing-open",
    )


def inbox_page() -> rx.Component:
    return workspace("nav.conversations", routes.INBOX, list_pane("", alone=True), _nothing_open())


def register(app: rx.App) -> None:
    app.add_page(inbox_page, route=routes.INBOX, title=PRODUCT_NAME, on_load=[SessionState.require_login, S.load])
