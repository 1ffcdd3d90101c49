"""The Chatwoot-compatible Application API over HTTP: the whole handoff, auth, bad input."""

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from kiko_livechat.api import build_api, rate_limit
from kiko_livechat.models import ReportingEvent, Role
from kiko_livechat.services import inboxes, presence, profile
from kiko_livechat.settings import get_settings
from tests import factories

# The API answers a message's type as Chatwoot does: a number (webhooks say the word).
NUMBER = {"incoming": 0, "outgoing": 1, "activity": 2}


@pytest.fixture
def api(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db, name="Kiko Kunde")
        admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
        agent = factories.login(db, factories.user(db, acc.id)).actor
        bot = inboxes.create_api_inbox(db, actor=admin, name="Kiko Bot", agent_ids=[agent.user_id])
        profile.set_availability(db, actor=agent, availability="online")
        presence.heartbeat(db, actor=agent)
        other = factories.account(db, name="Fremd")
    client = TestClient(build_api())
    client.headers["api_access_token"] = bot.api_token
    return {"client": client, "account": acc.id, "inbox": bot.inbox.inbox_id, "agent": agent, "other": other.id,
            "engine": app_db}  # fmt: skip


def test_the_whole_handoff_over_http(api):
    c, base = api["client"], f"/api/v1/accounts/{api['account']}"
    created = c.post(f"{base}/contacts", json={"name": "Erika", "inbox_id": api["inbox"], "source_id": "chat-77"})
    assert created.status_code == 200, created.text
    payload = created.json()["payload"]
    assert payload["contact"]["name"] == "Erika" and payload["contact_inbox"]["source_id"] == "chat-77"

    conv = c.post(f"{base}/conversations", json={"source_id": "chat-77", "inbox_id": api["inbox"], "status": "pending"})
    assert conv.status_code == 200, conv.text
    number = conv.json()["id"]
    assert conv.json()["status"] == "pending" and conv.json()["meta"]["sender"]["name"] == "Erika"
    for kind, text in (("incoming", "Mein Paket fehlt"), ("outgoing", "Ich verbinde Sie mit einem Menschen.")):
        sent = c.post(f"{base}/conversations/{number}/messages", json={"content": text, "message_type": kind})
        assert sent.status_code == 200, sent.text
        assert sent.json()["message_type"] == NUMBER[kind] and isinstance(sent.json()["created_at"], int)

    toggled = c.post(f"{base}/conversations/{number}/toggle_status", json={"status": "open"})
    assert toggled.json() == {
        "meta": {},
        "payload": {"success": True, "conversation_id": number, "current_status": "open", "snoozed_until": None},
    }
    shown = c.get(f"{base}/conversations/{number}").json()
    assert shown["meta"]["assignee"]["id"] == api["agent"].user_id  # auto-assigned at handoff
    listed = c.get(f"{base}/conversations", params={"status": "open"}).json()["data"]
    assert listed["meta"]["all_count"] == 1 and listed["payload"][0]["id"] == number
    messages = c.get(f"{base}/conversations/{number}/messages").json()["payload"]
    assert [m["content"] for m in messages if m["message_type"] != NUMBER["activity"]] == [
        "Mein Paket fehlt",
        "Ich verbinde Sie mit einem Menschen.",
    ]
    assert {i["name"] for i in c.get(f"{base}/inboxes").json()["payload"]} == {"Kiko Bot"}
    assert len(c.get(f"{base}/agents").json()) == 2
    with Session(api["engine"]) as db:
        assert len(db.exec(ReportingEvent.__table__.select()).all()) == 1


def test_tokens_reach_only_their_own_account(api):
    c = api["client"]
    missing = c.get(f"/api/v1/accounts/{api['account']}/inboxes", headers={"api_access_token": ""})
    assert missing.status_code == 401 and missing.json()["error"] == "api.unauthorized"
    forged = c.get(f"/api/v1/accounts/{api['account']}/inboxes", headers={"api_access_token": "forged"})
    assert forged.status_code == 401
    foreign = c.get(f"/api/v1/accounts/{api['other']}/inboxes")
    unknown = c.get("/api/v1/accounts/999999/inboxes")
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json() == unknown.json()


