"""The language of a browser tab and its translated catalog, for both sides of the app: AppState,
the root of the dashboard's (and the signed-out pages') states, and the visitor's chat page,
whose state (state/widget.py) hangs off Reflex's root beside it and sends only its own texts."""

import reflex as rx

from kiko_livechat.i18n import SUPPORTED_LOCALES, catalog, catalog_section
from kiko_livechat.settings import get_settings
from kiko_livechat.state.sides import DashboardSide, VisitorSide


class Localized(rx.State, mixin=True):
    """The tab's language; the state that mixes this in defines its catalog `t`."""

    locale: str = get_settings().default_locale

    def _use_locale(self, locale: str) -> None:
        """Switch the tab's language. Assigning marks the catalog for sending (about 30 KB on the
        dashboard), even for the same value, so an unchanged language is not assigned again."""
        if locale != self.locale:
            self.locale = locale


class AppState(Localized, DashboardSide, rx.State):
    """Language for everything on screen; pages read text as `AppState.t["key"]`."""

    # The language picked before login (login page); after login the user's profile decides.
    lang_pref: str = rx.LocalStorage("", name="kiko_lang", sync=True)

    @rx.var
    def t(self) -> dict[str, str]:
        return catalog(self.locale)

    @rx.event
    def apply_lang_pref(self):
        """Use the language chosen earlier in this browser, if any."""
        if self.lang_pref in SUPPORTED_LOCALES:
            self._use_locale(self.lang_pref)

    @rx.event
    def choose_language(self, locale: str):
        """Switch the language of a signed-out page (login); remembered in this browser."""
        if locale in SUPPORTED_LOCALES:
            self._use_locale(locale)
            self.lang_pref = locale


class VisitorTexts(Localized, VisitorSide, rx.State, mixin=True):
    """The visitor's chat page: its language and only its own texts (the "widget." keys and the
    composer's "files." ones, about 2 KB), read as `WidgetState.t["key"]`; the dashboard's
    catalog never goes to a visitor."""

    @rx.var
    def t(self) -> dict[str, str]:
        return {**catalog_section(self.locale, "widget."), **catalog_section(self.locale, "files.")}
