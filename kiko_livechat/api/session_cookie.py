"""The two HTTP routes that own the login cookie (HttpOnly: no script of any page can read it).

POST /auth/session takes a login's one-time ticket (services/session_handover.py) from a
same-origin form and answers with the cookie and a redirect to the page behind the login; POST
/auth/logout ends the session of the cookie on the server and clears the cookie. Both refuse
posts from other origins, so no other site can sign a visitor in or out.
"""

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from kiko_livechat.db import session_scope
from kiko_livechat.models import SessionKind
from kiko_livechat.routes import ADMIN, ADMIN_LOGIN, APP_HOME, AUTH_LOGOUT, AUTH_SESSION, LOGIN
from kiko_livechat.services import auth, session_handover
from kiko_livechat.services.errors import AuthFailed
from kiko_livechat.settings import get_settings

_HOME = {SessionKind.AGENT: APP_HOME, SessionKind.OPERATOR: ADMIN}
_LOGIN = {SessionKind.AGENT: LOGIN, SessionKind.OPERATOR: ADMIN_LOGIN}


def same_origin(request: Request) -> bool:
    """A browser names the page that posted; only our own pages may. (A missing Origin is
    refused too: every browser sends it with a POST.)"""
    origin = request.headers.get("origin")
    return bool(origin) and urlsplit(origin).netloc == request.headers.get("host")


def agent_token(request: Request) -> str | None:
    """The dashboard's login token from the request's cookie (the dashboard's own HTTP routes:
    the "/" picker, uploads, files, the contact import)."""
    return session_handover.token_from_cookies(request.headers.get("cookie"), SessionKind.AGENT)


def _local_path(value: object, default: str) -> str:
    """Where to go after the login: a path of this site only (never //other.example)."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def _secure() -> bool:
    return get_settings().base_url.startswith("https://")


async def adopt_session(request: Request) -> Response:
    if not same_origin(request):
        return PlainTextResponse("cross-origin post refused", status_code=403)
    form = await request.form()
    wanted = str(form.get("next") or "")
    fallback = SessionKind.OPERATOR if wanted.startswith(ADMIN) else SessionKind.AGENT
    try:
        with session_scope() as db:
            handed = session_handover.redeem(db, ticket=form.get("ticket"))
    except AuthFailed:
        return RedirectResponse(_LOGIN[fallback], status_code=303)
    response = RedirectResponse(_local_path(wanted, _HOME[handed.kind]), status_code=303)
    response.set_cookie(
        session_handover.COOKIE_NAMES[handed.kind],
        handed.token,
        max_age=get_settings().session_lifetime_days * 86400,
        path="/",
        secure=_secure(),
        httponly=True,
        samesite="lax",
    )
    return response


async def logout(request: Request) -> Response:
    if not same_origin(request):
        return PlainTextResponse("cross-origin post refused", status_code=403)
    form = await request.form()
    kind = SessionKind.OPERATOR if form.get("kind") == SessionKind.OPERATOR else SessionKind.AGENT
    token = session_handover.token_from_cookies(request.headers.get("cookie"), kind)
    with session_scope() as db:
        auth.logout(db, token=token)
    response = RedirectResponse(_LOGIN[kind], status_code=303)
    response.delete_cookie(
        session_handover.COOKIE_NAMES[kind], path="/", secure=_secure(), httponly=True, samesite="lax"
    )
    return response


def routes() -> list[Route]:
    return [
        Route(AUTH_SESSION, adopt_session, methods=["POST"]),
        Route(AUTH_LOGOUT, logout, methods=["POST"]),
    ]
