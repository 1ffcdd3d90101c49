"""/login: e-mail and password."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.public import login_form, public_card_page
from kiko_livechat.components.session_forms import handover_form
from kiko_livechat.components.text import tr
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.state.i18n import AppState
from kiko_livechat.state.login import LoginState
from kiko_livechat.state.session import SessionState


def login_page() -> rx.Component:
    return public_card_page(
        login_form(LoginState, "login.title", "login.subtitle", "login-submit"),
        handover_form(SessionState.handover_ticket, routes.APP_HOME),
        below=rx.text(tr("app.tagline"), size="2", color_scheme="gray", text_align="center", width="100%"),
    )


def register(app: rx.App) -> None:
    app.add_page(
        login_page,
        route=routes.LOGIN,
        title=PRODUCT_NAME,
        on_load=[AppState.apply_lang_pref, SessionState.redirect_if_signed_in],
    )
