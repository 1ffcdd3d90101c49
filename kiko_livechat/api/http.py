"""What every API route shares: the token, the account in the path, JSON in and out, errors
as clear JSON in the caller's language, rate limits, services run off the loop.

What can be refused without reading the body is refused first: a missing token, an address
or token over its rate limit, a body declared too large. Only then is the body read (up to its
cap, body.py) and the token looked up."""

import time
from collections.abc import Callable
from functools import wraps

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from kiko_livechat.api import rate_limit
from kiko_livechat.api.body import check_values, read_json_body
from kiko_livechat.api.client_address import client_address
from kiko_livechat.api.errors import ApiError, error_response
from kiko_livechat.api.multipart import FormFiles, is_multipart, read_form_with_files
from kiko_livechat.db import session_scope
from kiko_livechat.services import api_access
from kiko_livechat.services.entitlement import AccountBlocked
from kiko_livechat.services.errors import AuthFailed, NotFound, PermissionDenied, ServiceError, ValidationFailed

_STATUS = ((AuthFailed, 401), (NotFound, 404), (PermissionDenied, 403), (AccountBlocked, 403), (ValidationFailed, 422))


class TokenRefused(ApiError):
    """A token that is not (or no longer) valid: 401, and one more failure counted at the address."""

    def __init__(self) -> None:
        super().__init__(401, "api.unauthorized")


def _admit(address: str, token: str) -> None:
    """Refuse before anything is read: a token accepted lately is limited per token; any other
    request needs room at its address (a flood of made-up tokens stops there, without lookups)."""
    if not token or len(token) > api_access.TOKEN_MAX:
        if not rate_limit.per_address.take(address):
            raise ApiError(429, "api.error.rate_limited")
        raise ApiError(401, "api.unauthorized")
    if token in rate_limit.per_token:
        if not rate_limit.per_token.take(token):
            raise ApiError(429, "api.error.rate_limited")
    elif not rate_limit.per_address.has_room(address):
        raise ApiError(429, "api.error.rate_limited")


def endpoint(handler: Callable | None = None, *, files: FormFiles | None = None) -> Callable:
    """Wrap a route: authenticate, check the path's account, rate-limit, map errors to JSON.

    `handler(request, actor, body)` is a plain function run in a worker thread with a database
    session as `request.state.db`; it returns (status, payload). With `files`, the route also
    takes multipart/form-data: its text fields are the body, its files are streamed as `files`
    says once the token is checked, and what became of them is `request.state.form_files`
    (None for a JSON body).
    """
    if handler is None:
        return lambda h: endpoint(h, files=files)

    @wraps(handler)
    async def route(request: Request):
        started = time.perf_counter()
        address = client_address(request.scope)
        request.state.form_files = None
        try:
            token = request.headers.get("api_access_token") or request.headers.get("api-access-token") or ""
            _admit(address, token)
            if files is not None and is_multipart(request):
                body = await _read_files(request, token, files)
            elif files is not None and files.form_only:
                raise ApiError(415, "api.error.form_expected")
            else:
                body = None if request.method in ("GET", "DELETE") else await read_json_body(request)
            check_values(body)
            check_values(dict(request.query_params))
            status, payload = await run_in_threadpool(_run, handler, request, token, body)
        except TokenRefused as error:
            rate_limit.per_address.take(address)
            return error_response(request, error.status, error.code)
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


async def _read_files(request: Request, token: str, files: FormFiles) -> dict:
    """The multipart body's fields; its files as `files` takes them, once the caller is checked
    (`files.prepare` runs with the token's actor before a byte of the body is read)."""
    context = await run_in_threadpool(
        _run, lambda r, actor, _: files.prepare(r.state.db, actor, r), request, token, None
    )
    fields, finished = await read_form_with_files(
        request,
        lambda name: files.open_file(context, name),
        lambda sink: files.finish(context, sink),
        file_fields=files.fields,
        most=files.most,
        discard=files.discard,
    )
    request.state.form_files = finished
    return fields


def _run(handler: Callable, request: Request, token: str, body: dict | None):
    with session_scope() as db:
        try:
            actor = api_access.resolve_api_token(db, token=token)
        except AuthFailed:
            raise TokenRefused() from None
        if token not in rate_limit.per_token:  # accepted: from now on limited per token
            rate_limit.per_token.take(token)
        account = request.path_params.get("account_id")
        if account is not None and account != actor.account_id:
            raise NotFound()  # another account: the same answer as a missing one
        request.state.db = db
        return handler(request, actor, body)
