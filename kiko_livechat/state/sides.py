"""Which tabs get a tree of states when they (re)connect: the visitor's chat page or the rest.

Reflex's hydrate (the first frame of every socket, and again after a reconnect) sends every state
of the app with its values, the dashboard's included. The visitor's chat page and the dashboard
share no state: WidgetState hangs off Reflex's root beside AppState (the root of the dashboard's
and the signed-out pages' states), and each of the two leaves itself, and every state below it,
out of the other side's snapshot. A visitor's socket so never names a dashboard state or field
(measured: its first frame went from 40 KB to a few KB), and an agent's tab skips the widget's.

A state left out keeps, in that browser, the defaults compiled into the page; the page does not
show it. Its events still work as before (a delta carries only what an event changed).
"""

from typing import Any

import reflex as rx
from reflex.state import _override_base_method

from kiko_livechat import routes


def on_visitor_page(route_id: str) -> bool:
    """Whether a tab's route (its pattern, e.g. "/widget/[inbox_token]") is the visitor's chat page."""
    return route_id.rstrip("/") == routes.WIDGET


# Reflex builds the hydrate's snapshot with BaseState.dict(), which walks the tree of substates;
# overriding it (with Reflex's own marker for overriding a base method of a state) is how a
# subtree stays out. `initial=True` is the compiler's snapshot of the defaults: always whole.
class DashboardSide(rx.State, mixin=True):
    """The states of every page but the visitor's chat page."""

    @_override_base_method
    def dict(self, include_computed: bool = True, initial: bool = False, **kwargs) -> dict[str, Any]:
        if not initial and on_visitor_page(self.router.route_id):
            return {}
        return super().dict(include_computed=include_computed, initial=initial, **kwargs)


class VisitorSide(rx.State, mixin=True):
    """The states of the visitor's chat page only."""

    @_override_base_method
    def dict(self, include_computed: bool = True, initial: bool = False, **kwargs) -> dict[str, Any]:
        if not initial and not on_visitor_page(self.router.route_id):
            return {}
        return super().dict(include_computed=include_computed, initial=initial, **kwargs)
