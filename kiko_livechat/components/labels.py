"""Labels on screen: coloured chips (list rows, the conversation header), the picker on a
conversation, "resolve with labels", the list's label filter and the sidebar's folders.
Titles are always rendered as text."""

import reflex as rx

from kiko_livechat.components.chat import resync_timer
from kiko_livechat.components.forms import form_error
from kiko_livechat.components.text import tr
from kiko_livechat.state.conversation import ConversationState as C
from kiko_livechat.state.conversation_labels import LabelFoldersState, LabelPickerState, ResolveState
from kiko_livechat.state.inbox import ConversationListState as L


def label_chip(title: rx.Var, color: rx.Var, *extra: rx.Component, size: str = "1") -> rx.Component:
    """One label: its title in white on its colour (the colours offered are dark enough)."""
    return rx.badge(
        title,
        *extra,
        size=size,
        radius="full",
        variant="solid",
        style={"background": color, "color": "white"},
        max_width="160px",
        overflow="hidden",
        text_overflow="ellipsis",
        white_space="nowrap",
        class_name="label-chip",
        data_label=title,
    )


def row_chips(items: rx.Var) -> rx.Component:
    """The chips of a list row (items: title and colour of each label)."""
    chips = items.to(list[dict[str, str]])
    return rx.cond(
        chips.length() > 0,
        rx.flex(
            rx.foreach(chips, lambda c: label_chip(c["title"], c["color"])),
            gap="4px",
            wrap="wrap",
            class_name="row-labels",
        ),
    )


def _header_chip(label: rx.Var) -> rx.Component:
    remove = rx.el.button(
        rx.icon("x", size=11),
        on_click=LabelPickerState.remove(label["id"]),
        aria_label=tr("labels.remove").to(str).replace("{title}", label["title"]),
        class_name="label-remove",
        style={"background": "transparent", "border": "none", "color": "white", "cursor": "pointer", "padding": "0"},
    )
    return label_chip(label["title"], label["color"], remove, size="2")


def _picker_option(option: rx.Var) -> rx.Component:
    return rx.button(
        rx.box(width="10px", height="10px", border_radius="50%", background=option["color"], flex_shrink="0"),
        rx.text(option["title"], truncate=True),
        variant="ghost",
        color_scheme="gray",
        size="2",
        justify_content="flex-start",
        width="100%",
        on_click=LabelPickerState.add(option["id"]),
        class_name="label-option",
        data_label=option["title"],
    )


def label_picker() -> rx.Component:
    """A button that opens a searchable list of the account's labels; a click adds one."""
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(rx.icon("tag", size=14), tr("labels.add"), size="1", variant="soft", id="add-label")
        ),
        rx.popover.content(
            rx.vstack(
                # Uncontrolled (the popover mounts it empty each time it opens): a controlled
                # input would pull a debounce library into every page's bundle.
                rx.input(
                    default_value="",
                    on_change=LabelPickerState.set_search,
                    placeholder=tr("labels.search"),
                    aria_label=tr("labels.search"),
                    id="label-search",
                    width="100%",
                ),
                form_error(LabelPickerState.errors.get("title", LabelPickerState.errors.get("", ""))),
                rx.vstack(
                    rx.foreach(LabelPickerState.options, _picker_option),
                    spacing="1",
                    width="100%",
                    max_height="240px",
                    overflow_y="auto",
                ),
                rx.cond(
                    LabelPickerState.can_create,
                    rx.button(
                        rx.icon("plus", size=14),
                        tr("labels.create_named").to(str).replace("{title}", LabelPickerState.search.lower()),
                        on_click=LabelPickerState.create_and_add,
                        size="1",
                        variant="soft",
                        id="create-label-here",
                        width="100%",
                    ),
                    rx.cond(
                        LabelPickerState.options.length() == 0,
                        rx.text(tr("labels.none_found"), size="2", color_scheme="gray"),
                    ),
                ),
                spacing="2",
                width="260px",
                max_width="80vw",
            ),
        ),
        on_open_change=LabelPickerState.open_picker,
    )


def header_labels() -> rx.Component:
    """The conversation's chips (each removable) and the picker, below its title."""
    return rx.flex(
        rx.foreach(C.labels, _header_chip),
        label_picker(),
        gap="6px",
        wrap="wrap",
        align="center",
        id="conversation-labels",
    )


def resolve_button() -> rx.Component:
    """ "Resolve", with a menu offering "resolve with label …" (a dialog to pick them)."""
    return rx.hstack(
        rx.button(
            tr("conversation.resolve"),
            on_click=C.change_status("resolved"),
            size="2",
            color_scheme="green",
            id="resolve",
        ),
        rx.menu.root(
            rx.menu.trigger(
                rx.icon_button(
                    rx.icon("chevron-down", size=16),
                    size="2",
                    color_scheme="green",
                    variant="soft",
                    aria_label=tr("labels.resolve_options"),
                    id="resolve-options",
                )
            ),
            rx.menu.content(
                rx.menu.item(tr("conversation.resolve"), on_click=C.change_status("resolved")),
                rx.menu.item(tr("labels.resolve_with"), on_click=ResolveState.start, id="resolve-with-labels"),
            ),
        ),
        spacing="1",
    )


