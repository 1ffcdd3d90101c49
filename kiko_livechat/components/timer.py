"""An invisible timer that calls an event handler at an interval while its page is open.

rx.moment(interval=..., on_change=...) did this before, and shipped moment.js (22 KiB
transferred) to every page with a timer, the visitor's chat page among them, for a clock it
never showed. This is a React effect with setInterval, nothing to download.
"""

from typing import Any

import reflex as rx
from reflex_base.components.component import field
from reflex_base.event import EventHandler, no_args_event_spec
from reflex_base.vars.base import Var, VarData
from reflex_components_core.base.fragment import Fragment


class Interval(Fragment):
    """Calls `on_tick` every `every_ms` milliseconds, from mount until the page is left."""

    on_tick: EventHandler[no_args_event_spec]
    every_ms: int = field(default=60_000, is_javascript_property=False)

    def _exclude_props(self) -> list[str]:
        # A fragment takes no props: the trigger lives in the hook below.
        return [*super()._exclude_props(), *self.event_triggers.keys()]

    def add_hooks(self) -> list[str | Var[Any]]:
        tick = self.event_triggers.get("on_tick")
        if tick is None:
            return []
        return [
            Var(
                f"useEffect(() => {{ const tick = {Var.create(tick)};"
                f" const id = setInterval(() => tick(), {int(self.every_ms)});"
                " return () => clearInterval(id); }, []);",
                _var_data=VarData(imports={"react": ["useEffect"]}),
            ),
        ]


def interval(handler, every_ms: int) -> rx.Component:
    """A timer calling `handler` (an event handler or spec taking no arguments) every `every_ms`."""
    return Interval.create(on_tick=handler, every_ms=every_ms)
