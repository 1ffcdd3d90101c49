"""/login: e-mail and password."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.forms import field, form_error
from kiko_livechat.components.layout import language_select
from kiko_livechat.components.text import tr
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.state.i18n import AppState
from kiko_livechat.state.login import LoginState
from kiko_livechat.state.session import SessionState


def login_page() -> rx.Component:
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
            rx.card(
                rx.form(
                    rx.vstack(
                        rx.heading(tr("login.title"), size="6"),
                        rx.text(tr("login.subtitle"), color_scheme="gray", size="2"),
                        form_error(LoginState.errors.get("", "")),
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
                            LoginState.errors.get("email", ""),
                        ),
                        field(
                            "login.password",
                            rx.input(
                                name="password",
                                id="password",
                                type="password",
                                auto_complete="current-password",
                                size="3",
                                max_length=1024,
                            ),
                            LoginState.errors.get("password", ""),
                        ),
                        rx.button(
                            tr("login.submit"),
                            type="submit",
                            size="3",
                            width="100%",
                            id="login-submit",
                            loading=LoginState.is_hydrated == False,
                        ),  # noqa: E712 (a Var comparison)
                        spacing="4",
                        align="stretch",
                    ),
                    on_submit=LoginState.login,
                    reset_on_submit=False,
                ),
                size="4",
                width="100%",
            ),
            rx.text(tr("app.tagline"), size="2", color_scheme="gray", text_align="center", width="100%"),
            spacing="5",
            width="100%",
            max_width="420px",
            padding="24px",
        ),
        min_height="100vh",
        background=rx.color("gray", 2),
    )


def register(app: rx.App) -> None:
    app.add_page(
        login_page,
        route=routes.LOGIN,
        title=PRODUCT_NAME,
        on_load=[AppState.apply_lang_pref, SessionState.redirect_if_signed_in],
    )
