"""Canned responses over the Application API, as Chatwoot has them:
GET /api/v1/accounts/{id}/canned_responses?search=, POST, PATCH/PUT and DELETE .../{canned_id}.

The body is `{short_code, content}`; Rails also accepts it wrapped as `{canned_response: {...}}`
(its parameter wrapping), and Chatwoot's clients send either, so both are taken. A personal
access token acts as its user: agents reach the account-wide responses and their own.
"""

from starlette.routing import Route

from kiko_livechat.api import request_bodies as bodies
from kiko_livechat.api.body import shaped
from kiko_livechat.api.http import endpoint
from kiko_livechat.api.params import text_param
from kiko_livechat.services import canned_responses as canned
from kiko_livechat.services import chatwoot_json as presenters

BASE = "/api/v1/accounts/{account_id:int}/canned_responses"


def _fields(body: dict | None) -> dict:
    data = shaped(body, bodies.CANNED_RESPONSE)
    wrapped = data.pop("canned_response", None) or {}
    return {**wrapped, **data}  # a field given both ways: the plain one counts


@endpoint
def list_canned(request, actor, body):
    views = canned.list_canned_responses(request.state.db, actor=actor, search=text_param(request, "search") or "")
    return 200, [presenters.canned_response(view) for view in views]


@endpoint
def create_canned(request, actor, body):
    data = _fields(body)
    view = canned.create_canned_response(
        request.state.db,
        actor=actor,
        short_code=data.get("short_code"),
        content=data.get("content"),
        personal=data.get("personal", False),
    )
    return 200, presenters.canned_response(view)


@endpoint
def update_canned(request, actor, body):
    data = _fields(body)
    view = canned.update_canned_response(
        request.state.db,
        actor=actor,
        canned_id=request.path_params["canned_id"],
        short_code=data.get("short_code"),
        content=data.get("content"),
    )
    return 200, presenters.canned_response(view)


@endpoint
def delete_canned(request, actor, body):
    canned.delete_canned_response(request.state.db, actor=actor, canned_id=request.path_params["canned_id"])
    return 200, {}


def routes() -> list[Route]:
    one = BASE + "/{canned_id:int}"
    return [
        Route(BASE, list_canned, methods=["GET"]),
        Route(BASE, create_canned, methods=["POST"]),
        Route(one, update_canned, methods=["PUT", "PATCH"]),
        Route(one, delete_canned, methods=["DELETE"]),
    ]
