"""/app/conversations/<number>: one conversation, live."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.attachments import attach_box, attach_button, attachment_list
from kiko_livechat.components.canned_picker import canned_picker
from kiko_livechat.components.chat import bubble, message_input, resync_timer, typing_line
from kiko_livechat.components.conversation_list import list_pane
from kiko_livechat.components.forms import card_section, form_error
from kiko_livechat.components.labels import header_labels, resolve_button, resolve_dialog
from kiko_livechat.components.layout import workspace
from kiko_livechat.components.snooze import snooze_menu
from kiko_livechat.components.text import tr
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.state.conversation import NOBODY
from kiko_livechat.state.conversation import ConversationState as C
from kiko_livechat.state.inbox import ConversationListState
from kiko_livechat.state.session import SessionState

AGENT_COLOR = "var(--accent-9)"


def _message(m: rx.Var) -> rx.Component:
    outgoing = (m["kind"] == "agent") | (m["kind"] == "bot")
    return rx.cond(
        m["kind"] == "activity",
        rx.center(
            rx.text(m["text"], " · ", m["time"], size="1", color_scheme="gray"),
            width="100%",
            class_name="activity-line",
        ),  # fmt: skip
        rx.vstack(
            rx.text(
                rx.cond(m["kind"] == "bot", tr("conversation.bot"), m["sender"]),
                rx.cond(m["private"] != "", rx.text.span(" · ", tr("conversation.private_note"))),
                size="1",
                color_scheme="gray",
                align=rx.cond(outgoing, "right", "left"),
                width="100%",
            ),
            # A message of files only has no bubble, only its files.
            rx.cond(
                m["text"] != "",
                bubble(rx.text(m["text"], size="2"), mine=outgoing, color=AGENT_COLOR, note=m["private"] != ""),
            ),
            attachment_list(m["files"], tr, mine=outgoing),
            rx.text(
                m["time"],
                rx.cond(m["seen"] != "", rx.text.span(" · ", tr("conversation.seen"), class_name="seen-marker")),
                size="1",
                color_scheme="gray",
                align=rx.cond(outgoing, "right", "left"),
                width="100%",
            ),
            spacing="1",
            width="100%",
            class_name=rx.cond(m["private"] != "", "message private-note", "message"),
            data_message_id=m["id"],
        ),
    )


def _status_actions() -> rx.Component:
    return rx.hstack(
        rx.cond(
            C.status == "resolved",
            rx.button(tr("conversation.reopen"), on_click=C.change_status("open"), size="2", id="reopen"),
            resolve_button(),
        ),
        rx.cond(
            (C.status == "open") | (C.status == "snoozed"),
            rx.button(tr("conversation.pending"), on_click=C.change_status("pending"), size="2", variant="soft"),
        ),
        rx.cond(
            C.status == "pending",
            rx.button(tr("conversation.open"), on_click=C.change_status("open"), size="2", variant="soft"),
        ),
        rx.cond(C.status != "resolved", snooze_menu()),
        spacing="2",
        wrap="wrap",
    )


def _note_switch() -> rx.Component:
    # Outside the form: a switch inside it would be sent along as form data.
    return rx.hstack(
        rx.switch(checked=C.note_mode, on_change=lambda _: C.toggle_note(), id="note-mode"),
        rx.text(tr("conversation.private_note"), size="2"),
        align="center",
        spacing="2",
    )


def _composer() -> rx.Component:
    return rx.form(
        rx.vstack(
            form_error(C.errors.get("content", C.errors.get("attachments", C.errors.get("", "")))),
            message_input(
                "composer",
                rx.cond(C.note_mode, tr("conversation.note_placeholder"), tr("conversation.placeholder")),
                C.typing,
                rows="3",
                background=rx.cond(C.note_mode, rx.color("amber", 2), "transparent"),
            ),
            # "/" + short code: canned responses, in replies and private notes alike.
            canned_picker("composer", C.number),
            # Files: the paperclip, dropped on the conversation, pasted into the text field.
            attach_box(
                tr,
                upload_url=routes.UPLOADS + "?conversation=" + C.number,
                locale=C.locale,
                sent=C.sent_count,
                input_id="composer",
                drop_id="conversation-pane",
                scroll_id="messages",
                send_id="send-reply",
                button_id="attach-button",
            ),
            rx.hstack(
                attach_button(tr, "attach-button"),
                rx.spacer(),
                rx.button(
                    rx.cond(C.note_mode, tr("conversation.add_note"), tr("conversation.send")),
                    type="submit",
                    id="send-reply",
                    color_scheme=rx.cond(C.note_mode, "amber", "indigo"),
                ),
                width="100%",
                align="center",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=C.send,
        reset_on_submit=False,
        width="100%",
    )


def _back_to_list() -> rx.Component:
    """On a phone the list is not beside the conversation: the way back to it."""
    return rx.link(
        rx.icon_button(
            rx.icon("arrow-left", size=18), variant="ghost", aria_label=tr("conversation.back"), tab_index=-1
        ),  # fmt: skip
        href=routes.INBOX,
        display=rx.breakpoints(initial="inline-flex", md="none"),
        id="back-to-list",
        aria_label=tr("conversation.back"),
    )


def _details_button() -> rx.Component:
    """Below the contact pane's breakpoint its content opens in a dialog."""
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.icon_button(
                rx.icon("panel-right", size=18),
                variant="soft",
                aria_label=tr("conversation.details"),
                id="details-button",
            ),  # fmt: skip
        ),
        rx.dialog.content(
            rx.hstack(
                rx.dialog.title(tr("conversation.details"), size="4", margin="0"),
                rx.spacer(),
                rx.dialog.close(rx.icon_button(rx.icon("x", size=16), variant="ghost", aria_label=tr("dialog.close"))),
                width="100%",
                align="center",
            ),
            _side_panel(),
            max_width="420px",
        ),
    )


