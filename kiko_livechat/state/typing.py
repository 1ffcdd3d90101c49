"""The "is typing" signal, for both composers (the visitor's and the agent's).

The writer's page repeats "on" at most every REPEAT_SECONDS while keys are pressed (a leading-
edge throttle: never a late "on" after the message went out, never one per keystroke); leaving
the field or sending says "off". The reader's page hides the line by itself EXPIRE_SECONDS
after the last "on" (components/chat.py), so a lost "off" never leaves it standing.
"""

import time

import reflex as rx

REPEAT_SECONDS = 2
EXPIRE_SECONDS = 6


def signal_to_send(on: bool, was_on: bool, last_on_at: float, now: float) -> bool:
    """Whether a composer change becomes an event for the other side: "off" only after an "on"
    (a blur without typing costs nothing), "on" again only when the reader's line would
    otherwise soon expire (the throttle is the browser's; this holds for any client)."""
    if not on:
        return was_on
    return not was_on or now - last_on_at >= REPEAT_SECONDS / 2


class TypingSender(rx.State, mixin=True):
    """What this tab last told the other side about its typing."""

    _typing_on: bool = False
    _typing_on_at: float = 0.0

    def _typing_signal(self, text: object) -> bool | None:
        """The signal ("on" True / "off" False) to publish for the composer's `text`, or None."""
        on, now = bool(text), time.monotonic()
        if not signal_to_send(on, self._typing_on, self._typing_on_at, now):
            return None
        self._typing_on = on
        if on:
            self._typing_on_at = now
        return on

    def _typing_ended(self) -> bool:
        """The message went out: True if the other side still sees "is typing" and needs an "off"."""
        was_on, self._typing_on = self._typing_on, False
        return was_on