def _resolve_choice(choice: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.checkbox(
                checked=ResolveState.chosen.contains(choice["id"]),
                on_change=lambda _on: ResolveState.toggle(choice["id"]),
                data_label=choice["title"],
            ),
            label_chip(choice["title"], choice["color"], size="2"),
            align="center",
            spacing="2",
        ),
        cursor="pointer",
        class_name="resolve-label",
    )


def resolve_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr("labels.resolve_with")),
            rx.vstack(
                form_error(
                    ResolveState.errors.get(
                        "labels", ResolveState.errors.get("status", ResolveState.errors.get("", ""))
                    )
                ),
                rx.cond(
                    ResolveState.choices.length() > 0,
                    rx.flex(rx.foreach(ResolveState.choices, _resolve_choice), direction="column", gap="8px"),
                    rx.text(tr("labels.none_yet"), size="2", color_scheme="gray"),
                ),
                rx.flex(
                    rx.button(
                        tr("common.cancel"), variant="soft", color_scheme="gray", on_click=ResolveState.close(False)
                    ),
                    rx.button(
                        tr("labels.resolve_confirm"),
                        color_scheme="green",
                        on_click=ResolveState.confirm,
                        id="confirm-resolve",
                    ),
                    justify="end",
                    spacing="3",
                    width="100%",
                ),
                spacing="4",
                max_height="60vh",
                overflow_y="auto",
            ),
            max_width="420px",
        ),
        open=ResolveState.open,
        on_open_change=ResolveState.close,
    )


def label_filter() -> rx.Component:
    """The list's label filter: tick one or more labels; listed conversations carry all of them."""
    chosen = L.label_filter.length()

    def item(option: rx.Var) -> rx.Component:
        return rx.el.label(
            rx.hstack(
                rx.checkbox(
                    checked=L.label_filter.contains(option["title"]),
                    on_change=lambda _on: L.toggle_label(option["title"]),
                ),
                rx.box(width="10px", height="10px", border_radius="50%", background=option["color"], flex_shrink="0"),
                rx.text(option["title"], size="2", truncate=True),
                align="center",
                spacing="2",
            ),
            cursor="pointer",
            class_name="label-filter-item",
            data_label=option["title"],
        )

    return rx.cond(
        L.label_options.length() > 0,
        rx.popover.root(
            rx.popover.trigger(
                rx.button(
                    rx.icon("tag", size=14),
                    rx.cond(chosen > 0, chosen.to_string(), tr("labels.filter")),
                    variant=rx.cond(chosen > 0, "solid", "soft"),
                    size="1",
                    aria_label=tr("labels.filter"),
                    id="label-filter",
                )
            ),
            rx.popover.content(
                rx.flex(
                    rx.foreach(L.label_options, item),
                    direction="column",
                    gap="8px",
                    max_height="300px",
                    overflow_y="auto",
                ),
                max_width="260px",
            ),
        ),
    )


def active_label_filter() -> rx.Component:
    """The labels the list is filtered by, each with a way to drop it."""
    return rx.cond(
        L.label_filter.length() > 0,
        rx.flex(
            rx.foreach(
                L.label_filter,
                lambda title: rx.badge(
                    rx.icon("tag", size=12),
                    title,
                    rx.el.button(
                        rx.icon("x", size=11),
                        on_click=L.toggle_label(title),
                        aria_label=tr("labels.filter_drop").to(str).replace("{title}", title),
                        style={"background": "transparent", "border": "none", "cursor": "pointer", "padding": "0"},
                    ),
                    variant="surface",
                    radius="full",
                    class_name="active-label-filter",
                ),
            ),
            gap="4px",
            wrap="wrap",
            width="100%",
        ),
    )


def _folder(folder: rx.Var) -> rx.Component:
    # The folder the list shows right now (filtered by this label alone) stands out.
    shown = (L.label_filter.length() == 1) & L.label_filter.contains(folder["title"])
    return rx.button(
        rx.box(width="10px", height="10px", border_radius="50%", background=folder["color"], flex_shrink="0"),
        rx.text(folder["title"], size="2", truncate=True, flex="1", text_align="left"),
        rx.cond(
            folder["count"] != "",
            rx.badge(folder["count"], size="1", radius="full", variant="soft", class_name="folder-count"),
        ),
        on_click=L.show_folder(folder["title"]),
        variant=rx.cond(shown, "soft", "ghost"),
        aria_current=rx.cond(shown, "page", "false"),
        color_scheme="gray",
        width="100%",
        justify_content="flex-start",
        class_name="label-folder",
        data_label=folder["title"],
    )


def label_folders() -> rx.Component:
    """The sidebar's folders (labels marked "show in sidebar"), with open counts kept live."""
    return rx.vstack(
        resync_timer(LabelFoldersState.load),
        rx.cond(
            LabelFoldersState.folders.length() > 0,
            rx.vstack(
                rx.text(tr("labels.folders"), size="1", weight="medium", color_scheme="gray", padding_left="12px"),
                rx.foreach(LabelFoldersState.folders, _folder),
                spacing="1",
                width="100%",
            ),
        ),
        on_mount=LabelFoldersState.load,
        width="100%",
        id="label-folders",
    )