@pytest.mark.parametrize(
    "kwargs,status,error",
    [
        ({"json": {"content": "x", "colour": "red"}}, 422, "api.error.unknown_field"),
        ({"json": {"content": 5}}, 422, "api.error.type.string"),  # "“content” must be text"
        ({"json": {"content": "  "}}, 422, "conversations.error.empty_message"),
        ({"json": {"content": "x" * 10_001}}, 422, "error.too_long"),
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400, "api.error.malformed_json"),
        ({"content": b"[1, 2]", "headers": {"content-type": "application/json"}}, 400, "api.error.malformed_json"),
        ({"content": b"content=x", "headers": {"content-type": "application/x-www-form-urlencoded"}}, 415,
         "api.error.content_type"),
        ({"content": b"{" + b" " * 300_000 + b"}", "headers": {"content-type": "application/json"}}, 413,
         "api.error.too_large"),
    ],
)  # fmt: skip
def test_bad_input_gets_a_clear_error_and_changes_nothing(api, kwargs, status, error):
    c, base = api["client"], f"/api/v1/accounts/{api['account']}"
    c.post(f"{base}/contacts", json={"name": "E", "inbox_id": api["inbox"], "source_id": "s"})
    number = c.post(f"{base}/conversations", json={"source_id": "s", "inbox_id": api["inbox"]}).json()["id"]
    kwargs = dict(kwargs)  # parametrized values are shared between the database runs
    headers = {"accept-language": "de", **kwargs.pop("headers", {})}
    response = c.post(f"{base}/conversations/{number}/messages", headers=headers, **kwargs)
    assert (response.status_code, response.json()["error"]) == (status, error)
    assert response.json()["message"]  # translated (German asked for)
    assert c.get(f"{base}/conversations/{number}/messages").json()["payload"] == []
    assert c.get(f"{base}/conversations/424242").status_code == 404


def test_the_rate_limit_answers_429(api, monkeypatch):
    monkeypatch.setenv("KIKO_API_RATE_BURST", "3")
    monkeypatch.setenv("KIKO_API_RATE_PER_SECOND", "0.001")
    get_settings.cache_clear()
    rate_limit.reset()
    codes = [api["client"].get(f"/api/v1/accounts/{api['account']}/teams").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    rate_limit.reset()
    monkeypatch.undo()
    get_settings.cache_clear()


def test_the_one_call_handoff_is_all_or_nothing(api):
    c, base = api["client"], f"/api/v1/accounts/{api['account']}"
    body = {
        "inbox_id": api["inbox"],
        "contact": {"name": "Max", "email": "max@example.org", "source_id": "wa-49151"},
        "transcript": [
            {"content": "Meine Rechnung ist falsch", "message_type": "incoming"},
            {"content": "Das kann ich nicht klären.", "message_type": "outgoing"},
        ],
        "reason": "Rechnungsfrage – Bot weiß nicht weiter",
    }
    broken = {**body, "transcript": [*body["transcript"], {"content": "", "message_type": "incoming"}]}
    refused = c.post(f"{base}/handoffs", json=broken)
    assert refused.status_code == 422 and refused.json()["field"] == "content"
    assert c.get(f"{base}/conversations", params={"status": "all"}).json()["data"]["meta"]["all_count"] == 0
    assert c.get(f"{base}/contacts/search", params={"q": "max"}).json()["meta"]["count"] == 0

    created = c.post(f"{base}/handoffs", json=body)
    assert created.status_code == 201, created.text
    conv = created.json()
    assert conv["status"] == "open" and conv["meta"]["assignee"]["id"] == api["agent"].user_id
    messages = c.get(f"{base}/conversations/{conv['id']}/messages").json()["payload"]
    said = [
        (m["message_type"], m["private"], m["content"]) for m in messages if m["message_type"] != NUMBER["activity"]
    ]
    assert said == [
        (NUMBER["incoming"], False, "Meine Rechnung ist falsch"),
        (NUMBER["outgoing"], False, "Das kann ich nicht klären."),
        (NUMBER["outgoing"], True, "Rechnungsfrage – Bot weiß nicht weiter"),
    ]
    again = c.post(f"{base}/handoffs", json={**body, "transcript": [], "reason": ""})
    assert again.json()["meta"]["sender"]["id"] == conv["meta"]["sender"]["id"]  # same contact by source_id


def test_labels_and_list_filters(api):
    c, base = api["client"], f"/api/v1/accounts/{api['account']}"
    numbers = []
    for name, source in (("Anna Alpha", "a"), ("Bert Beta", "b")):
        c.post(f"{base}/contacts", json={"name": name, "inbox_id": api["inbox"], "source_id": source})
        numbers.append(c.post(f"{base}/conversations", json={"source_id": source, "inbox_id": api["inbox"],
                                                                 "status": "open"}).json()["id"])  # fmt: skip
    assert c.post(f"{base}/conversations/{numbers[0]}/labels", json={"labels": ["VIP", "rechnung"]}).json() == {
        "payload": ["rechnung", "vip"]
    }
    assert c.get(f"{base}/conversations/{numbers[0]}/labels").json() == {"payload": ["rechnung", "vip"]}
    bad = c.post(f"{base}/conversations/{numbers[0]}/labels", json={"labels": ["no spaces"]})
    assert bad.status_code == 422 and bad.json()["error"] == "labels.error.title"
    tagged = c.get(f"{base}/conversations", params={"labels[]": "vip"}).json()["data"]["payload"]
    assert [conv["id"] for conv in tagged] == [numbers[0]] and tagged[0]["labels"] == ["rechnung", "vip"]
    found = c.get(f"{base}/conversations", params={"q": "beta"}).json()["data"]["payload"]
    assert [conv["id"] for conv in found] == [numbers[1]]
    by_number = c.get(f"{base}/conversations", params={"q": str(numbers[0])}).json()["data"]["payload"]
    assert [conv["id"] for conv in by_number] == [numbers[0]]
