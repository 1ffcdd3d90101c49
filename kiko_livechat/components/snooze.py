"""The snooze menu of the conversation page: three presets and a date and time of the agent's
choosing, all in the browser's time zone (shown). It closes once the conversation is snoozed;
a refused time is said in it."""

import inspect

import reflex as rx
from reflex_base.event import EventSpec, server_side
from reflex_base.utils import format

from kiko_livechat.components.text import tr
from kiko_livechat.services.snooze import PRESETS
from kiko_livechat.state.snooze import TIME_ZONE_SCRIPT
from kiko_livechat.state.snooze import SnoozeState as S


def _call_with_result(javascript: str, handler) -> EventSpec:
    """rx.call_function(javascript, callback=handler), with the callback compiled into the page
    as a function: rx.call_function passes it as text that the browser evals, which the pages'
    CSP (no 'unsafe-eval', api/security_headers.py) refuses."""
    callback = format.format_queue_events(handler, args_spec=lambda result: [result])
    return server_side(
        "_call_function", inspect.signature(rx.call_function), function=rx.Var(javascript), callback=callback
    )


def time_zone_probe() -> rx.Component:
    """Invisible: tells the server the browser's time zone once the page is up."""
    return rx.box(display="none", on_mount=_call_with_result(f"() => {TIME_ZONE_SCRIPT}", S.set_time_zone))


def _preset(preset: str) -> rx.Component:
    return rx.button(
        rx.hstack(
            rx.text(tr(f"snooze.preset.{preset}"), size="2", text_align="left"),
            rx.spacer(),
            rx.text(S.preset_times.get(preset, ""), size="1", color_scheme="gray", white_space="nowrap"),
            width="100%",
            align="center",
            spacing="3",
        ),
        on_click=S.snooze_preset(preset),
        variant="soft",
        color_scheme="gray",
        width="100%",
        # A label that wraps (a narrow phone, a long language) grows the button instead of spilling.
        height="auto",
        min_height="32px",
        padding="6px 10px",
        id=f"snooze-{preset.replace('_', '-')}",
        type="button",
    )


def snooze_menu() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(tr("conversation.snooze"), size="2", variant="soft", color_scheme="gray", id="snooze-button")
        ),
        rx.popover.content(
            rx.vstack(
                rx.text(tr("snooze.title"), weight="bold", size="2"),
                *[_preset(p) for p in PRESETS],
                rx.separator(size="4"),
                rx.form(
                    rx.vstack(
                        rx.text(tr("snooze.custom"), size="2"),
                        rx.input(type="datetime-local", name="until", id="snooze-until", required=True, width="100%"),
                        rx.button(tr("snooze.submit"), type="submit", size="2", id="snooze-custom", width="100%"),
                        spacing="2",
                        width="100%",
                    ),
                    on_submit=S.snooze_custom,
                    reset_on_submit=False,
                    width="100%",
                ),
                rx.cond(
                    S.errors.get("snoozed_until", S.errors.get("status", S.errors.get("", ""))) != "",
                    rx.text(
                        S.errors.get("snoozed_until", S.errors.get("status", S.errors.get("", ""))),
                        color_scheme="red",
                        size="1",
                        role="alert",
                        id="snooze-error",
                    ),
                ),
                rx.text(tr("snooze.time_zone"), " ", S.time_zone, size="1", color_scheme="gray", id="snooze-zone"),
                spacing="2",
                width="100%",
            ),
            width="320px",
            max_width="calc(100vw - 24px)",
            id="snooze-menu",
        ),
        open=S.menu_open,
        on_open_change=S.open_menu,
    )
