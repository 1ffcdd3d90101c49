"""/login: e-mail and password."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.forms import form_error
from kiko_livechat.components.public import credential_fields, public_card_page
from kiko_livechat.components.text import tr
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.state.i18n import AppState
from kiko_livechat.state.login import LoginState
from kiko_livechat.state.session import SessionState


def login_page() -> rx.Component:
    return public_card_page(
        rx.form(
            rx.vstack(
                rx.heading(tr("login.title"), size="6"),
                rx.text(tr("login.subtitle"), color_scheme="gray", size="2"),
                form_error(LoginState.errors.get("", "")),
                *credential_fields(LoginState.errors),
                rx.button(
                    tr("login.submit"),
                    type="submit",
                    size="3",
                    width="100%",
                    id="login-submit",
                    loading=~LoginState.is_hydrated,
                ),
                spacing="4",
                align="stretch",
            ),
            on_submit=LoginState.login,
            reset_on_submit=False,
            # Our translated errors instead of the browser's own e-mail tooltip.
            no_validate=True,
        ),
        below=rx.text(tr("app.tagline"), size="2", color_scheme="gray", text_align="center", width="100%"),
    )


def register(app: rx.App) -> None:
    app.add_page(
        login_page,
        route=routes.LOGIN,
        title=PRODUCT_NAME,
        on_load=[AppState.apply_lang_pref, SessionState.redirect_if_signed_in],
    )
