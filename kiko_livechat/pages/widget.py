"""/widget/<inbox_token>: the visitor's chat page, shown in the iframe the embed script opens.

Kept light on purpose: no dashboard layout, no charts, only the chat.
"""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.attachments import attach_box, attach_button, attachment_list
from kiko_livechat.components.chat import bubble, message_input, resync_timer, typing_line
from kiko_livechat.components.forms import form_error
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.state.widget import WidgetState


def tr(key: str) -> rx.Var:
    """The chat page's own texts (WidgetState sends only those, not the dashboard's catalog)."""
    return WidgetState.t[key]


def _close_button() -> rx.Component:
    """Minimises the chat in the embedding page; assets/widget-frame.js handles the click (and
    Esc) and shows the button only when the page runs in the embed script's iframe."""
    return rx.icon_button(
        rx.icon("minus", size=20),
        id="widget-close",
        type="button",
        variant="ghost",
        color="white",
        aria_label=tr("widget.close"),
        title=tr("widget.close"),
        margin_left="auto",
    )


def _header() -> rx.Component:
    """The agent the visitor talks to once there is one (avatar: their initial), else the
    inbox; and whether anybody is there. Both live (state/widget.py)."""
    has_agent = WidgetState.agent_name != ""
    return rx.hstack(
        rx.cond(
            has_agent,
            rx.box(
                rx.avatar(
                    fallback=WidgetState.agent_initial,
                    size="3",
                    radius="full",
                    color_scheme="gray",
                    variant="solid",
                    high_contrast=True,
                ),
                id="widget-agent-avatar",
                display="flex",
            ),
            rx.icon("messages-square", size=20, color="white"),
        ),
        rx.vstack(
            rx.text(rx.cond(has_agent, WidgetState.agent_name, WidgetState.inbox_name), weight="bold", color="white"),
            rx.text(
                rx.cond(
                    WidgetState.online,
                    rx.cond(has_agent & WidgetState.agent_here, tr("widget.agent_online"), tr("widget.online")),
                    tr("widget.offline"),
                ),
                size="1",
                color="white",
                opacity="0.85",
            ),
            spacing="0",
        ),
        _close_button(),
        background=WidgetState.color,
        padding="12px 16px",
        width="100%",
        align="center",
        id="widget-header",
    )


def _message(message: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.cond(
            ~message["mine"].to(bool) & (message["sender"] != ""),
            rx.text(message["sender"], size="1", color_scheme="gray", padding_left="4px"),
        ),
        # A message of files only has no bubble, only its files.
        rx.cond(
            message["content"] != "",
            bubble(rx.text(message["content"], size="2"), mine=message["mine"].to(bool), color=WidgetState.color),
        ),
        attachment_list(message["files"], tr, mine=message["mine"].to(bool)),
        rx.text(
            message["time"],
            size="1",
            color_scheme="gray",
            align=rx.cond(message["mine"].to(bool), "right", "left"),
            width="100%",
        ),  # fmt: skip
        spacing="1",
        width="100%",
        class_name="widget-message",
        data_message_id=message["id"],
    )


def _notices() -> rx.Component:
    return rx.vstack(
        rx.cond(
            (WidgetState.blocked != "") & (WidgetState.conversation_ref == 0),
            rx.callout(tr("widget.unavailable"), icon="circle_alert", color_scheme="amber", size="1", width="100%"),
        ),
        rx.cond(
            (~WidgetState.online | WidgetState.unanswered)
            & (WidgetState.conversation_ref != 0)
            & ~WidgetState.email_left
            & ~WidgetState.answered,
            rx.form(
                rx.vstack(
                    rx.text(
                        rx.cond(WidgetState.unanswered, tr("widget.unanswered"), tr("widget.leave_email")),
                        size="2",
                        id="widget-email-offer",
                    ),
                    rx.hstack(
                        rx.input(name="email", type="email", id="widget-email", size="2", width="100%"),
                        rx.button(tr("widget.leave_email_submit"), type="submit", size="2"),
                        width="100%",
                    ),
                    form_error(WidgetState.errors.get("email", "")),
                    spacing="2",
                    width="100%",
                ),
                on_submit=WidgetState.leave_email,
                no_validate=True,
                width="100%",
            ),
        ),
        rx.cond(WidgetState.email_left, rx.text(tr("widget.email_thanks"), size="2", color_scheme="green")),
        width="100%",
        spacing="2",
    )


