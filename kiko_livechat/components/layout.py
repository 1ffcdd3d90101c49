"""The dashboard frame: sidebar navigation, top bar, content area; collapses on a phone."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.alerts import alert_listener, sound_hint
from kiko_livechat.components.labels import label_folders
from kiko_livechat.components.session_forms import logout_form, submit_logout
from kiko_livechat.components.text import tr
from kiko_livechat.components.timer import interval
from kiko_livechat.i18n import SUPPORTED_LOCALES
from kiko_livechat.settings import get_settings
from kiko_livechat.state.session import SessionState

NAV_ITEMS = (
    ("nav.conversations", "message-circle", routes.INBOX),
    ("nav.contacts", "contact", routes.CONTACTS),
    ("nav.reports", "chart-column", routes.REPORTS),
    ("nav.settings", "settings", routes.SETTINGS),
)

AVAILABILITY_COLORS = {"online": "green", "busy": "amber", "offline": "gray"}


def _nav_link(label_key: str, icon: str, href: str, active: str) -> rx.Component:
    selected = href == active
    return rx.link(
        rx.hstack(rx.icon(icon, size=18), rx.text(tr(label_key), size="3"), spacing="3", align="center"),
        href=href,
        underline="none",
        color=rx.cond(selected, rx.color("accent", 11), rx.color("gray", 12)),
        background=rx.cond(selected, rx.color("accent", 3), "transparent"),
        border_radius="8px",
        padding="8px 12px",
        width="100%",
        _hover={"background": rx.color("accent", 3)},
        aria_current=rx.cond(selected, "page", "false"),
    )


def _brand() -> rx.Component:
    return rx.hstack(
        rx.icon("messages-square", size=22, color=rx.color("accent", 10)),
        rx.heading(tr("app.name"), size="4"),
        spacing="2",
        align="center",
    )


def sidebar(active: str) -> rx.Component:
    return rx.vstack(
        _brand(),
        rx.vstack(*[_nav_link(k, i, h, active) for k, i, h in NAV_ITEMS], spacing="1", width="100%"),
        label_folders(),
        rx.spacer(),
        rx.text(SessionState.account_name, size="1", color_scheme="gray"),
        spacing="5",
        padding="20px 12px",
        width="232px",
        min_height="100vh",
        border_right=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 2),
        display=["none", "none", "flex"],
        position="sticky",
        top="0",
    )


def availability_select() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=tr("topbar.availability"), variant="soft"),
        rx.select.content(
            *[
                rx.select.item(
                    rx.hstack(
                        rx.box(width="8px", height="8px", border_radius="50%", background=rx.color(color, 9)),
                        rx.text(tr(f"availability.{value}")),
                        align="center",
                        spacing="2",
                    ),
                    value=value,
                )
                for value, color in AVAILABILITY_COLORS.items()
            ]
        ),
        value=SessionState.availability,
        on_change=SessionState.set_availability,
        size="2",
    )


def language_select(value: rx.Var, on_change) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=tr("language.label"), variant="soft"),
        rx.select.content(*[rx.select.item(tr(f"language.{code}"), value=code) for code in SUPPORTED_LOCALES]),
        value=value,
        on_change=on_change,
        size="2",
    )


def _user_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon("circle-user", size=18),
                rx.text(SessionState.user_name, display=["none", "inline"]),
                variant="ghost",
                id="user-menu",
            ),
        ),
        rx.menu.content(
            rx.box(
                rx.text(SessionState.user_email, size="2", weight="medium"),
                rx.text(SessionState.account_name, " · ", tr_role(), size="1", color_scheme="gray"),
                padding="4px 12px 8px",
            ),
            rx.cond(
                SessionState.memberships.length() > 1,
                rx.fragment(
                    rx.menu.separator(),
                    rx.text(tr("topbar.switch_account"), size="1", color_scheme="gray", padding="4px 12px"),
                    rx.foreach(
                        SessionState.memberships,
                        lambda m: rx.menu.item(
                            m["name"],
                            on_click=SessionState.switch_account(m["account_id"]),
                            disabled=m["account_id"] == SessionState.account_id.to_string(),
                        ),
                    ),
                ),
            ),
            rx.menu.separator(),
            rx.menu.item(tr("nav.settings"), on_click=rx.redirect(routes.SETTINGS)),
            rx.menu.item(tr("topbar.logout"), on_click=submit_logout("agent"), color_scheme="red", id="logout"),
        ),
        logout_form("agent"),
    )


def tr_role() -> rx.Var:
    return tr("role." + SessionState.role)


def _mobile_menu() -> rx.Component:
    return rx.box(
        rx.menu.root(
            rx.menu.trigger(rx.icon_button(rx.icon("menu"), variant="ghost", aria_label=tr("nav.menu"))),
            rx.menu.content(*[rx.menu.item(tr(k), on_click=rx.redirect(h)) for k, _, h in NAV_ITEMS]),
        ),
        display=["block", "block", "none"],
    )


def topbar(title_key: str, active: str) -> rx.Component:
    return rx.hstack(
        _mobile_menu(),
        rx.heading(tr(title_key), size="5"),
        rx.spacer(),
        sound_hint(),
        availability_select(),
        language_select(SessionState.locale, SessionState.set_language),
        _user_menu(),
        align="center",
        spacing="3",
        # On a phone the controls move below the title instead of running off the screen.
        wrap="wrap",
        row_gap="8px",
        padding=["10px 16px", "12px 24px"],
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        width="100%",
        background=rx.color("gray", 1),
        position="sticky",
        top="0",
        z_index="10",
    )


# Settings sections: (label, route, administrators only).
SETTINGS_SECTIONS = (
    ("settings.nav.profile", routes.SETTINGS, False),
    ("settings.nav.agents", routes.SETTINGS_AGENTS, True),
    ("settings.nav.teams", routes.SETTINGS_TEAMS, False),
    ("settings.nav.inboxes", routes.SETTINGS_INBOXES, True),
    ("settings.nav.labels", routes.SETTINGS_LABELS, True),
    ("settings.nav.canned", routes.SETTINGS_CANNED, False),
)


def settings_nav(active: str) -> rx.Component:
    """Tabs between the settings sections; sections for administrators are hidden from agents
    (and refused by their services anyway)."""

    def tab(label_key: str, href: str, admin_only: bool) -> rx.Component:
        link = rx.link(
            tr(label_key),
            href=href,
            underline="none",
            weight=rx.cond(href == active, "bold", "regular"),
            color=rx.cond(href == active, rx.color("accent", 11), rx.color("gray", 11)),
            border_bottom=rx.cond(href == active, f"2px solid {rx.color('accent', 9)}", "2px solid transparent"),
            padding="6px 2px",
            aria_current=rx.cond(href == active, "page", "false"),
        )
        return rx.cond(SessionState.is_admin, link) if admin_only else link

    return rx.hstack(
        *[tab(*section) for section in SETTINGS_SECTIONS],
        spacing="5",
        wrap="wrap",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        width="100%",
    )


def account_notice() -> rx.Component:
    """Why the account takes no new conversations (live chat off, trial over), for everyone in it."""
    return rx.cond(
        SessionState.account_blocked != "",
        rx.callout(
            tr("account.blocked." + SessionState.account_blocked),
            icon="circle_alert",
            color_scheme="amber",
            role="status",
            id="account-notice",
            width="100%",
        ),
    )


def presence_heartbeat() -> rx.Component:
    """An invisible timer: while this tab is open, it tells the server the agent is here."""
    return interval(SessionState.heartbeat, get_settings().presence_heartbeat_seconds * 1000)


def _frame(title_key: str, active: str, body: rx.Component, **frame) -> rx.Component:
    return rx.hstack(
        presence_heartbeat(),
        alert_listener(),
        sidebar(active),
        rx.vstack(
            topbar(title_key, active),
            rx.cond(SessionState.signed_in, body, rx.center(rx.spinner(size="3"), padding="64px", width="100%")),
            spacing="0",
            width="100%",
            min_width="0",
            **frame,
        ),
        spacing="0",
        width="100%",
        min_height="100vh",
        align="start",
    )


def dashboard(title_key: str, active: str, *content: rx.Component) -> rx.Component:
    """A dashboard page; content appears only once the session was confirmed by the server."""
    return _frame(
        title_key,
        active,
        rx.vstack(
            account_notice(),
            *content,
            spacing="5",
            padding=["16px", "24px", "32px"],
            width="100%",
            max_width="1100px",
            align="stretch",
        ),
    )


def workspace(title_key: str, active: str, *panes: rx.Component) -> rx.Component:
    """A dashboard page of side-by-side panes that fill the window below the top bar, each
    scrolling on its own (the inbox: list, conversation, contact)."""
    return _frame(
        title_key,
        active,
        rx.vstack(
            account_notice(),
            rx.hstack(*panes, spacing="0", width="100%", flex="1", min_height="0", align="stretch"),
            spacing="0",
            width="100%",
            flex="1",
            min_height="0",
        ),
        # The window's height, so the panes scroll inside it instead of the page growing.
        height="100dvh",
        position="sticky",
        top="0",
    )
