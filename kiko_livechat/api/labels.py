"""The account's labels over the API, as Chatwoot has them: GET/POST /labels and
GET/PATCH/DELETE /labels/{label_id}; a label is {id, title, description, color, show_on_sidebar}."""

from starlette.routing import Route

from kiko_livechat.api import request_bodies as bodies
from kiko_livechat.api.body import shaped
from kiko_livechat.api.http import endpoint
from kiko_livechat.services import labels

BASE = "/api/v1/accounts/{account_id:int}/labels"


def _label(view: labels.LabelView) -> dict:
    return {
        "id": view.label_id,
        "title": view.title,
        "description": view.description,
        "color": view.color,
        "show_on_sidebar": view.show_on_sidebar,
    }


@endpoint
def list_labels(request, actor, body):
    return 200, {"payload": [_label(v) for v in labels.list_labels(request.state.db, actor=actor)]}


@endpoint
def create_label(request, actor, body):
    data = shaped(body, bodies.CREATE_LABEL)
    # null means "not given": the defaults apply.
    given = {name: value for name, value in data.items() if value is not None}
    return 200, _label(labels.create_label(request.state.db, actor=actor, **given))


@endpoint
def show_label(request, actor, body):
    return 200, _label(labels.get_label(request.state.db, actor=actor, label_id=request.path_params["label_id"]))


@endpoint
def update_label(request, actor, body):
    data = shaped(body, bodies.UPDATE_LABEL)
    given = {name: value for name, value in data.items() if value is not None}
    view = labels.update_label(request.state.db, actor=actor, label_id=request.path_params["label_id"], **given)
    return 200, _label(view)


@endpoint
def delete_label(request, actor, body):
    labels.delete_label(request.state.db, actor=actor, label_id=request.path_params["label_id"])
    return 200, {}


def routes() -> list[Route]:
    one = BASE + "/{label_id:int}"
    return [
        Route(BASE, list_labels, methods=["GET"]),
        Route(BASE, create_label, methods=["POST"]),
        Route(one, show_label, methods=["GET"]),
        Route(one, update_label, methods=["PATCH"]),
        Route(one, delete_label, methods=["DELETE"]),
    ]
