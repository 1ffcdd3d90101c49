"""The account's labels over HTTP, in Chatwoot's shapes: GET/POST /labels, GET/PATCH/DELETE
/labels/{id}; only administrators change them; another account's label is not found."""

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from kiko_livechat.api import build_api
from kiko_livechat.models import Role
from kiko_livechat.services import api_access, api_chat, contacts, inboxes
from tests import factories


@pytest.fixture
def api(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
        agent = factories.login(db, factories.user(db, acc.id)).actor
        bot_inbox = inboxes.create_api_inbox(db, actor=admin, name="Bot", agent_ids=[agent.user_id])
        bot = api_access.resolve_api_token(db, token=bot_inbox.api_token)
        inbox_id = bot_inbox.inbox.inbox_id
        contacts.create_contact(db, actor=bot, name="Erika", inbox_id=inbox_id, source_id="erika")
        conv = api_chat.create_conversation(db, actor=bot, inbox_id=inbox_id, source_id="erika")
        other = factories.active_account(db)
        other_admin = factories.actor(db, other.id, role=Role.ADMINISTRATOR)
        tokens = {
            "admin": api_access.issue_personal_token(db, actor=admin),
            "agent": api_access.issue_personal_token(db, actor=agent),
            "bot": bot_inbox.api_token,
            "other": api_access.issue_personal_token(db, actor=other_admin),
        }
    client = TestClient(build_api())

    def call(who: str, method: str, path: str, **kwargs):
        return client.request(method, path, headers={"api_access_token": tokens[who]}, **kwargs)

    return call, f"/api/v1/accounts/{acc.id}", f"/api/v1/accounts/{other.id}", conv.display_id


def test_crud_in_chatwoots_shapes(api):
    call, base, _, number = api
    created = call(
        "admin",
        "POST",
        f"{base}/labels",
        json={"title": "Rückruf", "description": "Kunde will Anruf", "color": "#DC2626", "show_on_sidebar": True},
    )
    assert created.status_code == 200, created.text
    label = created.json()
    assert label == {
        "id": label["id"],
        "title": "rückruf",
        "description": "Kunde will Anruf",
        "color": "#dc2626",
        "show_on_sidebar": True,
    }
    minimal = call("admin", "POST", f"{base}/labels", json={"title": "vip", "color": None}).json()
    assert (minimal["description"], minimal["color"], minimal["show_on_sidebar"]) == ("", "#1f6feb", True)
    assert call("agent", "GET", f"{base}/labels").json() == {"payload": [label, minimal]}  # by title
    assert call("bot", "GET", f"{base}/labels/{label['id']}").json() == label

    patched = call("admin", "PATCH", f"{base}/labels/{label['id']}", json={"show_on_sidebar": False}).json()
    assert patched == {**label, "show_on_sidebar": False}

    # The conversation labels routes keep working alongside, and share the labels.
    assert call("bot", "POST", f"{base}/conversations/{number}/labels", json={"labels": ["rückruf", "vip"]}).json() == {
        "payload": ["rückruf", "vip"]
    }
    assert call("admin", "DELETE", f"{base}/labels/{label['id']}").json() == {}
    assert call("bot", "GET", f"{base}/conversations/{number}/labels").json() == {"payload": ["vip"]}
    assert call("admin", "GET", f"{base}/labels/{label['id']}").status_code == 404


@pytest.mark.parametrize(
    ("body", "error", "field"),
    [
        ({"title": "vip"}, "labels.error.title_taken", "title"),
        ({"title": "zwei worte"}, "labels.error.title_chars", "title"),
        ({"title": "<script>"}, "labels.error.title_chars", "title"),
        ({"title": "x" * 51}, "error.too_long", "title"),
        ({"title": "ok", "description": "d" * 501}, "error.too_long", "description"),
        ({"title": "ok", "color": "blue"}, "error.color_invalid", "color"),
    ],
)
def test_bad_input_is_a_clear_422_and_changes_nothing(api, body, error, field):
    call, base, *_ = api
    call("admin", "POST", f"{base}/labels", json={"title": "vip"})
    refused = call("admin", "POST", f"{base}/labels", json=body)
    assert refused.status_code == 422, refused.text
    assert (refused.json()["error"], refused.json().get("field")) == (error, field)
    assert refused.json()["message"]
    assert [t["title"] for t in call("admin", "GET", f"{base}/labels").json()["payload"]] == ["vip"]


def test_only_administrators_change_labels_and_other_accounts_see_nothing(api):
    call, base, other_base, _ = api
    label = call("admin", "POST", f"{base}/labels", json={"title": "vip"}).json()
    for who in ("agent", "bot"):
        assert call(who, "POST", f"{base}/labels", json={"title": "neu"}).status_code == 403
        assert call(who, "PATCH", f"{base}/labels/{label['id']}", json={"title": "neu"}).status_code == 403
        assert call(who, "DELETE", f"{base}/labels/{label['id']}").status_code == 403
    # Another account's administrator: its own path finds no such label, ours is not theirs.
    assert call("other", "GET", f"{other_base}/labels/{label['id']}").status_code == 404
    assert call("other", "PATCH", f"{other_base}/labels/{label['id']}", json={"title": "x"}).status_code == 404
    assert call("other", "DELETE", f"{other_base}/labels/{label['id']}").status_code == 404
    assert call("other", "GET", f"{base}/labels").status_code == 404
    assert call("other", "GET", f"{other_base}/labels").json() == {"payload": []}
    assert call("admin", "GET", f"{base}/labels/{label['id']}").json()["title"] == "vip"
