"""What every API route shares: the token, the account in the path, JSON in and out, errors
as clear JSON in the caller's language, a rate limit per token, services run off the loop."""

import json
import time
from collections.abc import Callable
from functools import wraps

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from kiko_livechat.db import session_scope
from kiko_livechat.i18n import negotiate, translate
from kiko_livechat.services import api_access
from kiko_livechat.services.entitlement import AccountBlocked
from kiko_livechat.services.errors import AuthFailed, NotFound, PermissionDenied, ServiceError, ValidationFailed
from kiko_livechat.settings import get_settings

BODY_MAX_BYTES = 256 * 1024
_STATUS = ((AuthFailed, 401), (NotFound, 404), (PermissionDenied, 403), (AccountBlocked, 403), (ValidationFailed, 422))


class ApiError(Exception):
    """A refusal at the HTTP edge (before any service runs)."""

    def __init__(self, status: int, code: str, field: str | None = None, **params: object) -> None:
        super().__init__(code)
        self.status, self.code, self.field, self.params = status, code, field, params


def error_response(request: Request, status: int, code: str, field: str | None = None, **params) -> JSONResponse:
    locale = negotiate(request.headers.get("accept-language"), "en")
    body = {"error": code, "message": translate(locale, code, **params)}
    if field:
        body["field"] = field
    return JSONResponse(body, status_code=status)


_buckets: dict[str, tuple[float, float]] = {}


def _take_token(key: str) -> bool:
    """A token bucket per API token (per worker process): KIKO_API_RATE_PER_SECOND, bursts of
    KIKO_API_RATE_BURST."""
    settings = get_settings()
    now = time.monotonic()
    level, last = _buckets.get(key, (settings.api_rate_burst, now))
    level = min(settings.api_rate_burst, level + (now - last) * settings.api_rate_per_second)
    if level < 1:
        _buckets[key] = (level, now)
        return False
    _buckets[key] = (level - 1, now)
    return True


# Deeper JSON than any Chatwoot payload is refused (walking it must not exhaust the stack).
MAX_DEPTH = 32


def _check_values(value: object) -> None:
    """Refuse at the door what no service can store, walking the body without recursion:
    nesting deeper than MAX_DEPTH, NUL characters (PostgreSQL cannot store them) and lone
    surrogates (not Unicode text; "\\ud800" is valid JSON)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise ApiError(422, "api.error.too_deep", max=MAX_DEPTH)
        if isinstance(item, str):
            if "\x00" in item:
                raise ApiError(422, "api.error.nul_character")
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ApiError(400, "api.error.malformed_json") from exc
        elif isinstance(item, dict):
            pending.extend((part, depth + 1) for pair in item.items() for part in pair)
        elif isinstance(item, list):
            pending.extend((part, depth + 1) for part in item)


def endpoint(handler: Callable) -> Callable:
    """Wrap a route: authenticate, check the path's account, rate-limit, map errors to JSON.

    `handler(request, actor, body)` is a plain function run in a worker thread with a database
    session as `request.state.db`; it returns (status, payload).
    """

    @wraps(handler)
    async def route(request: Request):
        started = time.perf_counter()
        try:
            token = request.headers.get("api_access_token") or request.headers.get("api-access-token") or ""
            if token and not _take_token(token):
                raise ApiError(429, "api.error.rate_limited")
            body = await _body(request)
            _check_values(body)
            _check_values(dict(request.query_params))
            status, payload = await run_in_threadpool(_run, handler, request, token, body)
        except ApiError as error:
            return error_response(request, error.status, error.code, error.field, **error.params)
        except ServiceError as error:
            status = next((code for kind, code in _STATUS if isinstance(error, kind)), 400)
            return error_response(request, status, error.code, error.field, **error.params)
        response = JSONResponse(payload, status_code=status)
        # The time spent in the app, body written (the benches read it; so can an operator's proxy).
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response

    return route


def _run(handler: Callable, request: Request, token: str, body: dict | None):
    with session_scope() as db:
        actor = api_access.resolve_api_token(db, token=token)
        account = request.path_params.get("account_id")
        if account is not None and account != actor.account_id:
            raise NotFound()  # another account: the same answer as a missing one
        request.state.db = db
        return handler(request, actor, body)


async def _body(request: Request) -> dict | None:
    if request.method in ("GET", "DELETE"):
        return None
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise ApiError(415, "api.error.content_type")
    raw = await request.body()
    if len(raw) > BODY_MAX_BYTES:
        raise ApiError(413, "api.error.too_large", max=BODY_MAX_BYTES)
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, RecursionError) as exc:  # nesting too deep for the parser: malformed too
        raise ApiError(400, "api.error.malformed_json") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "api.error.malformed_json")
    return body


def fields(body: dict | None, allowed: set[str]) -> dict:
    """The body, refusing fields the route does not know (a typo must not pass silently)."""
    body = body or {}
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ApiError(422, "api.error.unknown_field", field=unknown[0], name=unknown[0])
    return body


def required(data: dict, *names: str) -> dict:
    """Refuse a body that lacks one of `names` with a clear 422 naming it."""
    for name in names:
        if name not in data:
            raise ApiError(422, "error.required", field=name)
    return data


def int_param(request: Request, name: str, default: int | None = None) -> int | None:
    """A whole-number query parameter; a malformed one is a clear 422."""
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    if not (value.isascii() and value.isdigit()) or len(value) > 10:  # "²" is a digit to Python
        raise ApiError(422, "api.error.not_a_number", field=name, name=name)
    return int(value)
