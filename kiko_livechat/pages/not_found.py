"""Every address without a page (Reflex's "404" route): what happened and the way back."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.public import public_card_page
from kiko_livechat.components.text import tr
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.state.i18n import AppState
from kiko_livechat.state.not_found import NotFoundState

# The route name Reflex gives the page it shows for unknown addresses.
NOT_FOUND_ROUTE = "404"


def _way_back(href: str, label_key: str, icon: str) -> rx.Component:
    return rx.button(
        rx.link(rx.icon(icon, size=18), tr(label_key), href=href, id="not-found-back", underline="none"),
        as_child=True,
        size="3",
        width="100%",
    )


def not_found_page() -> rx.Component:
    return public_card_page(
        rx.vstack(
            rx.icon("map-pin-off", size=36, color=rx.color("accent", 10)),
            rx.heading(tr("not_found.title"), size="6", as_="h1"),
            rx.text(tr("not_found.text"), color_scheme="gray", size="3"),
            rx.cond(
                NotFoundState.checked,
                rx.cond(
                    NotFoundState.signed_in,
                    _way_back(routes.APP_HOME, "not_found.to_inbox", "inbox"),
                    _way_back(routes.LOGIN, "not_found.to_login", "log-in"),
                ),
                rx.center(rx.spinner(size="3"), width="100%", height="40px"),
            ),
            spacing="4",
            align="start",
            width="100%",
        )
    )


def register(app: rx.App) -> None:
    app.add_page(
        not_found_page,
        route=NOT_FOUND_ROUTE,
        title=PRODUCT_NAME,
        on_load=[AppState.apply_lang_pref, NotFoundState.find_way_back],
    )
