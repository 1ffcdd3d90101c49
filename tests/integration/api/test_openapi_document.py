"""Issue 13.9: the OpenAPI document is what the API does. Every route and method is in it with
every status it can answer; a path or method the API does not have answers JSON (404, 405),
never the frontend's page; a query parameter outside its documented choices is a 422."""

import pytest
from sqlmodel import Session
from starlette.routing import Route
from starlette.testclient import TestClient

from kiko_livechat.api import build_api
from kiko_livechat.api.openapi import spec
from kiko_livechat.models import Role
from kiko_livechat.services import api_access, api_chat, contacts, inboxes
from tests import factories
from tests.integration.api.answers import assert_clean_answer

EVERY_ROUTE_ANSWERS = {"401", "403", "404", "405", "422", "429"}
WITH_A_BODY_ALSO = {"400", "413", "415"}


def _documented_path(route_path: str) -> str:
    return route_path.replace(":int", "")


def test_every_route_and_method_is_documented():
    # The document covers the JSON API; /auth/session and /auth/logout are the browser's form
    # posts that set and clear the login cookie (api/session_cookie.py), no API for clients;
    # /app-data/ serves the dashboard's own scripts behind that cookie (the "/" picker, uploads),
    # /widget-data/ the widget's uploads; /files/ answers files, not JSON (api/files.py): its
    # links reach bots ready-made and signed, in the attachments' data_url.
    routes = {
        (method.lower(), _documented_path(route.path))
        for route in build_api().routes
        if isinstance(route, Route) and not route.path.startswith(("/auth/", "/app-data/", "/widget-data/", "/files/"))
        for method in route.methods - {"HEAD"}
    }
    documented = {(method, path) for path, item in spec()["paths"].items() for method in item}
    assert routes == documented


def test_every_operation_documents_every_status_it_can_answer():
    missing = []
    for path, item in spec()["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in item.items():
            expected = EVERY_ROUTE_ANSWERS | (WITH_A_BODY_ALSO if "requestBody" in operation else set())
            if lacking := expected - set(operation["responses"]):
                missing.append(f"{method} {path}: {sorted(lacking)}")
            ok = [code for code in operation["responses"] if code.startswith("2")]
            schema = operation["responses"][ok[0]]["content"]["application/json"]["schema"]
            if not schema:
                missing.append(f"{method} {path}: no schema for {ok[0]}")
    assert missing == []


@pytest.fixture
def api(app_db, real_app):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
        created = inboxes.create_api_inbox(db, actor=admin, name="Bot")
        bot = api_access.resolve_api_token(db, token=created.api_token)
        contacts.create_contact(db, actor=bot, name="Erika", inbox_id=created.inbox.inbox_id, source_id="s")
        api_chat.create_conversation(db, actor=bot, inbox_id=created.inbox.inbox_id, source_id="s")
    client = TestClient(real_app, headers={"api_access_token": created.api_token})
    return client, f"/api/v1/accounts/{acc.id}"


@pytest.mark.parametrize(
    "path",
    ["/conversations/-1", "/contacts/abc", "/webhooks/1.5", "/conversations/1/nothing", "/conversations/x%0Ay"],
)
def test_a_path_no_route_has_answers_json_404(api, path):
    client, base = api
    answer = client.get(base + path)
    assert answer.status_code == 404
    assert_clean_answer(answer)
    assert client.get("/api/no-such-thing").json()["error"] == "error.not_found"


def test_a_method_a_path_does_not_have_answers_json_405(api):
    client, base = api
    answer = client.delete(base + "/conversations")
    assert answer.status_code == 405
    assert_clean_answer(answer)
    assert answer.headers["allow"] == "GET, HEAD, POST"
    assert client.request("TRACE", "/api/v1/profile").status_code == 405


@pytest.mark.parametrize(
    "query,field",
    [
        ("status=bogus", "status"),
        ("assignee_type=someone", "assignee_type"),
        ("page=0", "page"),
        ("inbox_id=2147483648", "inbox_id"),
        ("status=open&status=all", "status"),
    ],
)
def test_a_list_parameter_outside_its_documented_values_is_a_422(api, query, field):
    client, base = api
    answer = client.get(f"{base}/conversations?{query}")
    assert (answer.status_code, answer.json().get("field")) == (422, field)
    assert client.get(f"{base}/conversations?status=all&assignee_type=me&page=1").status_code == 200
