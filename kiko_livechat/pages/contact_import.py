"""/app/contacts/import and /app/contacts/imports/<id>: the contact import wizard (administrators).

Step 1 picks a CSV file; assets/contact-import.js sends it to api/contact_imports.py with a
progress bar and opens the import's page. There, step 2 shows the first rows with a mapping per
column and a dry run; step 3 runs the import with a live progress bar, its result and the
rejected rows to download.
"""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.forms import card_section, form_error
from kiko_livechat.components.layout import dashboard
from kiko_livechat.components.text import tr
from kiko_livechat.components.timer import interval
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.models import ImportStatus
from kiko_livechat.services.contact_csv import FIELDS
from kiko_livechat.state.contact_import import SKIP
from kiko_livechat.state.contact_import import ContactImportListState as L
from kiko_livechat.state.contact_import import ContactImportState as S
from kiko_livechat.state.live import RESYNC_SECONDS
from kiko_livechat.state.session import SessionState

_CSS = """
#import-drop { border: 2px dashed var(--gray-a7); border-radius: var(--radius-4); padding: 28px; text-align: center;
  cursor: pointer; background: var(--gray-a2) }
#import-drop.dragging { border-color: var(--accent-9); background: var(--accent-a3) }
#import-drop .import-progress { height: 8px; border-radius: 4px; background: var(--gray-a4); margin-top: 12px;
  overflow: hidden }
#import-drop .import-progress > div { height: 100%; width: 0; background: var(--accent-9) }
#import-drop .import-error { color: var(--red-11); margin-top: 10px }
"""


def _not_admin() -> rx.Component:
    return rx.callout(tr("contacts.import.admins_only"), icon="lock", color_scheme="amber")


def _drop_zone() -> rx.Component:
    """An empty box with its texts: assets/contact-import.js does the rest."""
    return rx.fragment(
        rx.el.style(_CSS),
        rx.script(src="/contact-import.js"),
        rx.box(
            rx.text(tr("contacts.import.drop"), size="3", weight="medium"),
            rx.text(tr("contacts.import.drop_hint"), size="2", color_scheme="gray"),
            id="import-drop",
            role="button",
            tab_index=0,
            custom_attrs={
                "data-url": routes.CONTACT_IMPORT_UPLOADS,
                "data-uploading": tr("contacts.import.uploading"),
                "data-failed": tr("contacts.import.upload_failed"),
            },
        ),
    )


def _import_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row["file"], href="/app/contacts/imports/" + row["id"])),
        rx.table.cell(tr("contacts.import.status." + row["status"])),
        rx.table.cell(row["rows"]),
        rx.table.cell(row["created"]),
    )


def import_start_page() -> rx.Component:
    return dashboard(
        "contacts.import.title",
        routes.CONTACTS,
        rx.cond(
            SessionState.is_admin,
            rx.vstack(
                card_section(
                    "contacts.import.step_file", rx.text(tr("contacts.import.file_hint"), size="2"), _drop_zone()
                ),  # fmt: skip
                rx.cond(
                    L.imports.length() > 0,
                    card_section(
                        "contacts.import.recent",
                        rx.table.root(
                            rx.table.header(
                                rx.table.row(
                                    *[
                                        rx.table.column_header_cell(tr(k))
                                        for k in (
                                            "contacts.import.file",
                                            "contacts.import.state",
                                            "contacts.import.rows",
                                            "contacts.import.when",
                                        )
                                    ]
                                )
                            ),  # fmt: skip
                            rx.table.body(rx.foreach(L.imports, _import_row)),
                            variant="surface",
                            width="100%",
                        ),
                    ),
                ),
                spacing="5",
                width="100%",
            ),
            _not_admin(),
        ),
    )


def _mapping_cell(index: rx.Var, column: rx.Var) -> rx.Component:
    return rx.table.column_header_cell(
        rx.vstack(
            rx.text(column, weight="bold", size="2"),
            rx.el.select(
                rx.el.option(tr("contacts.import.field.skip"), value=SKIP),
                *[rx.el.option(tr(f"contacts.import.field.{f}"), value=f) for f in FIELDS],
                rx.el.option(S.custom_labels[index], value=S.custom_values[index]),
                value=S.targets[index],
                on_change=lambda value: S.choose(index, value),
                disabled=S.status != ImportStatus.UPLOADED,
                class_name="import-mapping",
                aria_label=column,
                style={"padding": "4px", "border-radius": "6px", "max-width": "14em"},
            ),
            spacing="1",
        )
    )


