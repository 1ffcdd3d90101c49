"""Reading translated text from the catalogs inside components."""

import reflex as rx

from kiko_livechat.state.i18n import AppState


def tr(key: str | rx.Var) -> rx.Var:
    """The text of catalog `key` in the tab's current language (updates live on a switch).

    `key` may be built from state, e.g. `tr("status." + row["status"])`.
    """
    return AppState.t[key]
