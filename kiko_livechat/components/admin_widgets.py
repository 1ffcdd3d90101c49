"""Pieces shared by the administrators' settings pages (teams, inboxes): switches and agent
checkboxes inside forms, a confirm dialog, text to copy and a secret shown once."""

from collections.abc import Callable

import reflex as rx

from kiko_livechat.components.forms import field
from kiko_livechat.components.text import tr
from kiko_livechat.state.inboxes import AGENT_FIELD


def tr_with(key: str, **values: rx.Var) -> rx.Var:
    """Catalog text with its `{placeholders}` filled in the browser from state values
    (e.g. the name of the team a dialog is about)."""
    text = tr(key).to(str)
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def switch_field(name: str, label_key: str, checked: rx.Var | bool, switch_id: str, hint_key: str) -> rx.Component:
    """An on/off form field with its explanation; it submits "on" when on and nothing when off."""
    return rx.vstack(
        rx.el.label(
            rx.hstack(
                rx.switch(name=name, default_checked=checked, id=switch_id, aria_label=tr(label_key)),
                rx.text(tr(label_key), size="2", weight="medium"),
                align="center",
                spacing="2",
            ),
            cursor="pointer",
            width="fit-content",
        ),
        rx.text(tr(hint_key), size="1", color_scheme="gray"),
        spacing="1",
    )


def agent_checkboxes(
    people: rx.Var, error: rx.Var, checked: Callable[[rx.Var], rx.Var | bool] | None = None
) -> rx.Component:
    """One checkbox per active agent of the account, to choose who works an inbox."""

    def checkbox(person: rx.Var) -> rx.Component:
        return rx.checkbox(
            person.name,
            name=AGENT_FIELD + person.id,
            default_checked=checked(person) if checked else False,
        )

    choices = rx.cond(
        people.length() > 0,
        rx.flex(rx.foreach(people, checkbox), wrap="wrap", column_gap="20px", row_gap="8px"),
        rx.text(tr("inboxes.agents.none"), size="2", color_scheme="gray"),
    )
    return field("inboxes.field.agents", choices, error, hint_key="inboxes.field.agents_hint")


def confirm_button(
    label_key: str,
    icon: str,
    title_key: str,
    description: rx.Var,
    confirm_key: str,
    on_confirm: rx.event.EventSpec,
    trigger_id: str | rx.Var,
) -> rx.Component:
    """A button that asks before doing something that cannot be undone."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(rx.icon(icon, size=16), tr(label_key), color_scheme="red", variant="soft", id=trigger_id)
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(tr(title_key)),
            rx.alert_dialog.description(description, size="2"),
            rx.flex(
                rx.alert_dialog.cancel(rx.button(tr("common.cancel"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button(tr(confirm_key), color_scheme="red", on_click=on_confirm)),
                justify="end",
                spacing="3",
                margin_top="16px",
                wrap="wrap",
            ),
            max_width="460px",
        ),
    )


def edit_and_delete(
    catalog: str,
    id_name: str,
    row_id: rx.Var,
    on_edit: rx.event.EventSpec,
    on_delete: rx.event.EventSpec,
    confirm_text: rx.Var,
) -> rx.Component:
    """A settings row's edit button and its delete button that asks first; their texts are the
    catalog's `<catalog>.edit`, `.delete`, `.delete.title`, `.delete.submit`, their ids
    `edit-<id_name>-<row id>` and `delete-<id_name>-<row id>`."""
    return rx.hstack(
        rx.button(
            rx.icon("pencil", size=16),
            tr(f"{catalog}.edit"),
            variant="soft",
            on_click=on_edit,
            id=f"edit-{id_name}-" + row_id,
        ),  # fmt: skip
        confirm_button(
            f"{catalog}.delete",
            "trash-2",
            f"{catalog}.delete.title",
            confirm_text,
            f"{catalog}.delete.submit",
            on_delete,
            f"delete-{id_name}-" + row_id,
        ),
        spacing="2",
    )


def copy_block(text: rx.Var, block_id: str) -> rx.Component:
    """Read-only code to copy as it is (embed snippet, bot token), with a copy button.

    Lines wrap only at spaces (and after hyphens): a break inside a word ("ht tp://") reads as part of
    the code. A word longer than the box (a token on a phone) scrolls sideways inside the box.
    """
    return rx.vstack(
        rx.el.pre(
            text,
            id=block_id,
            font_family="var(--code-font-family)",
            font_size="13px",
            white_space="pre-wrap",
            word_break="normal",
            overflow_wrap="normal",
            overflow_x="auto",
            # Without it a long word would widen the page instead of scrolling inside the box.
            min_width="0",
            margin="0",
            padding="12px",
            width="100%",
            border_radius="6px",
            background=rx.color("gray", 3),
            border=f"1px solid {rx.color('gray', 6)}",
        ),
        rx.button(
            rx.icon("copy", size=16),
            tr("common.copy"),
            on_click=[rx.set_clipboard(text), rx.toast.success(tr("common.copied"))],
            variant="soft",
            type="button",
            id=f"{block_id}-copy",
        ),
        spacing="2",
        width="100%",
        align="start",
    )


def secret_once(title: rx.Var, note_key: str, secret: rx.Var, block_id: str) -> rx.Component:
    """A newly issued secret (a bot token): clearly marked, to copy now, never shown again."""
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.icon("key-round", size=18, color=rx.color("amber", 11)),
                rx.text(title, weight="bold"),
                align="center",
                spacing="2",
            ),
            copy_block(secret, block_id),
            rx.text(tr(note_key), size="2", weight="medium", color=rx.color("amber", 11)),
            spacing="3",
            width="100%",
        ),
        role="status",
        padding="16px",
        width="100%",
        border_radius="8px",
        background=rx.color("amber", 2),
        border=f"1px solid {rx.color('amber', 7)}",
    )


def admin_only_note(key: str) -> rx.Component:
    """What a non-administrator sees on a page for administrators."""
    return rx.callout(tr(key), icon="lock", color_scheme="gray", id="admin-only")
