"""A bot token reaches only the contacts it met in its own inbox, and sees agents by name, never
by address; the personal tokens of agents and administrators keep seeing the whole account."""

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from kiko_livechat.api import build_api
from kiko_livechat.models import Conversation, Role
from kiko_livechat.services import api_access, api_chat, contacts, conversations, inboxes, visitor_chat
from tests import factories

VISITOR_EMAIL = "geheim.besucher@example.org"
AGENT_EMAIL = "anna.agentin@example.org"


@pytest.fixture
def shop(app_db):
    """Inbox A is the bot's API inbox, inbox B a web widget: a visitor chatted in B only (and left an
    address), the bot's own customer is in A, a third contact is in no inbox at all."""
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db, name="Shop GmbH")
        admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
        agent_user = factories.user(db, acc.id, email=AGENT_EMAIL)
        agent = factories.login(db, agent_user).actor
        bot_inbox = inboxes.create_api_inbox(db, actor=admin, name="Bot", agent_ids=[agent.user_id])
        web = factories.inbox(db, acc.id, agent_ids=[agent.user_id])
        bot = api_access.resolve_api_token(db, token=bot_inbox.api_token)

        visitor = factories.visitor_token()
        sent = visitor_chat.send_visitor_message(db, public_token=web.public_token, visitor_token=visitor,
                                                 content="Hallo?")  # fmt: skip
        visitor_chat.leave_email(db, public_token=web.public_token, visitor_token=visitor,
                                 conversation_id=sent.conversation_id, email=VISITOR_EMAIL)  # fmt: skip
        stranger_id = db.get(Conversation, sent.conversation_id).contact_id

        own, _ = contacts.create_contact(db, actor=bot, name="Eigene Kundin", email="eigen@example.org",
                                         inbox_id=bot_inbox.inbox.inbox_id, source_id="eigen-1")  # fmt: skip
        conv = api_chat.create_conversation(db, actor=bot, inbox_id=bot_inbox.inbox.inbox_id, source_id="eigen-1")
        conversations.assign(db, actor=admin, conversation_id=conv.id, assignee_id=agent.user_id)
        conversations.send_reply(db, actor=agent, conversation_id=conv.id, content="Hier Anna")
        loose, _ = contacts.create_contact(db, actor=admin, name="Ohne Posteingang", email="lose@example.org")
        tokens = {
            "bot": bot_inbox.api_token,
            "admin": api_access.issue_personal_token(db, actor=admin),
            "agent": api_access.issue_personal_token(db, actor=agent),
        }
    return {
        "client": TestClient(build_api()),
        "base": f"/api/v1/accounts/{acc.id}",
        "tokens": tokens,
        "stranger": stranger_id,
        "own": own.contact_id,
        "loose": loose.contact_id,
        "conversation": conv.display_id,
        "bot_inbox": bot_inbox.inbox.inbox_id,
        "web_inbox": web.id,
    }


def _call(shop, who: str, method: str, path: str, **kwargs):
    headers = {"api_access_token": shop["tokens"][who]}
    return shop["client"].request(method, shop["base"] + path, headers=headers, **kwargs)


@pytest.mark.parametrize("method,body", [("GET", None), ("PUT", {"name": "Umbenannt"}), ("PATCH", {"name": "X"})])
def test_a_bot_cannot_reach_a_contact_of_another_inbox(shop, method, body):
    missing = _call(shop, "bot", method, "/contacts/999999", json=body)
    for contact in ("stranger", "loose"):
        answer = _call(shop, "bot", method, f"/contacts/{shop[contact]}", json=body)
        assert (answer.status_code, answer.json()) == (404, missing.json()), contact
    shown = _call(shop, "admin", "GET", f"/contacts/{shop['stranger']}").json()["payload"]
    assert shown["name"] != "Umbenannt" and shown["email"] == VISITOR_EMAIL


def test_a_bot_cannot_find_another_inboxs_contact_by_search(shop):
    for q in ("@", "geheim", VISITOR_EMAIL, "lose"):
        answer = _call(shop, "bot", "GET", "/contacts/search", params={"q": q})
        assert answer.status_code == 200, answer.text
        found = answer.json()
        assert VISITOR_EMAIL not in answer.text and "lose@example.org" not in answer.text, q
        assert found["meta"]["count"] == len(found["payload"]) == (1 if q == "@" else 0), q


