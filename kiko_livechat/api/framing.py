"""Who may show our pages inside a frame (Content-Security-Policy frame-ancestors).

The visitor's chat page may be framed by the websites its inbox allows (any, when the list is
empty); every other page only by the app itself, so nobody can overlay the dashboard.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiko_livechat.db import session_scope
from kiko_livechat.services import visitor_chat

WIDGET_PREFIX = "/widget/"
SAME_ORIGIN = "frame-ancestors 'self'"


def policy_for(path: str) -> str | None:
    """The frame-ancestors policy for a request path (None: no restriction)."""
    if not path.startswith(WIDGET_PREFIX):
        return SAME_ORIGIN
    token = path[len(WIDGET_PREFIX) :].split("/", 1)[0]
    with session_scope() as db:
        domains = visitor_chat.embedding_domains(db, public_token=token)
    if domains is None:
        return SAME_ORIGIN
    return f"{SAME_ORIGIN} {' '.join(domains)}" if domains else None


def frame_policy(app: ASGIApp) -> ASGIApp:
    """ASGI middleware adding the policy to every HTTP response."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        policy = policy_for(scope.get("path", ""))

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start" and policy:
                headers = [*message.get("headers", []), (b"content-security-policy", policy.encode())]
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_with_policy)

    return middleware
