"""/app/contacts/<id>: one contact, its details to edit and its conversations."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.forms import card_section, field, form_error, form_notice
from kiko_livechat.components.layout import dashboard
from kiko_livechat.components.text import tr
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.state.contact_page import ContactPageState as S
from kiko_livechat.state.session import SessionState

# (form field, label key, state var, input type)
_FIELDS = (
    ("name", "contacts.name", S.name, "text"),
    ("email", "contacts.email", S.email, "email"),
    ("phone_number", "contacts.phone", S.phone, "tel"),
    ("identifier", "contacts.import.field.identifier", S.identifier, "text"),
    ("company", "contacts.import.field.company", S.company, "text"),
    ("city", "contacts.import.field.city", S.city, "text"),
    ("country", "contacts.import.field.country", S.country, "text"),
)


def _details() -> rx.Component:
    return card_section(
        "contacts.page.details",
        rx.form(
            rx.vstack(
                form_notice(S.notice),
                form_error(S.errors.get("", "")),
                *[
                    field(
                        label,
                        rx.input(name=name, default_value=value, type=kind, id=f"contact-{name}"),
                        S.errors.get(name, ""),
                    )
                    for name, label, value, kind in _FIELDS
                ],  # fmt: skip
                rx.button(tr("contacts.page.save"), type="submit", id="save-contact", width="fit-content"),
                spacing="3",
                align="stretch",
            ),
            key=S.shown_count,
            on_submit=S.save,
        ),
    )


def _blocking() -> rx.Component:
    return card_section(
        "contacts.page.blocking",
        rx.form(
            rx.hstack(
                rx.switch(name="blocked", default_checked=S.blocked, id="contact-blocked"),
                rx.text(tr("contacts.page.blocked"), size="2"),
                rx.button(tr("contacts.page.save"), type="submit", variant="soft", size="1", id="save-blocked"),
                align="center",
                spacing="3",
            ),
            key=S.shown_count,
            on_submit=S.set_blocked,
        ),
        rx.text(tr("contacts.page.blocked_hint"), size="1", color_scheme="gray"),
    )


def _conversation_row(c: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link("#" + c["number"], href="/app/conversations/" + c["number"])),
        rx.table.cell(tr("status." + c["status"])),
        rx.table.cell(c["inbox"]),
        rx.table.cell(c["when"]),
    )


def _conversations() -> rx.Component:
    return card_section(
        "contacts.page.conversations",
        rx.cond(
            S.conversations.length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.body(rx.foreach(S.conversations, _conversation_row)), variant="surface", width="100%"
                ),  # fmt: skip
                overflow_x="auto",
            ),
            rx.text(tr("contacts.page.no_conversations"), size="2", color_scheme="gray"),
        ),
    )


def contact_page() -> rx.Component:
    return dashboard(
        "contacts.title",
        routes.CONTACTS,
        rx.cond(
            S.found,
            rx.vstack(
                rx.heading(S.title, size="6", id="contact-title"),
                rx.cond(S.blocked, rx.callout(tr("contacts.page.is_blocked"), icon="ban", color_scheme="red")),
                rx.grid(
                    _details(),
                    rx.vstack(_conversations(), _blocking(), spacing="5", width="100%"),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="5",
                    width="100%",
                ),  # fmt: skip
                spacing="4",
                width="100%",
            ),
            rx.callout(tr("contacts.page.not_found"), icon="info"),
        ),
    )


def register(app: rx.App) -> None:
    app.add_page(contact_page, route=routes.CONTACT, title=PRODUCT_NAME, on_load=[SessionState.require_login, S.load])
