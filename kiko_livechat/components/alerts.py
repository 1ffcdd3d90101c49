"""The dashboard's alert machinery: the hidden element assets/alerts.js watches, the timer that
keeps the tab listening, and the hint that sounds start after the first click."""

import reflex as rx

from kiko_livechat.components.chat import resync_timer
from kiko_livechat.components.text import tr
from kiko_livechat.services.notification_preferences import TONES
from kiko_livechat.state.alerts import AlertState as A


def alert_listener() -> rx.Component:
    return rx.fragment(
        rx.script(src="/alerts.js"),
        rx.box(
            id="kiko-alerts",
            display="none",
            custom_attrs={
                "data-seq": A.alert_seq.to_string(),
                "data-kind": A.alert_kind,
                "data-number": A.alert_number,
                "data-title": A.alert_title,
                "data-body": A.alert_body,
                "data-sound": A.alert_sound.to_string(),
                "data-sound-any": (A.sound_kinds.length() > 0).to_string(),
                "data-tone": A.tone,
                # Every bundled tone: the first click starts each once (Safari's rule).
                "data-tones": ",".join(TONES),
                "data-visible": A.sound_when_visible.to_string(),
                "data-repeat": A.repeat_unread.to_string(),
                "data-desktop": A.desktop.to_string(),
                "data-unread": A.unread.to_string(),
                "data-unread-assigned": A.unread_assigned.to_string(),
            },
            on_mount=A.start,
        ),
        resync_timer(A.start),
    )


def sound_hint() -> rx.Component:
    """Shown until the first click on the page (browsers block sound before it); alerts.js hides
    it. A click on it also asks for desktop notifications when the agent turned them on."""
    return rx.cond(
        A.sound_kinds.length() > 0,
        rx.tooltip(
            rx.button(
                rx.icon("volume-x", size=16),
                rx.text(tr("alert.sound_enable"), display=["none", "inline"]),
                variant="soft",
                color_scheme="amber",
                size="2",
                id="sound-hint",
                custom_attrs={"data-ask-notifications": "true"},
            ),
            content=tr("alert.sound_hint"),
        ),
    )
