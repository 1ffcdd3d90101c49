"""The answer to an /api/ request that no route takes: JSON, never the frontend's HTML page.

Reflex mounts its own app (and in production the compiled frontend) behind our routes, so
without this a path whose converter does not match (`/conversations/-1`) or a known path asked
with another method would fall through to an HTML 404."""

from starlette.requests import Request
from starlette.routing import BaseRoute, Match, Route, get_route_path
from starlette.types import ASGIApp, Receive, Scope, Send

from kiko_livechat.api.errors import error_response

PREFIX = "/api/"


class Unmatched(BaseRoute):
    """Every request under /api/ (any method, any characters: a path template's `.*` stops at a
    line break), listed after `routes`: 405 with Allow when one of them has the path under
    another method, else 404."""

    def __init__(self, routes: list[BaseRoute]) -> None:
        self.routes = routes

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and get_route_path(scope).startswith(PREFIX):
            return Match.FULL, {}
        return Match.NONE, {}

    def url_path_for(self, name: str, /, **path_params):
        raise NotImplementedError("the fallback has no URL of its own")

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        allowed = set()
        for route in self.routes:
            if isinstance(route, Route) and route.matches(scope)[0] == Match.PARTIAL:
                allowed |= route.methods or set()
        request = Request(scope, receive)
        if allowed:
            response = error_response(request, 405, "api.error.method_not_allowed")
            response.headers["Allow"] = ", ".join(sorted(allowed))
        else:
            response = error_response(request, 404, "error.not_found")
        await response(scope, receive, send)


def line_breaks_in_api_paths(app: ASGIApp) -> ASGIApp:
    """Wraps Reflex's outermost app: its mount of everything ("" -> `/.*`) does not take a path
    with a line break (`.` stops there), so `/api/x%0Ay` would get its plain-text 404 without
    reaching our routes. Such a path is no route of ours: JSON 404 here."""

    async def guard(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(PREFIX) and "\n" in path:
            await error_response(Request(scope, receive), 404, "error.not_found")(scope, receive, send)
            return
        await app(scope, receive, send)

    return guard
