"""The snooze menu of the conversation page: three presets and a date and time of the agent's
choosing, all in the browser's time zone (shown). It closes once the conversation is snoozed;
a refused time is said in it."""

import reflex as rx

from kiko_livechat.components.text import tr
from kiko_livechat.services.snooze import PRESETS
from kiko_livechat.state.snooze import TIME_ZONE_SCRIPT
from kiko_livechat.state.snooze import SnoozeState as S


def time_zone_probe() -> rx.Component:
    """Invisible: tells the server the browser's time zone once the page is up (a function
    compiled into the page, not evaluated text: the pages' CSP allows no eval)."""
    return rx.box(display="none", on_mount=rx.call_function(f"() => {TIME_ZONE_SCRIPT}", callback=S.set_time_zone))


def _preset(preset: str) -> rx.Component:
    return rx.button(
        rx.hstack(
            rx.text(tr(f"snooze.preset.{preset}"), size="2"),
            rx.spacer(),
            rx.text(S.preset_times.get(preset, ""), size="1", color_scheme="gray"),
            width="100%",
            align="center",
            spacing="3",
        ),
        on_click=S.snooze_preset(preset),
        variant="soft",
        color_scheme="gray",
        width="100%",
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
                        rx.hstack(
                            rx.input(type="datetime-local", name="until", id="snooze-until", required=True, flex="1"),
                            rx.button(tr("snooze.submit"), type="submit", size="2", id="snooze-custom"),
                            width="100%",
                            spacing="2",
                        ),
                        spacing="1",
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
