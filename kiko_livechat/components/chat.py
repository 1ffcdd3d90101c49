"""Pieces of a chat shared by the visitor's page and the agents' conversation view."""

import reflex as rx

from kiko_livechat.components.timer import interval
from kiko_livechat.services.messages import CONTENT_MAX
from kiko_livechat.state.live import RESYNC_SECONDS
from kiko_livechat.state.typing import EXPIRE_SECONDS, REPEAT_SECONDS


def message_input(input_id: str, placeholder: rx.Var, on_typing, **props) -> rx.Component:
    """The text field of a chat composer: Enter sends, Shift+Enter starts a new line, and
    typing is reported so the other side sees "is typing" (state/typing.py): throttled, not
    debounced, because a debounced report fires after the last key, i.e. after a quick send,
    and put the line back up once the message had taken it down. Leaving the field ends it."""
    return rx.text_area(
        name="content",
        id=input_id,
        placeholder=placeholder,
        enter_key_submit=True,
        max_length=CONTENT_MAX,
        width="100%",
        on_change=on_typing.throttle(REPEAT_SECONDS * 1000),
        on_blur=on_typing(""),
        **props,
    )


# Hides the line EXPIRE_SECONDS after it (re)appeared: a fresh "on" gives it a new key, which
# starts the clock again; no timer on the server.
_TYPING_CSS = (
    "@keyframes kiko-typing-end { from { visibility: visible } to { visibility: hidden } }"
    f" .kiko-typing {{ animation: kiko-typing-end {EXPIRE_SECONDS}s steps(1, end) forwards }}"
)


def typing_line(*content, seq: rx.Var, **props) -> rx.Component:
    """The other side's "… is typing" line, which goes by itself without a fresh signal."""
    return rx.fragment(rx.el.style(_TYPING_CSS), rx.text(*content, key=seq, class_name="kiko-typing", **props))


def resync_timer(handler) -> rx.Component:
    """An invisible timer on a live page that calls `handler` every RESYNC_SECONDS: the page
    re-registers for events (e.g. after reconnecting to another worker) and catches up."""
    return interval(handler, RESYNC_SECONDS * 1000)


def bubble(
    *content: rx.Component, mine: rx.Var | bool, color: rx.Var | str, note: rx.Var | bool = False
) -> rx.Component:
    """One message: `mine` on the right in `color`, the other side on the left in grey;
    a private note in amber."""
    background = rx.cond(note, rx.color("amber", 4), rx.cond(mine, color, rx.color("gray", 3)))
    return rx.box(
        rx.box(
            *content,
            background=background,
            color=rx.cond(mine & ~rx.Var.create(note), "white", rx.color("gray", 12)),
            padding="8px 12px",
            border_radius="14px",
            max_width="80%",
            white_space="pre-wrap",
            word_break="break-word",
        ),
        display="flex",
        justify_content=rx.cond(mine, "flex-end", "flex-start"),
        width="100%",
    )
