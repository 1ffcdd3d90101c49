"""The not-found page: whether its way back is the inbox (signed in) or the login."""

import reflex as rx

from kiko_livechat.services import profile
from kiko_livechat.services.errors import AuthFailed
from kiko_livechat.state.session import SessionState


class NotFoundState(SessionState):
    """Open to everyone: it sends nobody anywhere and shows no account data."""

    # False until the session was checked, so the page offers no way back it then takes away.
    checked: bool = False

    @rx.event
    def find_way_back(self):
        """on_load of the not-found page: a valid session gets the inbox (and its language)."""
        try:
            with self._as_actor() as (db, actor):
                view = profile.get_profile(db, actor=actor)
        except AuthFailed:
            self.signed_in = False
        else:
            self._apply_profile(view)
        self.checked = True
