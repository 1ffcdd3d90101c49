"""/app/settings/inboxes (list, create a web widget or an API inbox) and
/app/settings/inboxes/[inbox_id] (one inbox's settings, embed snippet or bot token); administrators only."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.admin_widgets import (
    admin_only_note,
    agent_checkboxes,
    confirm_button,
    copy_block,
    secret_once,
    switch_field,
    tr_with,
)
from kiko_livechat.components.forms import card_section, field, form_error, form_notice
from kiko_livechat.components.layout import dashboard, settings_nav
from kiko_livechat.components.text import tr
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.services.file_types import CATEGORIES
from kiko_livechat.services.inboxes import UNANSWERED_MAX_MINUTES
from kiko_livechat.services.provisioning import GREETING_MAX
from kiko_livechat.services.validation import NAME_MAX, URL_MAX
from kiko_livechat.state.inboxes import (
    FILE_TYPE_FIELD,
    WEB_DEFAULTS,
    ApiInboxFormState,
    InboxesState,
    InboxSettingsState,
    WebInboxFormState,
)
from kiko_livechat.state.session import SessionState

WEB_WIDGET = "web_widget"


def _channel_icon(channel: rx.Var) -> rx.Component:
    return rx.icon(rx.cond(channel == "api", "bot", "globe"), size=20, color=rx.color("accent", 10))


# Fields shared by the create forms and the settings form; `prefix` keeps the element ids apart.


def _name_field(form_state, value: rx.Var | str, prefix: str) -> rx.Component:
    control = rx.input(name="name", default_value=value, max_length=NAME_MAX, id=f"{prefix}-name")
    return field("inboxes.field.name", control, form_state.errors.get("name", ""))


def _web_fields(form_state, greeting, color, domains, prefix: str) -> tuple[rx.Component, ...]:
    return (
        field(
            "inboxes.field.greeting",
            rx.text_area(name="greeting", default_value=greeting, max_length=GREETING_MAX, id=f"{prefix}-greeting"),
            form_state.errors.get("greeting", ""),
            hint_key="inboxes.field.greeting_hint",
        ),
        field(
            "inboxes.field.color",
            rx.el.input(
                type="color",
                name="widget_color",
                default_value=color,
                id=f"{prefix}-color",
                aria_label=tr("inboxes.field.color"),
                width="64px",
                height="36px",
                padding="2px",
                cursor="pointer",
                border=f"1px solid {rx.color('gray', 7)}",
                border_radius="6px",
                background=rx.color("gray", 1),
            ),
            form_state.errors.get("widget_color", ""),
        ),
        field(
            "inboxes.field.domains",
            rx.text_area(name="allowed_domains", default_value=domains, rows="3", id=f"{prefix}-domains"),
            form_state.errors.get("allowed_domains", ""),
            hint_key="inboxes.field.domains_hint",
        ),
    )


def _webhook_field(form_state, value: rx.Var | str, prefix: str) -> rx.Component:
    control = rx.input(
        name="webhook_url",
        default_value=value,
        type="url",
        max_length=URL_MAX,
        placeholder=tr("inboxes.field.webhook_placeholder"),
        id=f"{prefix}-webhook",
    )
    return field(
        "inboxes.field.webhook", control, form_state.errors.get("webhook_url", ""), "inboxes.field.webhook_hint"
    )


# The list page.


def _inbox_row(inbox: rx.Var) -> rx.Component:
    href = routes.inbox_settings(inbox.id)
    return rx.card(
        rx.hstack(
            _channel_icon(inbox.channel),
            rx.vstack(
                rx.link(inbox.name, href=href, weight="medium"),
                rx.text(tr("channel." + inbox.channel), size="1", color_scheme="gray"),
                spacing="0",
                min_width="140px",
            ),
            rx.text(
                rx.cond(inbox.agents != "", inbox.agents, tr("inboxes.list.no_agents")),
                size="2",
                color_scheme="gray",
                flex="1",
                min_width="160px",
            ),
            rx.link(rx.button(rx.icon("settings", size=16), tr("inboxes.list.open"), variant="soft"), href=href),
            align="center",
            spacing="4",
            wrap="wrap",
            width="100%",
        ),
        role="region",
        aria_label=inbox.name,
        width="100%",
    )


def _inbox_list() -> rx.Component:
    return card_section(
        "inboxes.list.title",
        rx.cond(
            InboxesState.inboxes.length() > 0,
            rx.vstack(rx.foreach(InboxesState.inboxes, _inbox_row), spacing="3", width="100%"),
            rx.callout(tr("inboxes.list.empty"), icon="info", width="100%"),
        ),
    )


def _create_form(form_state, submit_key: str, submit_id: str, *fields: rx.Component, key=None) -> rx.Component:
    return rx.form(
        rx.vstack(
            form_error(form_state.errors.get("", "")),
            *fields,
            agent_checkboxes(InboxesState.people, form_state.errors.get("agent_ids", "")),
            rx.button(rx.icon("plus", size=16), tr(submit_key), type="submit", id=submit_id, width="fit-content"),
            spacing="4",
            align="stretch",
            padding_top="16px",
        ),
        on_submit=form_state.create,
        key=key,
    )


def _created_api_inbox() -> rx.Component:
    """The bot token of the API inbox just created, with what the bot needs besides it."""
    return rx.cond(
        ApiInboxFormState.bot_token != "",
        rx.vstack(
            secret_once(
                tr_with("inboxes.created_api.title", name=ApiInboxFormState.created_name),
                "inboxes.token.once",
                ApiInboxFormState.bot_token,
                "new-bot-token",
            ),
            rx.link(
                tr("inboxes.created_api.open"),
                href=routes.inbox_settings(ApiInboxFormState.created_ref),
                size="2",
            ),
            spacing="2",
            width="100%",
        ),
    )


def _create_section() -> rx.Component:
    return card_section(
        "inboxes.create.title",
        _created_api_inbox(),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger(tr("channel.web_widget"), value="web", id="tab-web"),
                rx.tabs.trigger(tr("channel.api"), value="api", id="tab-api"),
            ),
            rx.tabs.content(
                rx.text(tr("inboxes.create.web_intro"), size="2", color_scheme="gray", as_="p", padding_top="12px"),
                _create_form(
                    WebInboxFormState,
                    "inboxes.create.web_submit",
                    "create-web-inbox",
                    _name_field(WebInboxFormState, "", "web-inbox"),
                    *_web_fields(WebInboxFormState, "", WEB_DEFAULTS["widget_color"], "", "web-inbox"),
                ),
                value="web",
            ),
            rx.tabs.content(
                rx.text(tr("inboxes.create.api_intro"), size="2", color_scheme="gray", as_="p", padding_top="12px"),
                _create_form(
                    ApiInboxFormState,
                    "inboxes.create.api_submit",
                    "create-api-inbox",
                    _name_field(ApiInboxFormState, "", "api-inbox"),
                    _webhook_field(ApiInboxFormState, "", "api-inbox"),
                    key=ApiInboxFormState.created_count,
                ),
                value="api",
            ),
            default_value="web",
        ),
    )


def inboxes_page() -> rx.Component:
    return dashboard(
        "settings.title",
        routes.SETTINGS_INBOXES,
        settings_nav(routes.SETTINGS_INBOXES),
        rx.cond(
            SessionState.is_admin & InboxesState.allowed,
            rx.vstack(_inbox_list(), _create_section(), spacing="5", width="100%", align="stretch"),
            admin_only_note("inboxes.admin_only"),
        ),
    )


# One inbox's settings page.

# Short name: the settings page reads nearly every one of its values.
S = InboxSettingsState


def _file_type_checkboxes() -> rx.Component:
    """Which kinds of files visitors, agents and the bot may send in the inbox."""
    choices = rx.flex(
        *[
            rx.checkbox(
                tr(f"inboxes.file_type.{kind}"),
                name=FILE_TYPE_FIELD + kind,
                default_checked=S.allowed_file_types.contains(kind),
                id=f"inbox-file-type-{kind}",
            )
            for kind in CATEGORIES
        ],
        wrap="wrap",
        column_gap="20px",
        row_gap="8px",
    )
    return field(
        "inboxes.field.file_types",
        choices,
        S.errors.get("allowed_file_types", ""),
        hint_key="inboxes.field.file_types_hint",
    )


def _settings_form() -> rx.Component:
    return card_section(
        "inboxes.settings.form_title",
        rx.form(
            rx.vstack(
                form_notice(S.notice),
                form_error(S.errors.get("", "")),
                _name_field(S, S.inbox_name, "inbox"),
                rx.cond(
                    S.channel == WEB_WIDGET,
                    rx.vstack(
                        *_web_fields(S, S.greeting, S.widget_color, S.allowed_domains, "inbox"),
                        spacing="4",
                        align="stretch",
                    ),
                    rx.vstack(
                        _webhook_field(S, S.webhook_url, "inbox"),
                        switch_field(
                            "bot_receives_after_handoff",
                            "inboxes.field.bot_after_handoff",
                            S.bot_after_handoff,
                            "inbox-bot-after-handoff",
                            "inboxes.field.bot_after_handoff_hint",
                        ),
                        spacing="4",
                        align="stretch",
                    ),
                ),
                switch_field(
                    "enable_auto_assignment",
                    "inboxes.field.auto_assign",
                    S.auto_assign,
                    "inbox-auto-assign",
                    "inboxes.field.auto_assign_hint",
                ),
                field(
                    "inboxes.field.unanswered",
                    rx.input(
                        name="unanswered_after_minutes",
                        type="number",
                        min=0,
                        max=UNANSWERED_MAX_MINUTES,
                        default_value=S.unanswered_minutes,
                        id="inbox-unanswered",
                        width="8em",
                    ),
                    S.errors.get("unanswered_after_minutes", ""),
                    hint_key="inboxes.field.unanswered_hint",
                ),
                _file_type_checkboxes(),
                agent_checkboxes(S.agents, S.errors.get("agent_ids", ""), checked=lambda agent: agent.selected),
                rx.button(tr("inboxes.settings.save"), type="submit", id="save-inbox", width="fit-content"),
                spacing="4",
                align="stretch",
            ),
            # Re-mounted with the stored values after loading and after each save.
            key=S.shown_count,
            on_submit=S.save,
        ),
    )


def _snippet_section() -> rx.Component:
    return card_section(
        "inboxes.snippet.title",
        rx.text(tr("inboxes.snippet.hint"), size="2"),
        copy_block(S.snippet, "embed-snippet"),
    )


def _api_section() -> rx.Component:
    def identifier(label_key: str, value: rx.Var, value_id: str) -> rx.Component:
        return rx.data_list.item(
            rx.data_list.label(tr(label_key)),
            rx.data_list.value(rx.code(value, id=value_id, variant="ghost")),
        )

    return card_section(
        "inboxes.api.title",
        rx.text(tr("inboxes.api.intro"), size="2"),
        rx.data_list.root(
            identifier("inboxes.api.account_id", SessionState.account_id, "api-account-id"),
            identifier("inboxes.api.inbox_id", S.inbox_ref, "api-inbox-id"),
        ),
        rx.text(tr("inboxes.webhook.secret_hint"), size="2"),
        copy_block(S.webhook_secret, "webhook-secret"),
        rx.cond(
            S.bot_token != "",
            secret_once(tr("inboxes.token.new_title"), "inboxes.token.replaced", S.bot_token, "regenerated-bot-token"),
        ),
        rx.box(
            confirm_button(
                "inboxes.token.regenerate",
                "refresh-cw",
                "inboxes.token.regenerate_title",
                tr("inboxes.token.regenerate_confirm"),
                "inboxes.token.regenerate_submit",
                S.regenerate_token,
                "regenerate-token",
            ),
        ),
    )


def _delivery_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["time"], white_space="nowrap"),
        rx.table.cell(rx.code(row["event"], variant="ghost")),
        rx.table.cell(
            rx.badge(
                tr("inboxes.delivery." + row["status"]),
                color_scheme=rx.cond(
                    row["status"] == "delivered", "green", rx.cond(row["status"] == "failed", "red", "amber")
                ),
            )
        ),
        rx.table.cell(row["attempts"]),
        rx.table.cell(row["answer"], " ", rx.text.span(row["error"], color_scheme="gray", size="1")),
    )


def _delivery_log() -> rx.Component:
    return card_section(
        "inboxes.delivery.title",
        rx.hstack(
            rx.text(tr("inboxes.delivery.hint"), size="2"),
            rx.spacer(),
            rx.icon_button(
                rx.icon("refresh-cw", size=16),
                on_click=S.refresh_deliveries,
                variant="soft",
                aria_label=tr("inboxes.delivery.refresh"),
                title=tr("inboxes.delivery.refresh"),
            ),
            align="center",
            width="100%",
        ),
        rx.cond(
            S.deliveries_paused != "",
            rx.callout(
                S.deliveries_paused, icon="circle_pause", color_scheme="amber", width="100%", id="delivery-paused"
            ),
        ),
        rx.cond(
            S.deliveries.length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(tr(f"inboxes.delivery.{column}"))
                                for column in ("time", "event", "status", "attempts", "answer")
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(S.deliveries, _delivery_row)),
                    variant="surface",
                    size="1",
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
                id="delivery-log",
            ),
            rx.text(tr("inboxes.delivery.empty"), size="2", color_scheme="gray"),
        ),
    )


def _inbox_settings() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            _channel_icon(S.channel),
            rx.heading(S.inbox_name, size="5", id="inbox-heading"),
            rx.badge(tr("channel." + S.channel), variant="soft"),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        rx.grid(
            _settings_form(),
            rx.cond(S.channel == WEB_WIDGET, _snippet_section(), _api_section()),
            # The log spans the whole width: its table has five columns.
            rx.cond(S.channel == WEB_WIDGET, rx.fragment(), rx.box(_delivery_log(), grid_column="1 / -1")),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="5",
            width="100%",
            align_items="start",
        ),
        spacing="4",
        width="100%",
        align="stretch",
    )


def inbox_settings_page() -> rx.Component:
    back = rx.link(
        rx.hstack(rx.icon("arrow-left", size=16), tr("inboxes.settings.back"), align="center", spacing="1"),
        href=routes.SETTINGS_INBOXES,
        size="2",
    )
    return dashboard(
        "settings.title",
        routes.SETTINGS_INBOXES,
        settings_nav(routes.SETTINGS_INBOXES),
        back,
        rx.cond(
            ~SessionState.is_admin | ~S.allowed,
            admin_only_note("inboxes.admin_only"),
            rx.cond(
                S.found,
                _inbox_settings(),
                rx.cond(
                    S.loaded,
                    rx.callout(tr("inboxes.settings.not_found"), icon="circle_alert", color_scheme="amber"),
                    rx.center(rx.spinner(size="3"), padding="32px", width="100%"),
                ),
            ),
        ),
    )


def register(app: rx.App) -> None:
    app.add_page(
        inboxes_page,
        route=routes.SETTINGS_INBOXES,
        title=PRODUCT_NAME,
        on_load=[SessionState.require_login, InboxesState.load],
    )
    app.add_page(
        inbox_settings_page,
        route=routes.SETTINGS_INBOX,
        title=PRODUCT_NAME,
        on_load=[SessionState.require_login, InboxSettingsState.load],
    )
