"""The signed-in user of this browser tab; every handler re-checks the session on the server."""

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import reflex as rx
from sqlmodel import Session

from kiko_livechat.db import session_scope
from kiko_livechat.models import SessionKind
from kiko_livechat.routes import APP_HOME, LOGIN
from kiko_livechat.services import auth, presence, profile, session_handover
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.errors import AuthFailed, ServiceError
from kiko_livechat.services.profile import ProfileView
from kiko_livechat.state import live
from kiko_livechat.state.forms import as_id
from kiko_livechat.state.i18n import AppState

# Live updates (state/live.py) reach every tab of an inbox at once: a handoff to 50 agents
# checked 50 sessions one after another on the worker's loop, twice (list and alerts). While
# delivering, a session this worker checked less than this long ago counts as checked; handlers
# always check afresh, so a tab whose session ended hears live updates at most this much longer.
DELIVERY_SESSION_SECONDS = 5.0
_CHECKED_MAX = 20_000
_checked: dict[str, tuple[float, Actor]] = {}


def checked_actor(db: Session, token: str) -> Actor:
    """The actor of a session token: checked now, or during a live update (also in work it
    hands to a thread) as checked less than DELIVERY_SESSION_SECONDS ago. AuthFailed if none."""
    now = time.monotonic()
    if live.delivering():
        hit = _checked.get(token)
        if hit is not None and now - hit[0] < DELIVERY_SESSION_SECONDS:
            return hit[1]
    try:
        actor = auth.resolve_session(db, token=token)
    except AuthFailed:
        _checked.pop(token, None)
        raise
    if len(_checked) >= _CHECKED_MAX:
        for stale in [t for t, (at, _) in list(_checked.items()) if now - at >= DELIVERY_SESSION_SECONDS]:
            _checked.pop(stale, None)
    _checked[token] = (now, actor)
    return actor


class SessionState(AppState):
    """Who is signed in. The token is opaque; the server looks it up on every call."""

    signed_in: bool = False
    # A login's one-time ticket for the hidden form that moves the session into the HttpOnly
    # cookie (components/session_forms.py); "" once a page behind the login has loaded.
    handover_ticket: str = ""
    user_name: str = ""
    user_email: str = ""
    account_name: str = ""
    account_id: int = 0
    account_locale: str = ""
    locale_choice: str = ""
    role: str = ""
    availability: str = "offline"
    is_admin: bool = False
    memberships: list[dict[str, str]] = []
    # Why the account takes no new conversations ("inactive", "trial_expired") or "".
    account_blocked: str = ""

    def _token(self) -> str:
        """This tab's session token: the HttpOnly cookie that came with the websocket's handshake
        (never a variable the browser's scripts could read)."""
        return session_handover.token_from_cookies(self.router.headers.cookie, SessionKind.AGENT)

    def _hand_over(self, db: Session, token: str) -> None:
        """Give the browser a new session: the page posts this ticket to /auth/session."""
        self.handover_ticket = session_handover.issue(db, token=token)

    @contextmanager
    def _as_actor(self) -> Iterator[tuple[Session, Actor]]:
        """A database session and the actor of this tab's token; AuthFailed if there is none."""
        with session_scope() as db:
            yield db, checked_actor(db, self._token())

    def _check_session(self) -> None:
        """For handlers that read or write nothing themselves (close a dialog): still only for a
        valid session, like every handler of a dashboard state. AuthFailed otherwise."""
        with self._as_actor():
            pass

    def _apply_profile(self, view: ProfileView) -> None:
        self.signed_in = True
        self.user_name = view.name
        self.user_email = view.email
        self.account_name = view.account_name
        self.account_id = view.account_id
        self.account_locale = view.account_locale
        self.locale_choice = view.locale_choice or ""
        self.role = view.role
        self.availability = view.availability
        self.is_admin = view.role == "administrator"
        self.memberships = [
            {"account_id": str(m.account_id), "name": m.account_name, "role": m.role} for m in view.memberships
        ]
        self.account_blocked = view.account_blocked or ""
        self._use_locale(view.locale)

    def _sign_out_locally(self):
        """Forget everything about the user in this tab and go to the login page (the cookie's
        session is no longer valid on the server; the next login replaces the cookie)."""
        self.handover_ticket = ""
        self.signed_in = False
        self.user_name = self.user_email = self.account_name = self.role = ""
        self.account_id = 0
        self.is_admin = False
        self.memberships = []
        return rx.redirect(LOGIN)

    @rx.event
    def require_login(self):
        """on_load of every dashboard page: load the profile or send the visitor to the login.
        The page left behind stops listening (the new page's own load listens again)."""
        live.leave_page(self.router.session.client_token)
        self.handover_ticket = ""
        try:
            with self._as_actor() as (db, actor):
                view = profile.get_profile(db, actor=actor)
        except AuthFailed:
            return self._sign_out_locally()
        self._apply_profile(view)

    @rx.event
    def redirect_if_signed_in(self):
        """on_load of the login page: a valid session goes straight to the dashboard."""
        self.handover_ticket = ""
        try:
            self._check_session()
        except AuthFailed:
            self.signed_in = False
            return None
        return rx.redirect(APP_HOME)

    @rx.event
    def heartbeat(self, _tick: str = ""):
        """Sent by every open dashboard tab at an interval: the agent is still there (presence)."""
        try:
            with self._as_actor() as (db, actor):
                presence.heartbeat(db, actor=actor)
        except AuthFailed:
            return self._sign_out_locally()
        return None

    @rx.event
    def switch_account(self, account_id: str):
        """Move this tab's session to another account the user belongs to (user menu)."""
        try:
            with self._as_actor() as (db, actor):
                moved = auth.switch_account(db, actor=actor, account_id=as_id(account_id), token=self._token())
                view = profile.get_profile(db, actor=moved)
        except AuthFailed:
            return self._sign_out_locally()
        except ServiceError:  # not a member there (any more): stay where we are
            return None
        self._apply_profile(view)
        return rx.redirect(APP_HOME)

    @rx.event
    def set_language(self, locale: str):
        """The language switch in the top bar: stored in the user's profile, applied at once."""
        return self._update_profile(lambda db, actor: profile.set_locale(db, actor=actor, locale=locale))

    @rx.event
    def set_availability(self, availability: str):
        return self._update_profile(
            lambda db, actor: profile.set_availability(db, actor=actor, availability=availability)
        )

    def _update_profile(self, change: Callable[[Session, Actor], ProfileView]):
        try:
            with self._as_actor() as (db, actor):
                view = change(db, actor)
        except AuthFailed:
            return self._sign_out_locally()
        except ServiceError:  # a refused value changes nothing; the controls keep the stored one
            return None
        self._apply_profile(view)
        return None


def signed_in_only(handler):
    """Decorator for handlers of dashboard states: a lost session sends the tab to the login."""

    @functools.wraps(handler)
    async def wrapper(self, *args, **kwargs):
        try:
            return await handler(self, *args, **kwargs)
        except AuthFailed:
            session_state = await self.get_state(SessionState)
            return session_state._sign_out_locally()

    return wrapper
