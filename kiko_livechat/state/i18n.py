"""The root state: the language of this browser tab and its translated catalog."""

import reflex as rx

from kiko_livechat.i18n import SUPPORTED_LOCALES, catalog
from kiko_livechat.settings import get_settings


class AppState(rx.State):
    """Language for everything on screen; pages read text as `AppState.t["key"]`."""

    locale: str = get_settings().default_locale
    # The language picked before login (login page); after login the user's profile decides.
    lang_pref: str = rx.LocalStorage("", name="kiko_lang", sync=True)

    @rx.var
    def t(self) -> dict[str, str]:
        return catalog(self.locale)

    def _use_locale(self, locale: str) -> None:
        """Switch the tab's language. Assigning marks the catalog for sending (about 30 KB),
        even for the same value, so an unchanged language is not assigned again."""
        if locale != self.locale:
            self.locale = locale

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
