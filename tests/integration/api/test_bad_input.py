"""Issue 13.5: inputs that answered 500 answer 4xx in Chatwoot's error shape and change nothing."""

import json

import pytest
from starlette.testclient import TestClient

from kiko_livechat.api import build_api
from tests.integration.api.bot_conversation import bot_conversation


@pytest.fixture
def bot(app_db):
    acc, created, conv = bot_conversation(app_db)
    client = TestClient(build_api(), raise_server_exceptions=False)
    client.headers["api_access_token"] = created.api_token
    base = f"/api/v1/accounts/{acc.id}"
    return client, base, f"{base}/conversations/{conv.display_id}", created.inbox.inbox_id


DEEP = 50_000


def _cases(base, conv, inbox_id):
    return {
        "JSON nested 50,000 deep": ("POST", f"{conv}/messages", '{"content": ' + "[" * DEEP + "]" * DEEP + "}"),
        "a lone surrogate in the content": ("POST", f"{conv}/messages", '{"content": "\\ud800"}'),
        "custom_attributes nested 900 deep": (
            "POST",
            f"{base}/contacts",
            json.dumps({"name": "Tief", "custom_attributes": json.loads('{"a": ' * 900 + "1" + "}" * 900)}),
        ),
        "snoozed_until 10**20": ("POST", f"{conv}/toggle_status", '{"status": "snoozed", "snoozed_until": 1e20}'),
        "snoozed_until 10**20 as an integer": (
            "POST", f"{conv}/toggle_status", json.dumps({"status": "snoozed", "snoozed_until": 10**20})
        ),
        "snoozed_until -10**12": (
            "POST", f"{conv}/toggle_status", json.dumps({"status": "snoozed", "snoozed_until": -(10**12)})
        ),
        "status as a list": ("POST", f"{conv}/toggle_status", '{"status": ["open"]}'),
        "page=²": ("GET", f"{base}/conversations?page=²", None),
    }  # fmt: skip


@pytest.mark.parametrize("name", list(_cases("", "", 0)))
def test_odd_input_is_a_clear_4xx(bot, name):
    client, base, conv, inbox_id = bot
    method, url, body = _cases(base, conv, inbox_id)[name]
    headers = {"content-type": "application/json"}
    answer = client.request(method, url, content=body, headers=headers if body is not None else {})
    assert 400 <= answer.status_code < 500, f"{name}: {answer.status_code} {answer.text[:200]}"
    assert isinstance(answer.json().get("error"), str) and answer.json().get("message")
    messages = client.get(f"{conv}/messages").json()["payload"]
    assert [m["content"] for m in messages if m["message_type"] != 2] == []  # nothing was stored
