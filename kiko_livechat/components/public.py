"""Pages for people who are not signed in (login, operator login, invitation): the product's
name with a language switch above one centred card, and the e-mail + password fields."""

import reflex as rx

from kiko_livechat.components.forms import field, form_error
from kiko_livechat.components.layout import language_select
from kiko_livechat.components.text import tr
from kiko_livechat.state.i18n import AppState

# Long enough for any passphrase, short enough that nobody posts megabytes into argon2.
PASSWORD_INPUT_MAX = 1024


def public_card_page(*card_content: rx.Component, below: rx.Component | None = None) -> rx.Component:
    """The signed-out frame: brand and language select, the card, optionally a line below it."""
    return rx.center(
        rx.vstack(
            rx.hstack(
                rx.hstack(
                    rx.icon("messages-square", size=26, color=rx.color("accent", 10)),
                    rx.heading(tr("app.name"), size="5"),
                    align="center",
                    spacing="2",
                ),
                rx.spacer(),
                language_select(AppState.locale, AppState.choose_language),
                width="100%",
                align="center",
            ),
            rx.card(*card_content, size="4", width="100%"),
            *([below] if below is not None else []),
            spacing="5",
            width="100%",
            max_width="440px",
            padding="24px",
        ),
        min_height="100vh",
        background=rx.color("gray", 2),
    )


def login_form(state, title_key: str, subtitle_key: str, submit_id: str) -> rx.Component:
    """E-mail and password (ids `email`, `password`) with their errors, sent to `state.login`.

    The browser's own e-mail check is off: the server answers with translated errors.
    """
    return rx.form(
        rx.vstack(
            rx.heading(tr(title_key), size="6"),
            rx.text(tr(subtitle_key), color_scheme="gray", size="2"),
            form_error(state.errors.get("", "")),
            field(
                "login.email",
                rx.input(
                    name="email",
                    id="email",
                    type="email",
                    auto_complete="username",
                    placeholder=tr("login.email_placeholder"),
                    size="3",
                    max_length=254,
                ),
                state.errors.get("email", ""),
            ),
            field(
                "login.password",
                rx.input(
                    name="password",
                    id="password",
                    type="password",
                    auto_complete="current-password",
                    size="3",
                    max_length=PASSWORD_INPUT_MAX,
                ),
                state.errors.get("password", ""),
            ),
            rx.button(
                tr("login.submit"), type="submit", size="3", width="100%", id=submit_id, loading=~state.is_hydrated
            ),
            spacing="4",
            align="stretch",
        ),
        on_submit=state.login,
        reset_on_submit=False,
        no_validate=True,
    )
