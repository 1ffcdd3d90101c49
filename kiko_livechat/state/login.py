"""The login form."""

import reflex as rx

from kiko_livechat.db import session_scope
from kiko_livechat.services import auth
from kiko_livechat.services.errors import ServiceError
from kiko_livechat.state.forms import FormFeedback
from kiko_livechat.state.session import SessionState


class LoginState(FormFeedback, SessionState):
    """Checks credentials through the auth service; the session goes to the HttpOnly cookie."""

    @rx.event
    async def login(self, form_data: dict):
        self._clear_feedback()
        session_state = await self.get_state(SessionState)
        try:
            with session_scope() as db:
                result = auth.login(
                    db,
                    email=form_data.get("email"),
                    password=form_data.get("password"),
                    client_address=self.router.session.client_ip or None,
                )
                session_state._hand_over(db, result.token)
        except ServiceError as error:
            self._fail(error)
        # The page's handover form now posts the ticket and lands on the dashboard.
