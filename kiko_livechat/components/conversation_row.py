"""What a conversation's row in the list and a search result share: the headline (name,
number, time) and the link around the row, marked when it is the conversation shown."""

import reflex as rx


def headline(row: rx.Var, name_class: str = "") -> rx.Component:
    """Name (one line with an ellipsis: `truncate` alone still let a long name wrap), #number
    and the time, on one line."""
    return rx.hstack(
        rx.text(
            row["name"],
            weight="bold",
            size="2",
            class_name=name_class,
            min_width="0",
            overflow="hidden",
            text_overflow="ellipsis",
            white_space="nowrap",
        ),
        rx.text("#", row["number"], size="1", color_scheme="gray", white_space="nowrap", flex_shrink="0"),
        rx.spacer(),
        rx.text(row["time"], size="1", color_scheme="gray", white_space="nowrap", flex_shrink="0"),
        width="100%",
        align="center",
        spacing="2",
    )


def row_link(content: rx.Component, row: rx.Var, is_selected: rx.Var, **props) -> rx.Component:
    """The row as a link to its conversation, with a bar and a tint while it is the one shown."""
    return rx.link(
        content,
        href="/app/conversations/" + row["number"].to(str),
        underline="none",
        color="inherit",
        display="block",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        border_left=rx.cond(is_selected, f"3px solid {rx.color('accent', 9)}", "3px solid transparent"),
        background=rx.cond(is_selected, rx.color("accent", 3), "transparent"),
        _hover={"background": rx.color("gray", 3)},
        data_number=row["number"],
        **props,
    )
