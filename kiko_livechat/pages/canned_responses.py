"""/app/settings/canned-responses: prepared answers called with "/short_code" in the composer.
Administrators manage the account-wide ones; every agent manages their own personal ones."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.admin_widgets import edit_and_delete, switch_field, tr_with
from kiko_livechat.components.forms import card_section, dialog_actions, field, form_error, form_notice
from kiko_livechat.components.layout import dashboard, settings_nav
from kiko_livechat.components.text import tr
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.services.canned_responses import CONTENT_MAX, SHORT_CODE_MAX, VARIABLES
from kiko_livechat.state.canned_responses import CannedCreateState, CannedEditState, CannedResponsesState
from kiko_livechat.state.session import SessionState

# The code as the agent types it in the composer.
SLASH = "/"


def _variables_hint() -> rx.Component:
    return rx.vstack(
        rx.text(tr("canned.variables"), size="1", color_scheme="gray"),
        rx.flex(
            *[rx.code("{{" + name + "}}", size="1", variant="soft") for name in VARIABLES],
            wrap="wrap",
            gap="6px",
        ),
        spacing="1",
    )


def _fields(form_state, code: rx.Var | str, content: rx.Var | str, prefix: str):
    """Short code and content: the same fields to create and to edit."""
    return (
        field(
            "canned.field.short_code",
            rx.input(
                rx.input.slot(SLASH),
                name="short_code",
                default_value=code,
                max_length=SHORT_CODE_MAX + 1,
                id=f"{prefix}-short-code",
                auto_complete="off",
            ),
            form_state.errors.get("short_code", ""),
            "canned.field.short_code_hint",
        ),
        field(
            "canned.field.content",
            rx.text_area(
                name="content",
                default_value=content,
                max_length=CONTENT_MAX,
                rows="5",
                id=f"{prefix}-content",
            ),
            form_state.errors.get("content", ""),
        ),
        _variables_hint(),
    )


def _create_form() -> rx.Component:
    return card_section(
        "canned.create.title",
        rx.form(
            rx.vstack(
                form_notice(CannedCreateState.notice),
                form_error(CannedCreateState.errors.get("", "")),
                *_fields(CannedCreateState, "", "", "new-canned"),
                rx.cond(
                    SessionState.is_admin,
                    switch_field(
                        "personal", "canned.field.personal", False, "new-canned-personal", "canned.field.personal_hint"
                    ),
                    rx.text(tr("canned.agent_note"), size="2", color_scheme="gray"),
                ),
                rx.button(
                    rx.icon("plus", size=16),
                    tr("canned.create.submit"),
                    type="submit",
                    id="create-canned",
                    width="fit-content",
                ),
                spacing="3",
                align="stretch",
            ),
            # A new key after each created response re-mounts the form empty.
            key=CannedCreateState.created_count,
            on_submit=CannedCreateState.create,
        ),
    )


def _scope_badge(personal: rx.Var) -> rx.Component:
    return rx.cond(
        personal,
        rx.badge(rx.icon("user", size=12), tr("canned.scope.personal"), color_scheme="amber", variant="soft"),
        rx.badge(rx.icon("users", size=12), tr("canned.scope.account"), color_scheme="indigo", variant="soft"),
    )


def _row_actions(row: rx.Var) -> rx.Component:
    return edit_and_delete(
        "canned",
        "canned",
        row.id,
        CannedEditState.start(row.id),
        CannedResponsesState.delete(row.id),
        tr_with("canned.delete.confirm", code=row.short_code),
    )


def _row_card(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.code(SLASH + row.short_code, size="3", weight="bold", class_name="canned-code"),
                _scope_badge(row.personal),
                rx.spacer(),
                rx.cond(row.can_manage, _row_actions(row)),
                align="center",
                wrap="wrap",
                width="100%",
            ),
            # Text, never markup: line breaks kept, anything else shown as typed.
            rx.text(
                row.content, size="2", white_space="pre-wrap", word_break="break-word", class_name="canned-content"
            ),
            rx.cond(CannedResponsesState.failed_row == row.id, form_error(CannedResponsesState.errors.get("", ""))),
            spacing="2",
            align="stretch",
        ),
        role="region",
        aria_label=SLASH + row.short_code,
        class_name="canned-row",
        width="100%",
    )


def _list() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(tr("canned.list.title"), size="4"),
            rx.spacer(),
            # Searched on Enter (a search per keystroke would reload the list each time).
            rx.form(
                rx.input(
                    rx.input.slot(rx.icon("search", size=14)),
                    name="search",
                    type="search",
                    placeholder=tr("canned.search"),
                    aria_label=tr("canned.search"),
                    default_value=CannedResponsesState.search,
                    id="canned-search",
                ),
                on_submit=CannedResponsesState.set_search,
                max_width="260px",
                width="100%",
            ),
            align="center",
            wrap="wrap",
            width="100%",
            spacing="3",
        ),
        rx.text(tr("canned.intro"), size="2", color_scheme="gray"),
        rx.cond(
            CannedResponsesState.rows.length() > 0,
            rx.vstack(rx.foreach(CannedResponsesState.rows, _row_card), spacing="3", width="100%"),
            rx.callout(
                tr(rx.cond(CannedResponsesState.search != "", "canned.no_match", "canned.empty")),
                icon="info",
                width="100%",
            ),
        ),
        rx.cond(CannedResponsesState.more, rx.text(tr("canned.more"), size="2", color_scheme="gray")),
        spacing="3",
        width="100%",
        align="stretch",
    )


def _edit_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr("canned.edit.title")),
            rx.form(
                rx.vstack(
                    form_error(CannedEditState.errors.get("", "")),
                    *_fields(CannedEditState, CannedEditState.short_code, CannedEditState.content, "edit-canned"),
                    dialog_actions(CannedEditState.close, "canned.edit.submit", "save-canned"),
                    spacing="3",
                    align="stretch",
                ),
                # Keyed on the response: the fields re-mount with its stored values.
                key=CannedEditState.canned_ref,
                on_submit=CannedEditState.save,
            ),
            max_width="560px",
        ),
        open=CannedEditState.open,
        # Escape or a click outside closes it like the cancel button.
        on_open_change=lambda _open: CannedEditState.close(),
    )


def canned_responses_page() -> rx.Component:
    return dashboard(
        "settings.title",
        routes.SETTINGS_CANNED,
        settings_nav(routes.SETTINGS_CANNED),
        _create_form(),
        _list(),
        _edit_dialog(),
    )


def register(app: rx.App) -> None:
    app.add_page(
        canned_responses_page,
        route=routes.SETTINGS_CANNED,
        title=PRODUCT_NAME,
        on_load=[SessionState.require_login, CannedResponsesState.load],
    )