def test_a_bot_cannot_open_a_conversation_for_another_inboxs_contact(shop):
    answer = _call(shop, "bot", "POST", "/conversations", json={"inbox_id": shop["bot_inbox"],
                                                                 "contact_id": shop["stranger"]})  # fmt: skip
    assert answer.status_code == 404 and VISITOR_EMAIL not in answer.text
    # ... and so it did not become one of the bot's contacts either
    assert _call(shop, "bot", "GET", f"/contacts/{shop['stranger']}").status_code == 404


def test_a_bot_sees_and_changes_its_own_contacts_with_only_its_own_inbox(shop):
    found = _call(shop, "bot", "GET", "/contacts/search", params={"q": "eigen"}).json()
    assert [c["id"] for c in found["payload"]] == [shop["own"]]
    shown = _call(shop, "bot", "GET", f"/contacts/{shop['own']}")
    assert shown.status_code == 200 and shown.json()["payload"]["email"] == "eigen@example.org"
    changed = _call(shop, "bot", "PUT", f"/contacts/{shop['own']}", json={"name": "Neu"})
    assert changed.status_code == 200 and changed.json()["payload"]["name"] == "Neu"
    # a contact the bot creates without naming an inbox is one of its own: it can read it back
    created = _call(shop, "bot", "POST", "/contacts", json={"name": "Spontan"}).json()["payload"]
    assert created["contact_inbox"]["inbox"]["id"] == shop["bot_inbox"]
    assert _call(shop, "bot", "GET", f"/contacts/{created['contact']['id']}").status_code == 200


def test_a_contact_met_in_the_bots_inbox_shows_the_bot_only_that_identity(shop):
    # An agent opens a conversation with the widget visitor in the bot's inbox: from then on the
    # visitor is one of the bot's contacts, but their identity in the widget inbox stays hidden.
    opened = _call(shop, "admin", "POST", "/conversations", json={"inbox_id": shop["bot_inbox"],
                                                                   "contact_id": shop["stranger"]})  # fmt: skip
    assert opened.status_code == 200, opened.text
    shown = _call(shop, "bot", "GET", f"/contacts/{shop['stranger']}")
    assert shown.status_code == 200 and shown.json()["payload"]["email"] == VISITOR_EMAIL
    inboxes_seen = [i["inbox"]["id"] for i in shown.json()["payload"]["contact_inboxes"]]
    assert inboxes_seen == [shop["bot_inbox"]]
    found = _call(shop, "bot", "GET", "/contacts/search", params={"q": "geheim"}).json()["payload"]
    assert [[i["inbox"]["id"] for i in c["contact_inboxes"]] for c in found] == [[shop["bot_inbox"]]]
    everything = _call(shop, "admin", "GET", f"/contacts/{shop['stranger']}").json()["payload"]["contact_inboxes"]
    assert {i["inbox"]["id"] for i in everything} == {shop["bot_inbox"], shop["web_inbox"]}


@pytest.mark.parametrize("who", ["admin", "agent"])
def test_personal_tokens_keep_reaching_every_contact(shop, who):
    shown = _call(shop, who, "GET", f"/contacts/{shop['stranger']}")
    assert shown.status_code == 200 and shown.json()["payload"]["email"] == VISITOR_EMAIL
    found = _call(shop, who, "GET", "/contacts/search", params={"q": "@"}).json()
    assert {c["id"] for c in found["payload"]} == {shop["stranger"], shop["own"], shop["loose"]}
    assert _call(shop, who, "PUT", f"/contacts/{shop['loose']}", json={"name": "Los"}).status_code == 200
    assert {a["email"] for a in _call(shop, who, "GET", "/agents").json()} >= {AGENT_EMAIL}


def test_a_bot_sees_agents_without_their_addresses(shop):
    agents = _call(shop, "bot", "GET", "/agents").json()
    assert len(agents) == 2 and all("email" in a and a["email"] is None for a in agents)
    number = shop["conversation"]
    seen = [
        _call(shop, "bot", "GET", "/conversations", params={"status": "all"}),
        _call(shop, "bot", "GET", f"/conversations/{number}"),
        _call(shop, "bot", "GET", f"/conversations/{number}/messages"),
        _call(shop, "bot", "POST", f"/conversations/{number}/assignments", json={"assignee_id": agents[0]["id"]}),
    ]
    for answer in seen:
        assert answer.status_code == 200, answer.text
        assert AGENT_EMAIL not in answer.text and "@example.org" not in answer.text.replace("eigen@example.org", "")
    shown = seen[1].json()
    assert shown["meta"]["assignee"]["name"] and shown["meta"]["assignee"]["email"] is None
    # the agent's reply names its writer, without the address
    reply = [m for m in seen[2].json()["payload"] if m["content"] == "Hier Anna"][0]
    assert reply["sender"]["name"] and reply["sender"]["email"] is None
