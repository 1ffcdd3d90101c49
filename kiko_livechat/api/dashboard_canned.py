"""The composer's "/" picker asks here, per keystroke, for the best canned responses.

Why an HTTP route and not a state event: a keystroke must not queue behind the tab's other
events (Reflex runs one tab's events one after another) nor send a state delta; this answer is
a handful of rows (services/canned_responses.PICKER_ROWS), the search runs in the database, and
the browser drops answers to keystrokes it has moved past (assets/canned-picker.js). The tab's
login cookie (HttpOnly, SameSite=Lax) authenticates it, as it does the websocket.
"""

import time

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from kiko_livechat.api.session_cookie import agent_token
from kiko_livechat.db import session_scope
from kiko_livechat.routes import CANNED_PICKER
from kiko_livechat.services import auth, canned_responses
from kiko_livechat.services.errors import AuthFailed, NotFound


def _rows(token: str, search: str, number: str) -> list[dict]:
    with session_scope() as db:
        actor = auth.resolve_session(db, token=token)
        display_id = int(number) if number.isascii() and number.isdigit() and len(number) <= 10 else None
        rows = canned_responses.picker_rows(db, actor=actor, search=search, display_id=display_id)
    return [{"id": r.canned_id, "code": r.short_code, "preview": r.preview, "text": r.text} for r in rows]


async def picker(request: Request) -> JSONResponse:
    started = time.perf_counter()
    token = agent_token(request)
    search = request.query_params.get("q", "")
    number = request.query_params.get("conversation", "")
    try:
        rows = await run_in_threadpool(_rows, token, search, number)
        status = 200
    except AuthFailed:
        rows, status = [], 401
    except NotFound:
        rows, status = [], 404
    response = JSONResponse({"rows": rows}, status_code=status, headers={"Cache-Control": "no-store"})
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
    return response


def routes() -> list[Route]:
    return [Route(CANNED_PICKER, picker, methods=["GET"])]
