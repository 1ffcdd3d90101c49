"""Form building blocks: a labelled field with its translated error, form-level messages."""

import reflex as rx

from kiko_livechat.components.text import tr


def field(label_key: str, control: rx.Component, error: rx.Var, hint_key: str | None = None) -> rx.Component:
    """A label, the control, an optional hint and the field's error message below it."""
    return rx.vstack(
        rx.text(tr(label_key), as_="label", size="2", weight="medium"),
        control,
        *([rx.text(tr(hint_key), size="1", color_scheme="gray")] if hint_key else []),
        rx.cond(error != "", rx.text(error, size="1", color_scheme="red", role="alert")),
        spacing="1",
        width="100%",
        align="stretch",
    )


def form_error(error: rx.Var) -> rx.Component:
    """A message about the whole form (e.g. wrong credentials)."""
    return rx.cond(
        error != "",
        rx.callout(error, icon="triangle_alert", color_scheme="red", role="alert", width="100%"),
    )


def form_notice(notice: rx.Var) -> rx.Component:
    """A confirmation after a successful save."""
    return rx.cond(
        notice != "",
        rx.callout(notice, icon="check", color_scheme="green", role="status", width="100%"),
    )


def card_section(title_key: str, *children: rx.Component) -> rx.Component:
    """A titled card holding one form or list on a settings-like page."""
    return rx.card(
        rx.vstack(rx.heading(tr(title_key), size="4"), *children, spacing="4", align="stretch"),
        width="100%",
        size="3",
    )


def dialog_actions(on_cancel, submit_key: str, submit_id: str) -> rx.Component:
    """An edit dialog's last row: cancel (closes without saving) and the form's submit button."""
    return rx.flex(
        rx.button(tr("common.cancel"), type="button", variant="soft", color_scheme="gray", on_click=on_cancel),
        rx.button(tr(submit_key), type="submit", id=submit_id),
        justify="end",
        spacing="3",
    )
