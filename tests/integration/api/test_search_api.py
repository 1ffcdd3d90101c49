"""GET /api/v1/accounts/{id}/conversations/search in Chatwoot's shape, scoped to the token."""

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from kiko_livechat.api import build_api
from kiko_livechat.models import Conversation, Role
from kiko_livechat.services import api_access, conversations, visitor_chat
from tests import factories


@pytest.fixture
def desk(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
        agent = factories.login(db, factories.user(db, acc.id)).actor
        shop = factories.inbox(db, acc.id, agent_ids=[agent.user_id])
        sent = visitor_chat.send_visitor_message(
            db, public_token=shop.public_token, visitor_token=factories.visitor_token(), content="Mein Fahrrad klemmt"
        )
        conversations.send_reply(
            db, actor=agent, conversation_id=sent.conversation_id, content="Welches Fahrradmodell?"
        )
        number = db.get(Conversation, sent.conversation_id).display_id
        hidden = factories.inbox(db, acc.id)
        visitor_chat.send_visitor_message(
            db, public_token=hidden.public_token, visitor_token=factories.visitor_token(), content="Fahrrad geheim"
        )
        agent_token = api_access.issue_personal_token(db, actor=agent)
        conversation_id = sent.conversation_id
        admin_token = api_access.issue_personal_token(db, actor=admin)
        other = factories.active_account(db)
    client = TestClient(build_api())
    return {"client": client, "account": acc.id, "shop": shop, "number": number, "agent": agent_token,
            "admin": admin_token, "other": other.id, "engine": app_db, "admin_actor": admin,
            "conversation_id": conversation_id}  # fmt: skip


def _get(desk, token, **params):
    return desk["client"].get(
        f"/api/v1/accounts/{desk['account']}/conversations/search",
        params=params,
        headers={"api_access_token": token, "accept-language": "de"},
    )


# The fields of each conversation in Chatwoot's conversations/search.json.jbuilder.
CHATWOOT_SEARCH_FIELDS = {
    "inbox_id", "messages", "status", "muted", "can_reply", "timestamp", "contact_last_seen_at",
    "agent_last_seen_at", "additional_attributes", "account_id", "labels",
}  # fmt: skip


def test_chatwoots_shape_with_the_newest_matching_message(desk):
    answer = _get(desk, desk["agent"], q="fahrrad")
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"data"}
    assert body["data"]["meta"] == {
        "mine_count": 0, "assigned_count": 0, "unassigned_count": 1, "all_count": 1,
        "current_page": 1, "has_more": False, "counts_capped": False,
    }  # fmt: skip
    (found,) = body["data"]["payload"]
    assert CHATWOOT_SEARCH_FIELDS <= set(found)
    assert found["id"] == desk["number"] and found["account_id"] == desk["account"]
    assert found["inbox_id"] == desk["shop"].id and found["status"] == "open" and found["labels"] == []
    assert isinstance(found["timestamp"], int) and found["meta"]["sender"]["id"]
    # The message that matched, as the messages API shapes it (with its sender's ids).
    (message,) = found["messages"]
    assert message["content"] == "Welches Fahrradmodell?"
    assert message["message_type"] == 1 and message["sender_type"] == "User" and message["sender_id"]
    assert message["sender"]["name"] == "Test User" and message["conversation_id"] == desk["number"]
    assert isinstance(message["created_at"], int)
    # The administrator sees the inbox the agent does not work.
    assert len(_get(desk, desk["admin"], q="fahrrad").json()["data"]["payload"]) == 2


def test_open_by_default_as_in_chatwoot_and_the_filters_narrow(desk):
    with Session(desk["engine"]) as db:
        conversations.set_status(
            db, actor=desk["admin_actor"], conversation_id=desk["conversation_id"], status="resolved"
        )
    assert _get(desk, desk["agent"], q="fahrrad").json()["data"]["payload"] == []
    for status in ("resolved", "all"):
        assert len(_get(desk, desk["agent"], q="fahrrad", status=status).json()["data"]["payload"]) == 1
    assert _get(desk, desk["agent"], q="fahrrad", status="all", assignee_type="me").json()["data"]["payload"] == []
    assert (
        len(_get(desk, desk["admin"], q="fahrrad", status="all", inbox_id=desk["shop"].id).json()["data"]["payload"])
        == 1
    )
    refused = _get(desk, desk["agent"], q="fahrrad", status="closed")
    assert refused.status_code == 422 and refused.json()["message"]


@pytest.mark.parametrize(
    "params,code",
    [({}, "search.error.empty"), ({"q": "   "}, "search.error.empty"), ({"q": "x" * 1000}, "search.error.too_long"),
     ({"q": "fahrrad", "page": "0"}, "error.number_range")],
)  # fmt: skip
def test_bad_searches_are_refused_with_a_translated_message(desk, params, code):
    answer = _get(desk, desk["agent"], **params)
    assert answer.status_code == 422
    assert answer.json()["error"] == code and answer.json()["message"] and answer.json()["message"] != code


def test_another_accounts_path_is_not_found(desk):
    answer = desk["client"].get(
        f"/api/v1/accounts/{desk['other']}/conversations/search",
        params={"q": "fahrrad"},
        headers={"api_access_token": desk["agent"]},
    )
    assert answer.status_code == 404


def test_syntax_characters_are_searched_as_text(desk):
    for q in ['"', "*", ":", "&", "(", "fahr*", "fahrrad:*", "a|b", "!"]:
        assert _get(desk, desk["agent"], q=q).status_code == 200, q
