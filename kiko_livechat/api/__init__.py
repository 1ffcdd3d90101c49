"""HTTP routes for the bot and the widget: parse, authorize, call a service, answer JSON."""

from starlette.applications import Starlette
from starlette.routing import Route

from kiko_livechat.api import canned_responses, contact_imports, dashboard_canned, files, search, session_cookie, v1
from kiko_livechat.api.fallback import Unmatched
from kiko_livechat.api.health import health
from kiko_livechat.api.openapi import PATH as OPENAPI_PATH
from kiko_livechat.api.openapi import openapi


def build_api() -> Starlette:
    """The Starlette app that Reflex mounts its own app under (our routes win; any other /api/
    path answers JSON 404 or 405 here instead of reaching Reflex)."""
    routes = [
        Route("/api/health", health, methods=["GET"]),
        Route(OPENAPI_PATH, openapi, methods=["GET"]),
        *search.routes(),
        *v1.routes(),
        *canned_responses.routes(),
        *dashboard_canned.routes(),
        *session_cookie.routes(),
        *files.routes(),
        *contact_imports.routes(),
    ]
    return Starlette(routes=[*routes, Unmatched(routes)])