def _composer() -> rx.Component:
    return rx.form(
        rx.vstack(
            form_error(
                WidgetState.errors.get("content", WidgetState.errors.get("attachments", WidgetState.errors.get("", "")))
            ),
            # Files: the paperclip, dropped on the chat, pasted into the text field.
            attach_box(
                tr,
                upload_url=WidgetState.upload_url,
                locale=WidgetState.locale,
                sent=WidgetState.sent_count,
                input_id="widget-composer",
                drop_id="widget-chat",
                scroll_id="widget-messages",
                send_id="widget-send",
                button_id="widget-attach",
                visitor_key="kiko_visitor",
                preview="local",
            ),
            rx.hstack(
                attach_button(tr, "widget-attach", size="3"),
                message_input(
                    "widget-composer", tr("widget.placeholder"), WidgetState.typing, rows="2", auto_focus=True
                ),
                rx.icon_button(
                    rx.icon("send", size=18),
                    type="submit",
                    aria_label=tr("widget.send"),
                    id="widget-send",
                    background=WidgetState.color,
                ),
                width="100%",
                align="end",
            ),
            spacing="1",
            width="100%",
        ),
        on_submit=WidgetState.send,
        reset_on_submit=False,
        width="100%",
        padding="10px 12px",
        border_top=f"1px solid {rx.color('gray', 5)}",
    )


def _chat() -> rx.Component:
    return rx.vstack(
        resync_timer(WidgetState.resync),
        _header(),
        rx.auto_scroll(
            rx.vstack(
                rx.cond(
                    WidgetState.greeting != "",
                    bubble(rx.text(WidgetState.greeting, size="2"), mine=False, color=WidgetState.color),
                ),  # fmt: skip
                rx.foreach(WidgetState.messages, _message),
                rx.cond(
                    WidgetState.agent_typing != "",
                    typing_line(
                        WidgetState.agent_typing,
                        " ",
                        tr("widget.typing"),
                        seq=WidgetState.typing_seq,
                        size="1",
                        color_scheme="gray",
                        id="widget-typing",
                    ),  # fmt: skip
                ),
                _notices(),
                spacing="3",
                padding="12px",
                width="100%",
            ),
            flex="1",
            width="100%",
            id="widget-messages",
        ),
        _composer(),
        spacing="0",
        height="100vh",
        width="100%",
        background=rx.color("gray", 1),
        id="widget-chat",
    )


def _embedding() -> rx.Component:
    """What the embed protocol needs: its script, and the number of agent and bot messages shown
    (while the chat is closed, the script tells the launcher how many came in)."""
    return rx.fragment(
        rx.script(src="/widget-frame.js"),
        rx.el.style("html:not(.kiko-embedded) #widget-close { display: none; }"),
        rx.box(
            id="kiko-widget-bridge",
            display="none",
            custom_attrs={
                "data-ready": WidgetState.loaded.to_string(),
                "data-incoming": WidgetState.incoming.to_string(),
            },
        ),
    )


def widget_page() -> rx.Component:
    return rx.fragment(_embedding(), _content())


def _content() -> rx.Component:
    return rx.cond(
        WidgetState.loaded,
        rx.cond(
            WidgetState.unknown,
            rx.center(rx.text(tr("widget.error.unknown_inbox"), color_scheme="gray"), height="100vh", padding="24px"),
            _chat(),
        ),
        rx.center(rx.spinner(size="3"), height="100vh"),
    )


def register(app: rx.App) -> None:
    app.add_page(widget_page, route=routes.WIDGET, title=PRODUCT_NAME, on_load=WidgetState.open_widget)
