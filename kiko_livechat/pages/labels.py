"""/app/settings/labels: administrators create, edit and delete the account's labels (a label a
bot created over the API is listed and edited here too)."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.admin_widgets import admin_only_note, confirm_button, switch_field, tr_with
from kiko_livechat.components.forms import dialog_actions, field, form_error, form_notice
from kiko_livechat.components.labels import label_chip
from kiko_livechat.components.layout import dashboard, settings_nav
from kiko_livechat.components.text import tr
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.services.labels import DESCRIPTION_MAX, TITLE_MAX
from kiko_livechat.state.labels import PRESET_COLORS, LabelEditState, LabelsState
from kiko_livechat.state.session import SessionState

E = LabelEditState


def _swatch(color: str) -> rx.Component:
    return rx.el.button(
        type="button",
        on_click=E.pick_color(color),
        aria_label=color,
        title=color,
        class_name="color-preset",
        style={
            "width": "24px",
            "height": "24px",
            "border_radius": "50%",
            "background": color,
            "cursor": "pointer",
            "border": rx.cond(E.color == color, f"3px solid {rx.color('gray', 12)}", "2px solid transparent"),
        },
    )


def _color_field() -> rx.Component:
    picker = rx.hstack(
        rx.el.input(
            type="color",
            value=E.color,
            on_change=E.pick_color,
            id="label-color",
            aria_label=tr("labels.field.color"),
            style={"width": "40px", "height": "32px", "border": "none", "padding": "0", "background": "none"},
        ),
        rx.code(E.color),
        rx.flex(*[_swatch(c) for c in PRESET_COLORS], gap="6px", wrap="wrap"),
        spacing="3",
        align="center",
        wrap="wrap",
    )
    return field("labels.field.color", picker, E.errors.get("color", ""))


def _edit_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr(rx.cond(E.label_ref == "", "labels.create.title", "labels.edit.title"))),
            rx.form(
                rx.vstack(
                    form_error(E.errors.get("", "")),
                    field(
                        "labels.field.title",
                        rx.input(name="title", default_value=E.title, max_length=TITLE_MAX, id="label-title"),
                        E.errors.get("title", ""),
                        hint_key="labels.field.title_hint",
                    ),
                    field(
                        "labels.field.description",
                        rx.text_area(
                            name="description",
                            default_value=E.description,
                            max_length=DESCRIPTION_MAX,
                            id="label-description",
                        ),
                        E.errors.get("description", ""),
                    ),
                    _color_field(),
                    switch_field(
                        "show_on_sidebar",
                        "labels.field.sidebar",
                        E.show_on_sidebar,
                        "label-sidebar",
                        "labels.field.sidebar_hint",
                    ),
                    dialog_actions(E.close, "labels.save", "save-label"),
                    spacing="3",
                    align="stretch",
                ),
                # A new key each time the dialog opens: the fields start from the label's values.
                key=E.opened,
                on_submit=E.save,
            ),
            max_width="520px",
        ),
        open=E.open,
        on_open_change=lambda _open: E.close(),
    )


def _edit_button(label: rx.Var, button_id: rx.Var) -> rx.Component:
    return rx.button(
        rx.icon("pencil", size=14),
        tr("labels.edit"),
        variant="soft",
        on_click=E.start(label["id"]),
        id=button_id,
    )


def _delete_button(label: rx.Var, button_id: rx.Var) -> rx.Component:
    return confirm_button(
        "labels.delete",
        "trash-2",
        "labels.delete.title",
        tr_with("labels.delete.confirm", title=label["title"]),
        "labels.delete.submit",
        LabelsState.delete(label["id"]),
        button_id,
    )


def _label_row(label: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(label_chip(label["title"], label["color"], size="2")),
        rx.table.cell(rx.text(label["description"], size="2", color_scheme="gray"), max_width="320px"),
        rx.table.cell(rx.text(label["count"], size="2", class_name="label-count")),
        rx.table.cell(rx.cond(label["sidebar"] != "", rx.icon("check", size=16, class_name="in-sidebar"))),
        rx.table.cell(
            rx.hstack(
                _edit_button(label, "edit-label-" + label["id"]),
                _delete_button(label, "delete-label-" + label["id"]),
                spacing="2",
                justify="end",
            )
        ),
        data_label=label["title"],
        class_name="label-row",
        align="center",
    )


def _label_card(label: rx.Var) -> rx.Component:
    """A label on a phone: the table's columns one below the other, the actions in reach."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                label_chip(label["title"], label["color"], size="2"),
                rx.spacer(),
                rx.text(tr_with("labels.list.count_n", count=label["count"]), size="2", color_scheme="gray"),
                align="center",
                width="100%",
            ),
            rx.cond(label["description"] != "", rx.text(label["description"], size="2", color_scheme="gray")),
            rx.cond(
                label["sidebar"] != "",
                rx.hstack(rx.icon("check", size=14), rx.text(tr("labels.list.sidebar"), size="1"), align="center"),
            ),
            rx.hstack(
                _edit_button(label, "edit-label-card-" + label["id"]),
                _delete_button(label, "delete-label-card-" + label["id"]),
                spacing="2",
            ),
            spacing="2",
            align="stretch",
        ),
        data_label=label["title"],
        class_name="label-card",
        width="100%",
    )


def _table() -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell(tr("labels.field.title")),
                rx.table.column_header_cell(tr("labels.field.description")),
                rx.table.column_header_cell(tr("labels.list.count")),
                rx.table.column_header_cell(tr("labels.list.sidebar")),
                rx.table.column_header_cell(""),
            )
        ),
        rx.table.body(rx.foreach(LabelsState.labels, _label_row)),
        width="100%",
        id="label-table",
        display=rx.breakpoints(initial="none", md="table"),
    )


def _label_list() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(tr("labels.list.title"), size="4"),
            rx.spacer(),
            rx.button(rx.icon("plus", size=16), tr("labels.create.submit"), on_click=E.start_new, id="new-label"),
            align="center",
            width="100%",
        ),
        rx.text(tr("labels.list.intro"), size="2", color_scheme="gray"),
        form_notice(LabelsState.notice),
        form_error(LabelsState.errors.get("", "")),
        rx.cond(
            LabelsState.labels.length() > 0,
            rx.fragment(
                _table(),
                rx.vstack(
                    rx.foreach(LabelsState.labels, _label_card),
                    spacing="3",
                    width="100%",
                    display=rx.breakpoints(initial="flex", md="none"),
                ),
            ),
            rx.callout(tr("labels.empty"), icon="info", width="100%"),
        ),
        spacing="3",
        width="100%",
        align="stretch",
    )


def labels_page() -> rx.Component:
    return dashboard(
        "settings.title",
        routes.SETTINGS_LABELS,
        settings_nav(routes.SETTINGS_LABELS),
        rx.cond(
            SessionState.is_admin,
            rx.fragment(_label_list(), _edit_dialog()),
            admin_only_note("labels.admin_only"),
        ),
    )


def register(app: rx.App) -> None:
    app.add_page(
        labels_page,
        route=routes.SETTINGS_LABELS,
        title=PRODUCT_NAME,
        on_load=[SessionState.require_login, LabelsState.load],
    )
