"""Headers every answer carries (an ASGI middleware around the whole app, pages included).

- Who may frame it (CSP frame-ancestors): the visitor's chat page the websites its inbox
  allows (any, when the list is empty); every other page only the app itself.
- `X-Content-Type-Options: nosniff` and `Referrer-Policy: strict-origin-when-cross-origin`.
- For pages, a Content-Security-Policy whose script-src allows our own files and exactly the
  inline scripts the page was built with: their hashes, read from the page as it is served
  (the build writes a handful per page; nothing else inline runs). No 'unsafe-eval': the app
  sends no script to be evaluated (rx.call_script would need it; we use functions compiled into
  the page). Styles stay 'unsafe-inline': the UI kit sets style attributes at run time.
"""

import base64
import gzip
import hashlib
import re
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiko_livechat.db import session_scope
from kiko_livechat.services import visitor_chat

WIDGET_PREFIX = "/widget/"
SAME_ORIGIN = "frame-ancestors 'self'"
_ALWAYS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]
_PAGE_POLICY = (
    "default-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)
_INLINE_SCRIPT = re.compile(rb"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def frame_ancestors(path: str) -> str | None:
    """The frame-ancestors policy for a request path (None: no restriction)."""
    if not path.startswith(WIDGET_PREFIX):
        return SAME_ORIGIN
    token = path[len(WIDGET_PREFIX) :].split("/", 1)[0]
    with session_scope() as db:
        domains = visitor_chat.embedding_domains(db, public_token=token)
    if domains is None:
        return SAME_ORIGIN
    return f"{SAME_ORIGIN} {' '.join(domains)}" if domains else None


def inline_script_hashes(html: bytes) -> list[str]:
    """CSP source expressions for the inline scripts of a page, in order, each once."""
    digests = (hashlib.sha256(body).digest() for body in _INLINE_SCRIPT.findall(html))
    return list(dict.fromkeys(f"'sha256-{base64.b64encode(d).decode()}'" for d in digests))


def page_policy(html: bytes, framing: str | None) -> str:
    """The whole Content-Security-Policy of a page."""
    script_src = " ".join(["script-src 'self'", *inline_script_hashes(html)])
    return "; ".join([*_PAGE_POLICY, script_src, *([framing] if framing else [])])


def security_headers(app: ASGIApp) -> ASGIApp:
    """ASGI middleware adding the headers to every HTTP response. A page (text/html) is held
    until its body is complete, to hash its inline scripts; pages are small and static."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        framing = frame_ancestors(scope.get("path", ""))
        held: list[Message] = []

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *_ALWAYS]
                if _header(headers, b"content-type").startswith(b"text/html"):
                    held.append({**message, "headers": headers})
                    return
                if framing:
                    headers.append((b"content-security-policy", framing.encode()))
                await send({**message, "headers": headers})
                return
            if not held:
                await send(message)
                return
            held.append(message)
            if message.get("more_body", False):
                return
            start, *body = held
            policy = page_policy(_page_text(start["headers"], body), framing).encode()
            await send({**start, "headers": [*start["headers"], (b"content-security-policy", policy)]})
            for part in body:
                await send(part)

        await app(scope, receive, send_with_headers)

    return middleware


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes:
    return next((value for key, value in headers if key.lower() == name), b"")


def _page_text(headers: list[tuple[bytes, bytes]], body: list[Message]) -> bytes:
    """The page's HTML as the browser will read it: the static files come as a path to send
    (granian's pathsend), precompressed with gzip when the browser accepts it."""
    raw = b"".join(
        _file_bytes(m["path"]) if m["type"] == "http.response.pathsend" else m.get("body", b"") for m in body
    )
    return gzip.decompress(raw) if _header(headers, b"content-encoding") == b"gzip" and raw else raw


def _file_bytes(path: str) -> bytes:
    return Path(path).read_bytes()
