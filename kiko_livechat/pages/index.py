"""/: sends the browser to the dashboard (which sends it to the login if needed)."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.state.session import SessionState


def index_page() -> rx.Component:
    return rx.center(rx.spinner(size="3"), min_height="100vh")


def register(app: rx.App) -> None:
    app.add_page(
        index_page, route="/", title=PRODUCT_NAME, on_load=[SessionState.require_login, rx.redirect(routes.APP_HOME)]
    )