def _header() -> rx.Component:
    return rx.hstack(
        _back_to_list(),
        rx.vstack(
            rx.heading(C.title, size="4", id="conversation-title", truncate=True, max_width="100%"),
            rx.hstack(
                rx.text("#", C.number, " · ", C.inbox_name, size="2", color_scheme="gray", truncate=True),
                rx.badge(tr("status." + C.status), id="conversation-status"),
                spacing="2",
                align="center",
            ),
            header_labels(),
            spacing="1",
            min_width="0",
            # At least this wide: the actions move to a line of their own instead of squeezing the name.
            flex="1 1 200px",
        ),
        _status_actions(),
        rx.box(_details_button(), display=rx.breakpoints(initial="block", lg="none")),
        width="100%",
        wrap="wrap",
        align="center",
        spacing="3",
        padding="12px 16px",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
    )


def _conversation_pane() -> rx.Component:
    return rx.vstack(
        _header(),
        form_error(C.errors.get("status", C.errors.get("snoozed_until", ""))),
        rx.auto_scroll(
            rx.vstack(rx.foreach(C.messages, _message), spacing="3", width="100%", padding="12px 16px"),
            flex="1",
            min_height="0",
            width="100%",
            id="messages",
        ),
        rx.vstack(
            rx.cond(
                C.visitor_typing,
                typing_line(
                    tr("conversation.visitor_typing"),
                    seq=C.typing_seq,
                    size="1",
                    color_scheme="gray",
                    id="visitor-typing",
                ),
            ),  # fmt: skip
            _note_switch(),
            _composer(),
            spacing="2",
            width="100%",
            padding="8px 16px 12px",
            border_top=f"1px solid {rx.color('gray', 5)}",
        ),
        spacing="0",
        flex="1",
        min_width="0",
        height="100%",
        id="conversation-pane",
    )


def _select(value: rx.Var, options: rx.Var, on_change, nobody_key: str, select_id: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(id=select_id, width="100%"),
        rx.select.content(
            rx.select.item(tr(nobody_key), value=NOBODY),
            rx.foreach(options, lambda o: rx.select.item(o["name"], value=o["id"])),
        ),
        value=value,
        on_change=on_change,
    )


def _side_panel() -> rx.Component:
    return rx.vstack(
        card_section(
            "conversation.contact",
            rx.text(rx.cond(C.contact_name != "", C.contact_name, C.title), weight="medium"),
            rx.cond(C.contact_email != "", rx.text(C.contact_email, size="2")),
            rx.cond(C.contact_phone != "", rx.text(C.contact_phone, size="2")),
        ),
        card_section(
            "conversation.assignment",
            form_error(C.errors.get("assignee_id", "")),
            rx.text(tr("conversation.agent"), size="2", weight="medium"),
            _select(C.assignee_ref, C.agent_options, C.assign_agent, "conversation.nobody", "assignee"),
            rx.button(tr("conversation.assign_me"), on_click=C.assign_to_me, size="1", variant="soft"),
            rx.text(tr("conversation.team"), size="2", weight="medium"),
            _select(C.team_ref, C.team_options, C.assign_team, "conversation.no_team", "team"),
        ),
        card_section(
            "conversation.earlier",
            rx.cond(
                C.earlier.length() > 0,
                rx.vstack(
                    rx.foreach(
                        C.earlier,
                        lambda e: rx.link(
                            rx.hstack(
                                rx.text("#", e["number"]),
                                rx.badge(tr("status." + e["status"])),
                                rx.text(e["created"], size="1", color_scheme="gray"),
                                align="center",
                            ),  # fmt: skip
                            href="/app/conversations/" + e["number"].to(str),
                        ),
                    ),
                    spacing="2",
                ),
                rx.text(tr("conversation.no_earlier"), size="2", color_scheme="gray"),
            ),
        ),
        spacing="4",
        width="100%",
    )


def _contact_pane() -> rx.Component:
    return rx.box(
        _side_panel(),
        width="280px",
        flex_shrink="0",
        height="100%",
        overflow_y="auto",
        padding="16px",
        border_left=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 2),
        display=rx.breakpoints(initial="none", lg="block"),
        id="contact-pane",
    )


def conversation_page() -> rx.Component:
    return workspace(
        "nav.conversations",
        routes.INBOX,
        list_pane(C.number, alone=False),
        resync_timer(C.resync),
        rx.cond(
            C.found,
            rx.fragment(_conversation_pane(), _contact_pane(), resolve_dialog()),
            rx.box(
                _back_to_list(),
                rx.callout(tr("error.not_found"), icon="circle_alert", color_scheme="gray"),
                flex="1",
                padding="24px",
            ),
        ),
    )


def register(app: rx.App) -> None:
    app.add_page(
        conversation_page,
        route=routes.CONVERSATION,
        title=PRODUCT_NAME,
        on_load=[SessionState.require_login, ConversationListState.load, C.load],
    )
