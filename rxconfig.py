"""Reflex configuration. Database and secrets come from kiko_livechat.settings (KIKO_* variables)."""

import reflex as rx

from kiko_livechat.settings import browser_origins, get_settings

_settings = get_settings()


class RadixThemes(rx.plugins.RadixThemesPlugin):
    """Radix Themes without offering its whole namespace to dynamic components (window.__reflex),
    which no page of this app uses: that made every page, the visitor's chat page too, load all
    of Radix Themes (menus, dialogs, the theme panel ...). Each page now loads the components
    it shows; the package is still installed, its components name it as their library."""

    def get_frontend_dependencies(self, **context) -> tuple[str, ...]:
        return ()


config = rx.Config(
    app_name="kiko_livechat",
    db_url=_settings.database_url,
    # With Redis, Reflex keeps states there and routes updates between workers (GRANIAN_WORKERS).
    redis_url=_settings.redis_url,
    # One process without Redis: states live in memory. The disk manager would pickle every
    # tab's state to a file after each event (measured: chat delivery p99 64 -> 29 ms); a tab that
    # survives a restart re-hydrates and catches up from the database anyway.
    state_manager_mode="redis" if _settings.redis_url else "memory",
    # A tab's state is dropped this long after its last event (Reflex's default is an hour). Open
    # tabs send an event at least every 20 s (resync, heartbeat); a visitor who left takes no
    # memory after 10 minutes. A tab back after longer re-hydrates and reloads from the database.
    redis_token_expiration=600,
    # Browsers may use the app (HTTP with cookies, the websocket) only from its own origins.
    cors_allowed_origins=browser_origins(_settings),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[
        RadixThemes(theme=rx.theme(accent_color="indigo", gray_color="slate", radius="medium")),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
