"""Accepting an invitation: the link's token is the only credential, so this is not a dashboard
state; on success the tab gets a dashboard session."""

import reflex as rx

from kiko_livechat.db import session_scope
from kiko_livechat.services import invitations
from kiko_livechat.services.errors import ServiceError
from kiko_livechat.state.forms import FormFeedback
from kiko_livechat.state.i18n import AppState
from kiko_livechat.state.routing import route_arg
from kiko_livechat.state.session import SessionState


class InvitationState(FormFeedback, AppState):
    loaded: bool = False
    valid: bool = False
    account_name: str = ""
    email: str = ""
    invited_name: str = ""
    existing_user: bool = False

    def _code(self) -> str:
        return route_arg(self.router, "invite_code")

    @rx.event
    def load_invitation(self):
        """on_load: what the link is for, or that it no longer works."""
        self._clear_feedback()
        try:
            with session_scope() as db:
                preview = invitations.preview_invitation(db, token=self._code())
        except ServiceError:
            self.valid = False
        else:
            self.valid = True
            self.account_name = preview.account_name
            self.email = preview.email
            self.invited_name = preview.name
            self.existing_user = preview.existing_user
        self.loaded = True

    @rx.event
    async def accept_invitation(self, form_data: dict):
        self._clear_feedback()
        if not self.existing_user and form_data.get("password") != form_data.get("confirm_password"):
            self._fail_code("error.password_mismatch", "confirm_password")
            return None
        session_state = await self.get_state(SessionState)
        try:
            with session_scope() as db:
                result = invitations.accept_invitation(
                    db, token=self._code(), name=form_data.get("name"), password=form_data.get("password")
                )
                session_state._hand_over(db, result.token)
        except ServiceError as error:
            self._fail(error)
        # The page's handover form now posts the ticket and lands on the dashboard.
        return None
