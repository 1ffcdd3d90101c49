"""/admin/login and /admin: the operator's console (super admins only, a login space of its own)."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.forms import card_section, field, form_error, form_notice
from kiko_livechat.components.operator_widgets import (
    header,
    invitation_link,
    state_badge,
)
from kiko_livechat.components.public import login_form, public_card_page
from kiko_livechat.components.session_forms import handover_form
from kiko_livechat.components.text import tr
from kiko_livechat.i18n import SUPPORTED_LOCALES
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.state.i18n import AppState
from kiko_livechat.state.operator import (
    PLANS,
    AccountsState,
    CreateAccountState,
    InviteState,
    OperatorLoginState,
    OperatorState,
)

ACCOUNT_COLUMNS = (
    "operator.accounts.name",
    "operator.accounts.plan",
    "operator.accounts.trial_ends",
    "operator.accounts.livechat",
    "operator.accounts.state",
    "operator.accounts.members",
    "operator.accounts.created",
    "operator.accounts.actions",
)


def _text_input(name: str, input_id: str, **props) -> rx.Component:
    return rx.input(name=name, id=input_id, max_length=254, **props)


def _choice(name: str, values: tuple[str, ...], label_prefix: str, default: str, select_id: str) -> rx.Component:
    """A select inside a form; its value is sent with the form under `name`."""
    return rx.select.root(
        rx.select.trigger(id=select_id, width="100%"),
        rx.select.content(*[rx.select.item(tr(label_prefix + value), value=value) for value in values]),
        name=name,
        default_value=default,
    )


# --- /admin/login -------------------------------------------------------------------------


def login_page() -> rx.Component:
    return public_card_page(
        login_form(OperatorLoginState, "operator.console", "operator.login.subtitle", "operator-login-submit"),
        handover_form(OperatorState.handover_ticket, routes.ADMIN),
    )


# --- /admin: the accounts table -----------------------------------------------------------


def _plan_select(row: rx.Var) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=tr("operator.accounts.plan"), variant="soft"),
        rx.select.content(*[rx.select.item(tr("plan." + plan), value=plan) for plan in PLANS]),
        value=row.plan,
        on_change=lambda plan: AccountsState.set_plan(row.account_id, plan),
        size="1",
    )


def _account_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.text(row.name, weight="medium"), min_width="160px"),
        rx.table.cell(_plan_select(row)),
        rx.table.cell(rx.cond(row.trial_ends != "", row.trial_ends, "—"), white_space="nowrap"),
        rx.table.cell(
            rx.switch(
                checked=row.livechat_active,
                on_change=lambda checked: AccountsState.set_livechat(row.account_id, checked),
                aria_label=tr("operator.accounts.livechat"),
            )
        ),
        rx.table.cell(state_badge(row.state)),
        rx.table.cell(row.members, text_align="right"),
        rx.table.cell(row.created, white_space="nowrap"),
        rx.table.cell(
            rx.button(
                rx.icon("user-plus", size=14),
                tr("operator.invite.open"),
                on_click=InviteState.start(row.account_id),
                variant="soft",
                size="1",
                white_space="nowrap",
            )
        ),
        align="center",
    )


def _accounts_table() -> rx.Component:
    # On a phone the table scrolls sideways inside its box instead of widening the page.
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(*[rx.table.column_header_cell(tr(key), white_space="nowrap") for key in ACCOUNT_COLUMNS])
            ),
            rx.table.body(rx.foreach(AccountsState.accounts, _account_row)),
            variant="surface",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
        id="accounts-table",
    )


def _accounts_section() -> rx.Component:
    return card_section(
        "operator.accounts.title",
        form_error(AccountsState.errors.get("", "")),
        rx.cond(
            AccountsState.loaded,
            rx.cond(
                AccountsState.accounts.length() > 0,
                _accounts_table(),
                rx.callout(tr("operator.accounts.empty"), icon="info"),
            ),
            rx.center(rx.spinner(), padding="24px"),
        ),
    )


# --- /admin: creating an account, inviting an administrator -------------------------------


def _create_section() -> rx.Component:
    errors = CreateAccountState.errors
    return card_section(
        "operator.create.title",
        form_notice(CreateAccountState.notice),
        invitation_link(CreateAccountState.link, CreateAccountState.link_caption, "created-link"),
        form_error(errors.get("", "")),
        rx.form(
            rx.vstack(
                rx.grid(
                    field("operator.create.name", _text_input("name", "account-name"), errors.get("name", "")),
                    field(
                        "operator.create.locale",
                        _choice("locale", SUPPORTED_LOCALES, "language.", SUPPORTED_LOCALES[0], "account-locale"),
                        errors.get("locale", ""),
                    ),
                    field(
                        "operator.create.admin_name",
                        _text_input("admin_name", "admin-name"),
                        errors.get("admin_name", ""),
                    ),
                    field(
                        "operator.create.admin_email",
                        _text_input("admin_email", "admin-email", type="email"),
                        errors.get("admin_email", ""),
                    ),
                    field(
                        "operator.create.plan",
                        _choice("plan", PLANS, "plan.", PLANS[0], "account-plan"),
                        errors.get("plan", ""),
                    ),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="4",
                    width="100%",
                ),
                rx.button(tr("operator.create.submit"), type="submit", id="create-account-submit"),
                spacing="4",
                align="start",
            ),
            on_submit=CreateAccountState.create,
            reset_on_submit=False,
            # The server checks and answers in the tab's language, not the browser's tooltip.
            no_validate=True,
        ),
    )


def _invite_form() -> rx.Component:
    errors = InviteState.errors
    return rx.form(
        rx.vstack(
            form_error(errors.get("", "")),
            field("operator.invite.name", _text_input("name", "invite-name"), errors.get("name", "")),
            field("operator.invite.email", _text_input("email", "invite-email", type="email"), errors.get("email", "")),
            rx.hstack(
                rx.dialog.close(rx.button(tr("operator.close"), type="button", variant="soft", color_scheme="gray")),
                rx.button(tr("operator.invite.submit"), type="submit", id="invite-submit"),
                justify="end",
                width="100%",
            ),
            spacing="4",
            align="stretch",
        ),
        on_submit=InviteState.invite,
        reset_on_submit=False,
        no_validate=True,
    )


def _invite_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr("operator.invite.title")),
            rx.text(InviteState.account_name, weight="bold", id="invite-account"),
            # Radix's Description is a Text; Reflex does not declare its size and colour props.
            rx.dialog.description(tr("operator.invite.description"), custom_attrs={"size": "2", "color": "gray"}),
            rx.box(
                rx.cond(
                    InviteState.link != "",
                    rx.vstack(
                        invitation_link(InviteState.link, InviteState.link_caption, "invite-link"),
                        rx.dialog.close(rx.button(tr("operator.close"), variant="soft")),
                        spacing="4",
                        align="end",
                    ),
                    _invite_form(),
                ),
                margin_top="16px",
            ),
            max_width="480px",
        ),
        open=InviteState.dialog_open,
        on_open_change=InviteState.set_dialog_open,
    )


def console_page() -> rx.Component:
    return rx.box(
        header(),
        rx.cond(
            OperatorState.operator_signed_in,
            rx.vstack(
                _accounts_section(),
                _create_section(),
                _invite_dialog(),
                spacing="5",
                padding=["16px", "24px", "32px"],
                width="100%",
                max_width="1280px",
                margin_x="auto",
                align="stretch",
            ),
            rx.center(rx.spinner(size="3"), padding="64px", width="100%"),
        ),
        min_height="100vh",
        background=rx.color("gray", 2),
    )


def register(app: rx.App) -> None:
    app.add_page(
        login_page,
        route=routes.ADMIN_LOGIN,
        title=PRODUCT_NAME,
        on_load=[AppState.apply_lang_pref, OperatorState.redirect_if_signed_in],
    )
    app.add_page(
        console_page,
        route=routes.ADMIN,
        title=PRODUCT_NAME,
        on_load=[AppState.apply_lang_pref, OperatorState.require_operator, AccountsState.load],
    )
