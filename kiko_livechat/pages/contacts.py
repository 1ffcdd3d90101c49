"""/app/contacts: the account's contacts, paginated."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.layout import dashboard
from kiko_livechat.components.text import tr
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.state.overview import ContactsState
from kiko_livechat.state.session import SessionState


def _row(contact: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(contact["name"], href="/app/contacts/" + contact["id"]), class_name="contact-name"),
        rx.table.cell(contact["email"]),
        rx.table.cell(contact["phone"]),
        rx.table.cell(contact["created"]),
    )


def contacts_page() -> rx.Component:
    return dashboard(
        "contacts.title",
        routes.CONTACTS,
        rx.input(
            rx.input.slot(rx.icon("search", size=14)),
            name="q",
            id="contact-search",
            default_value=ContactsState.query,
            type="search",
            placeholder=tr("contacts.search.placeholder"),
            aria_label=tr("contacts.search.placeholder"),
            max_length=200,
            on_change=ContactsState.search.debounce(350),
            auto_complete="off",
            width="100%",
        ),
        rx.cond(
            SessionState.is_admin,
            rx.hstack(
                rx.spacer(),
                rx.link(
                    rx.button(rx.icon("upload", size=16), tr("contacts.import.open"), variant="soft"),
                    href=routes.CONTACT_IMPORT,
                    id="open-import",
                ),
                # A plain link: the file comes from an HTTP route, not a page of the app.
                rx.el.a(
                    rx.button(rx.icon("download", size=16), tr("contacts.export"), variant="soft"),
                    href=routes.CONTACT_EXPORT,
                    download="",
                    id="export-contacts",
                    reload_document=True,  # the browser's own download, not the app's router
                ),
                width="100%",
            ),
        ),
        rx.cond(
            ContactsState.total > 0,
            rx.vstack(
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                *[
                                    rx.table.column_header_cell(tr(k))
                                    for k in ("contacts.name", "contacts.email", "contacts.phone", "contacts.created")
                                ]
                            )
                        ),
                        rx.table.body(rx.foreach(ContactsState.rows, _row)),
                        variant="surface",
                        width="100%",
                    ),
                    overflow_x="auto",
                    width="100%",
                ),
                rx.hstack(
                    rx.button(
                        tr("pagination.previous"),
                        on_click=ContactsState.previous_page,
                        disabled=ContactsState.page <= 1,
                        variant="soft",
                    ),
                    rx.text(tr("pagination.page"), " ", ContactsState.page, size="2"),
                    rx.button(
                        tr("pagination.next"),
                        on_click=ContactsState.next_page,
                        disabled=~ContactsState.has_next,
                        variant="soft",
                    ),
                    align="center",
                    spacing="3",
                ),
                spacing="4",
                width="100%",
            ),
            rx.callout(
                rx.cond(ContactsState.query != "", tr("contacts.search.none"), tr("contacts.empty")), icon="info"
            ),
        ),
    )


def register(app: rx.App) -> None:
    app.add_page(
        contacts_page,
        route=routes.CONTACTS,
        title=PRODUCT_NAME,
        on_load=[SessionState.require_login, ContactsState.load],
    )
