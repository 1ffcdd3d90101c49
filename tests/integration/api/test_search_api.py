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
        admin_token = api_access.issue_personal_token(db, actor=admin)
        other = factories.active_account(db)
    client = TestClient(build_api())
    return {"client": client, "account": acc.id, "shop": shop, "number": number, "agent": agent_token,
            "admin": admin_token, "other": other.id}  # fmt: skip


def _get(desk, token, **params):
    return desk["client"].get(
        f"/api/v1/accounts/{desk['account']}/conversations/search",
        params=params,
        headers={"api_access_token": token, "accept-language": "de"},
    )


def test_chatwoots_shape_with_the_newest_matching_message(desk):
    answer = _get(desk, desk["agent"], q="fahrrad")
    assert answer.status_code == 200
    body = answer.json()
    assert body["meta"] == {"current_page": 1, "has_more": False, "count": 1}
    (found,) = body["payload"]
    assert found["id"] == desk["number"] and found["account_id"] == desk["account"]
    assert found["inbox"] == {"id": desk["shop"].id, "name": desk["shop"].name, "channel_type": "Channel::WebWidget"}
    assert set(found["contact"]) == {"id", "name"}
    (message,) = found["messages"]
    assert message["content"] == "Welches Fahrradmodell?"
    assert message["message_type"] == 1 and message["sender_name"] == "Test User"
    assert isinstance(message["created_at"], int) and isinstance(found["created_at"], int)
    # The administrator sees the inbox the agent does not work.
    assert len(_get(desk, desk["admin"], q="fahrrad").json()["payload"]) == 2


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
