"""The login form."""

import reflex as rx

from kiko_livechat.db import session_scope
from kiko_livechat.routes import APP_HOME
from kiko_livechat.services import auth
from kiko_livechat.services.errors import ServiceError
from kiko_livechat.state.forms import FormFeedback
from kiko_livechat.state.session import SessionState


class LoginState(FormFeedback, SessionState):
    """Checks credentials through the auth service; stores only the opaque session token."""

    @rx.event
    async def login(self, form_data: dict):
        self._clear_feedback()
        try:
            with session_scope() as db:
                result = auth.login(
                    db,
                    email=form_data.get("email"),
                    password=form_data.get("password"),
                    client_address=self.router.session.client_ip or None,
                )
        except ServiceError as error:
            self._fail(error)
            return None
        session_state = await self.get_state(SessionState)
        session_state.token = result.token
        return rx.redirect(APP_HOME)