def _preview() -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(rx.foreach(S.columns, lambda c, i: _mapping_cell(i, c)))),
            rx.table.body(
                rx.foreach(
                    S.preview,
                    lambda row: rx.table.row(rx.foreach(row, lambda cell: rx.table.cell(cell, white_space="nowrap"))),
                )
            ),
            variant="surface",
            size="1",
        ),
        overflow_x="auto",
        width="100%",
        id="import-preview",
    )


def _count(key: str, value: rx.Var) -> rx.Component:
    return rx.vstack(rx.text(tr(key), size="1", color_scheme="gray"), rx.text(value, size="5", weight="bold"),
                     spacing="0", min_width="7em")  # fmt: skip


def _dry_run_result() -> rx.Component:
    return rx.cond(
        S.dry.contains("created"),
        rx.vstack(
            rx.hstack(
                _count("contacts.import.created", S.dry["created"]),
                _count("contacts.import.updated", S.dry["updated"]),
                _count("contacts.import.unchanged", S.dry["unchanged"]),
                _count("contacts.import.rejected", S.dry["rejected"]),
                wrap="wrap",
                spacing="5",
                id="dry-run-result",
            ),
            rx.foreach(
                S.dry_rejections,
                lambda r: rx.text(
                    tr("contacts.import.line"), " ", r["line"], ": ", r["reason"], size="2", color_scheme="red"
                ),
            ),  # fmt: skip
            spacing="3",
        ),
    )


def _mapping_step() -> rx.Component:
    return card_section(
        "contacts.import.step_mapping",
        rx.text(tr("contacts.import.mapping_hint"), size="2"),
        _preview(),
        form_error(S.errors.get("mapping", S.errors.get("", ""))),
        rx.hstack(
            rx.button(tr("contacts.import.dry_run"), on_click=S.dry_run, variant="soft", id="dry-run"),
            rx.button(tr("contacts.import.run"), on_click=S.start, id="run-import"),
            spacing="3",
        ),
        _dry_run_result(),
    )


def _progress_step() -> rx.Component:
    return card_section(
        "contacts.import.step_run",
        rx.text(tr("contacts.import.status." + S.status), weight="medium", id="import-status"),
        rx.progress(value=S.percent, max=100, id="import-progress"),
        rx.text(S.processed, " / ", S.total, " ", tr("contacts.import.rows_done"), size="2", id="import-rows"),
        rx.hstack(
            _count("contacts.import.created", S.created),
            _count("contacts.import.updated", S.updated),
            _count("contacts.import.unchanged", S.unchanged),
            _count("contacts.import.rejected", S.rejected),
            wrap="wrap",
            spacing="5",
        ),
        rx.cond(S.failure != "", rx.callout(S.failure, icon="triangle-alert", color_scheme="red")),
        rx.cond(
            S.has_rejected_file,
            # A plain link: the file comes from an HTTP route, not a page of the app.
            rx.el.a(
                rx.button(rx.icon("download", size=16), tr("contacts.import.download_rejected"), variant="soft"),
                href=routes.CONTACT_IMPORT_UPLOADS + "/" + S.import_ref + "/rejected",
                download="",
                id="download-rejected",
                reload_document=True,  # the browser's own download, not the app's router
            ),
        ),
        rx.text(tr("contacts.import.leave_hint"), size="1", color_scheme="gray"),
    )


def import_page() -> rx.Component:
    return dashboard(
        "contacts.import.title",
        routes.CONTACTS,
        rx.cond(
            SessionState.is_admin,
            rx.cond(
                S.found,
                rx.vstack(
                    rx.heading(S.file_name, size="5"),
                    rx.cond(S.status == ImportStatus.UPLOADED, _mapping_step(), _progress_step()),
                    # The page hears each batch; this catches up after a reconnect too.
                    interval(S.resync, RESYNC_SECONDS * 1000),
                    spacing="4",
                    width="100%",
                ),
                rx.callout(tr("contacts.import.not_found"), icon="info"),
            ),
            _not_admin(),
        ),
    )


def register(app: rx.App) -> None:
    app.add_page(import_start_page, route=routes.CONTACT_IMPORT, title=PRODUCT_NAME,
                 on_load=[SessionState.require_login, L.load])  # fmt: skip
    app.add_page(import_page, route=routes.CONTACT_IMPORT_DETAIL, title=PRODUCT_NAME,
                 on_load=[SessionState.require_login, S.load])  # fmt: skip
