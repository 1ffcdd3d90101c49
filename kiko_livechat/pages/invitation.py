"""/invite/<code>: join an account from an invitation link (set a password, or confirm one's own)."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.forms import field, form_error
from kiko_livechat.components.public import PASSWORD_INPUT_MAX, public_card_page
from kiko_livechat.components.session_forms import handover_form
from kiko_livechat.components.text import tr
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.state.i18n import AppState
from kiko_livechat.state.invitation import InvitationState
from kiko_livechat.state.session import SessionState


def _secret(label_key: str, name: str, hint_key: str | None = None) -> rx.Component:
    control = rx.input(
        name=name,
        id=f"invite-{name.replace('_', '-')}",
        type="password",
        auto_complete="current-password" if hint_key is None and name == "password" else "new-password",
        max_length=PASSWORD_INPUT_MAX,
        size="3",
    )
    return field(label_key, control, InvitationState.errors.get(name, ""), hint_key=hint_key)


def _new_person_fields() -> list[rx.Component]:
    return [
        field(
            "invitation.name",
            rx.input(
                name="name",
                id="invite-accept-name",
                default_value=InvitationState.invited_name,
                key=InvitationState.invited_name,
                max_length=100,
                size="3",
            ),
            InvitationState.errors.get("name", ""),
        ),
        _secret("invitation.password", "password", hint_key="settings.password.hint"),
        _secret("invitation.confirm", "confirm_password"),
    ]


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading(tr("invitation.title"), " ", InvitationState.account_name, size="6"),
            rx.text(InvitationState.email, color_scheme="gray", size="2"),
            form_error(InvitationState.errors.get("", "")),
            rx.cond(
                InvitationState.existing_user,
                rx.vstack(
                    rx.text(tr("invitation.existing_user"), size="2"),
                    _secret("invitation.your_password", "password"),
                    spacing="3",
                    width="100%",
                ),
                rx.vstack(*_new_person_fields(), spacing="4", width="100%"),
            ),
            rx.button(tr("invitation.submit"), type="submit", size="3", width="100%", id="invite-accept"),
            spacing="4",
            align="stretch",
        ),
        on_submit=InvitationState.accept_invitation,
        reset_on_submit=False,
    )


def _invalid() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("invitation.invalid_title"), size="6"),
        rx.callout(tr("invitations.error.invalid"), icon="circle_alert", color_scheme="amber", role="alert"),
        rx.link(tr("invitation.to_login"), href=routes.LOGIN),
        spacing="4",
    )


def invitation_page() -> rx.Component:
    return public_card_page(
        rx.cond(
            InvitationState.loaded,
            rx.cond(InvitationState.valid, _form(), _invalid()),
            rx.center(rx.spinner(size="3"), padding="32px"),
        ),
        handover_form(SessionState.handover_ticket, routes.APP_HOME),
    )


def register(app: rx.App) -> None:
    app.add_page(
        invitation_page,
        route=routes.INVITE,
        title=PRODUCT_NAME,
        on_load=[AppState.apply_lang_pref, InvitationState.load_invitation],
    )
