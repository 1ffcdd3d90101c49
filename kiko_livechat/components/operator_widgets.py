"""Pieces of the operator's console: its frame, state badges and the invitation link to copy."""

import reflex as rx

from kiko_livechat.components.layout import language_select
from kiko_livechat.components.session_forms import logout_form, submit_logout
from kiko_livechat.components.text import tr
from kiko_livechat.state.i18n import AppState

STATE_COLORS = {"active": "green", "inactive": "gray", "trial_expired": "red"}


def brand() -> rx.Component:
    """Product name with "Operator console", so nobody mistakes it for the agents' dashboard."""
    return rx.hstack(
        rx.icon("shield-check", size=24, color=rx.color("accent", 10)),
        rx.heading(tr("app.name"), size="4"),
        rx.badge(tr("operator.console"), variant="soft", size="2"),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def operator_language_select() -> rx.Component:
    # The operator has no profile to store a language in: the choice stays in this browser.
    return language_select(AppState.locale, AppState.choose_language)


def header() -> rx.Component:
    return rx.hstack(
        brand(),
        rx.spacer(),
        operator_language_select(),
        rx.button(
            rx.icon("log-out", size=16),
            tr("topbar.logout"),
            on_click=submit_logout("operator"),
            variant="ghost",
            id="operator-logout",
        ),
        logout_form("operator"),
        align="center",
        spacing="3",
        wrap="wrap",
        row_gap="8px",
        padding=["10px 16px", "12px 24px"],
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 1),
        width="100%",
        position="sticky",
        top="0",
        z_index="10",
    )


def state_badge(state: rx.Var) -> rx.Component:
    """Whether the account takes new conversations, and if not, why."""
    return rx.badge(
        tr("operator.state." + state),
        color_scheme=rx.Var.create(STATE_COLORS)[state],
        variant="soft",
        size="2",
        white_space="nowrap",
    )


def invitation_link(link: rx.Var, caption: rx.Var, input_id: str) -> rx.Component:
    """A created invitation: the link (selectable, read-only), a copy button and for whom it is."""
    return rx.cond(
        link != "",
        rx.vstack(
            rx.text(caption, size="2", color_scheme="gray"),
            rx.hstack(
                rx.input(value=link, read_only=True, id=input_id, flex="1", min_width="220px"),
                rx.button(
                    rx.icon("copy", size=16),
                    tr("operator.link.copy"),
                    type="button",
                    on_click=[rx.set_clipboard(link), rx.toast.success(tr("operator.link.copied"))],
                    id=f"{input_id}-copy",
                ),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
            align="stretch",
            padding="12px",
            border_radius="8px",
            background=rx.color("accent", 2),
            border=f"1px solid {rx.color('accent', 5)}",
        ),
    )
