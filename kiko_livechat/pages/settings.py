"""/app/settings: profile, password and (for administrators) the account."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.admin_widgets import confirm_button, secret_once, switch_field
from kiko_livechat.components.forms import card_section, field, form_error, form_notice
from kiko_livechat.components.layout import dashboard, settings_nav
from kiko_livechat.components.session_forms import handover_form
from kiko_livechat.components.text import tr
from kiko_livechat.i18n import SUPPORTED_LOCALES
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.services.alerts import KINDS as ALERT_KINDS
from kiko_livechat.services.notification_preferences import TONES
from kiko_livechat.state.session import SessionState
from kiko_livechat.state.settings import (
    ACCOUNT_DEFAULT_LOCALE,
    AccountFormState,
    PasswordFormState,
    PersonalTokenState,
    ProfileFormState,
)
from kiko_livechat.state.settings import AlertPreferencesState as A


def _settings_form(form_state, save_key: str, save_id: str, *fields: rx.Component, keep_values: bool = True):
    """A form with its notice, its form-level error, the fields and a save button."""
    return rx.form(
        rx.vstack(
            form_notice(form_state.notice),
            form_error(form_state.errors.get("", "")),
            *fields,
            rx.button(tr(save_key), type="submit", id=save_id),
            spacing="4",
            align="start",
        ),
        on_submit=form_state.save,
        reset_on_submit=not keep_values,
    )


def _name_field(form_state, label_key: str, value: rx.Var, field_id: str) -> rx.Component:
    # `key` re-mounts the input when the stored value changes, so it shows what was saved.
    control = rx.input(name="name", default_value=value, key=value, max_length=100, id=field_id)
    return field(label_key, control, form_state.errors.get("name", ""))


def _locale_field(form_state, label_key: str, value: rx.Var, field_id: str, account_default: bool) -> rx.Component:
    items = [rx.select.item(tr(f"language.{code}"), value=code) for code in SUPPORTED_LOCALES]
    if account_default:
        items.insert(0, rx.select.item(tr("settings.profile.language_account_default"), value=ACCOUNT_DEFAULT_LOCALE))
    control = rx.select.root(
        rx.select.trigger(id=field_id),
        rx.select.content(*items),
        name="locale",
        default_value=value,
        key=value,
    )
    return field(label_key, control, form_state.errors.get("locale", ""))


def _profile_form() -> rx.Component:
    own_locale = rx.cond(SessionState.locale_choice == "", ACCOUNT_DEFAULT_LOCALE, SessionState.locale_choice)
    return card_section(
        "settings.profile.title",
        _settings_form(
            ProfileFormState,
            "settings.profile.save",
            "profile-save",
            _name_field(ProfileFormState, "settings.profile.name", SessionState.user_name, "profile-name"),
            field(
                "settings.profile.email",
                rx.input(value=SessionState.user_email, read_only=True, variant="soft"),
                "",
            ),
            _locale_field(ProfileFormState, "settings.profile.language", own_locale, "profile-locale", True),
        ),
    )


def _password_form() -> rx.Component:
    def secret(label_key: str, name: str, hint_key: str | None = None) -> rx.Component:
        autocomplete = "current-password" if name == "current_password" else "new-password"
        control = rx.input(name=name, id=name, type="password", auto_complete=autocomplete, max_length=1024)
        return field(label_key, control, PasswordFormState.errors.get(name, ""), hint_key=hint_key)

    return card_section(
        "settings.password.title",
        _settings_form(
            PasswordFormState,
            "settings.password.save",
            "password-save",
            secret("settings.password.current", "current_password"),
            secret("settings.password.new", "new_password", hint_key="settings.password.hint"),
            secret("settings.password.confirm", "confirm_password"),
        ),
    )


def _account_form() -> rx.Component:
    return card_section(
        "settings.account.title",
        rx.cond(
            SessionState.is_admin,
            _settings_form(
                AccountFormState,
                "settings.account.save",
                "account-save",
                _name_field(AccountFormState, "settings.account.name", SessionState.account_name, "account-name"),
                _locale_field(
                    AccountFormState, "settings.account.language", SessionState.account_locale, "account-locale", False
                ),
            ),
            rx.vstack(
                rx.text(SessionState.account_name, weight="medium"),
                rx.text(tr("settings.account.admin_only"), size="2", color_scheme="gray"),
            ),
        ),
    )


def _api_token_section() -> rx.Component:
    return card_section(
        "settings.api_token.title",
        rx.text(tr("settings.api_token.hint"), size="2"),
        rx.cond(
            PersonalTokenState.new_token != "",
            secret_once(
                tr("settings.api_token.new"), "settings.api_token.once", PersonalTokenState.new_token, "personal-token"
            ),
        ),
        rx.box(
            confirm_button(
                "settings.api_token.generate",
                "key-round",
                "settings.api_token.generate",
                tr("settings.api_token.confirm"),
                "settings.api_token.generate",
                PersonalTokenState.generate,
                "generate-personal-token",
            )
        ),
    )


def _alert_row(kind: str) -> rx.Component:
    def box(channel: str, chosen: rx.Var) -> rx.Component:
        return rx.checkbox(
            name=f"{channel}_{kind}",
            default_checked=chosen.contains(kind),
            id=f"alert-{channel}-{kind}",
            aria_label=tr(f"settings.alerts.{channel}"),
        )

    return rx.table.row(
        rx.table.cell(tr(f"settings.alerts.kind.{kind}")),
        rx.table.cell(box("email", A.email)),
        rx.table.cell(box("sound", A.sound)),
    )


def _tone_previews() -> rx.Component:
    """Listen to each tone before choosing (played right in the click, which browsers allow)."""
    return rx.hstack(
        rx.text(tr("settings.alerts.preview"), size="1", color_scheme="gray"),
        *[
            rx.button(
                rx.icon("play", size=12),
                tr(f"settings.alerts.tone.{tone}"),
                type="button",
                variant="ghost",
                size="1",
                id=f"preview-{tone}",
                on_click=rx.call_function(f"() => new Audio('/tones/{tone}.wav').play()"),
            )
            for tone in TONES
        ],
        align="center",
        spacing="3",
        wrap="wrap",
    )


def _alerts_section() -> rx.Component:
    return card_section(
        "settings.alerts.title",
        rx.cond(
            ~A.email_enabled,
            rx.callout(tr("settings.alerts.email_off"), icon="mail_x", color_scheme="amber", size="1", id="email-off"),
        ),
        rx.form(
            rx.vstack(
                form_notice(A.notice),
                form_error(A.errors.get("", "")),
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell(tr("settings.alerts.event")),
                            rx.table.column_header_cell(tr("settings.alerts.email")),
                            rx.table.column_header_cell(tr("settings.alerts.sound")),
                        )
                    ),
                    rx.table.body(*[_alert_row(kind) for kind in ALERT_KINDS]),
                    size="1",
                    width="100%",
                ),
                field(
                    "settings.alerts.tone",
                    rx.select.root(
                        rx.select.trigger(id="alert-tone"),
                        rx.select.content(*[rx.select.item(tr(f"settings.alerts.tone.{t}"), value=t) for t in TONES]),
                        name="tone",
                        default_value=A.tone,
                    ),
                    A.errors.get("tone", ""),
                ),
                _tone_previews(),
                switch_field(
                    "sound_when_visible",
                    "settings.alerts.visible",
                    A.sound_when_visible,
                    "alert-visible",
                    "settings.alerts.visible_hint",
                ),
                switch_field(
                    "repeat_unread",
                    "settings.alerts.repeat",
                    A.repeat_unread,
                    "alert-repeat",
                    "settings.alerts.repeat_hint",
                ),
                # A click here lets assets/alerts.js ask for the browser's permission.
                rx.box(
                    switch_field(
                        "desktop", "settings.alerts.desktop", A.desktop, "alert-desktop", "settings.alerts.desktop_hint"
                    ),
                    custom_attrs={"data-ask-notifications": "true"},
                ),
                rx.button(tr("settings.alerts.save"), type="submit", id="alerts-save"),
                spacing="4",
                align="stretch",
            ),
            key=A.shown_count,
            on_submit=A.save,
        ),
    )


def settings_page() -> rx.Component:
    return dashboard(
        "settings.title",
        routes.SETTINGS,
        settings_nav(routes.SETTINGS),
        rx.grid(
            _profile_form(),
            _account_form(),
            _password_form(),
            _api_token_section(),
            _alerts_section(),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="5",
            width="100%",
        ),
        # A password change ends this session too: the new one goes to the cookie from here.
        handover_form(SessionState.handover_ticket, routes.SETTINGS),
    )


def register(app: rx.App) -> None:
    app.add_page(
        settings_page,
        route=routes.SETTINGS,
        title=PRODUCT_NAME,
        on_load=[SessionState.require_login, A.load, PersonalTokenState.forget],
    )
