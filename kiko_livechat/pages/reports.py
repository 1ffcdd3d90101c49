"""/app/reports: conversation volumes; the full dashboards come with the reports issue."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.layout import dashboard
from kiko_livechat.components.text import tr
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.state.overview import ReportsState
from kiko_livechat.state.session import SessionState


def _status_card(item: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(item["count"], size="7"),
            rx.text(tr("status." + item["status"]), size="2", color_scheme="gray"),
            spacing="1",
        ),
        flex="1",
        min_width="150px",
    )


def reports_page() -> rx.Component:
    return dashboard(
        "reports.title",
        routes.REPORTS,
        rx.vstack(
            rx.heading(tr("reports.by_status"), size="4"),
            rx.text(tr("reports.since"), size="2", color_scheme="gray"),
            spacing="1",
        ),
        rx.flex(rx.foreach(ReportsState.counts, _status_card), spacing="4", wrap="wrap"),
    )


def register(app: rx.App) -> None:
    app.add_page(
        reports_page, route=routes.REPORTS, title=PRODUCT_NAME, on_load=[SessionState.require_login, ReportsState.load]
    )
