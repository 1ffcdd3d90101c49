"""Issue 13.5: whatever a bot sends to any route, the API answers 2xx, or 4xx in Chatwoot's error
shape ({"error", "message"[, "field"]}); never a 500, never an exception.

Property-based (hypothesis) through the real app: the route's own fields with arbitrary JSON
values (and values that pass the first checks, so the services are reached too), arbitrary query
parameters and path segments, bodies that are not objects or not JSON at all."""

import json
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session
from starlette.testclient import TestClient

from kiko_livechat.api import v1
from kiko_livechat.api.openapi import spec
from kiko_livechat.models import Role
from kiko_livechat.services import api_access, api_chat, contacts, inboxes, labels, teams, webhooks
from tests import factories
from tests.integration.api.answers import assert_clean_answer

ROUTES = sorted({(method, route.path) for route in v1.routes() for method in route.methods - {"HEAD"}})
DOCUMENT = spec()

# Any text, lone surrogates and NUL included (JSON can carry both).
TEXT = (
    st.text(max_size=30)
    | st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1)
    | (st.sampled_from(["\x00", "open", "all", "vip", "incoming", "https://hooks.example.org/x", "a@b.de", ""]))
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-3, max_value=2**31 + 3)
    | st.floats(allow_nan=True, allow_infinity=True)
    | TEXT
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=10,
)


@pytest.fixture
def account(app_db):
    """An account with one of each thing a path can name, and both kinds of token."""
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
        agent = factories.login(db, factories.user(db, acc.id)).actor
        bot_inbox = inboxes.create_api_inbox(db, actor=admin, name="Bot", agent_ids=[agent.user_id])
        bot = api_access.resolve_api_token(db, token=bot_inbox.api_token)
        inbox_id = bot_inbox.inbox.inbox_id
        contact, _ = contacts.create_contact(db, actor=bot, name="Erika", inbox_id=inbox_id, source_id="erika")
        conv = api_chat.create_conversation(db, actor=bot, inbox_id=inbox_id, source_id="erika")
        hook = webhooks.create_webhook(db, actor=admin, url="https://hooks.example.org/kiko")
        team = teams.create_team(db, actor=admin, name="Support")
        label = labels.create_label(db, actor=admin, title="vip")
        tokens = {"bot": bot_inbox.api_token, "admin": api_access.issue_personal_token(db, actor=admin)}
    ids = {
        "account_id": acc.id,
        "conversation_id": conv.display_id,
        "contact_id": contact.contact_id,
        "webhook_id": hook.webhook_id,
        "inbox_id": inbox_id,
        "assignee_id": agent.user_id,
        "team_id": team,
        "label_id": label.label_id,
    }
    return tokens, ids


def _body_fields(method: str, path: str) -> dict:
    """The body fields the document names for a route ({} for routes without a body)."""
    operation = DOCUMENT["paths"][path.replace(":int", "")][method.lower()]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    return body.get("schema", {}).get("properties", {})


def _query_names(method: str, path: str) -> list[str]:
    operation = DOCUMENT["paths"][path.replace(":int", "")][method.lower()]
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]


def _plausible(name: str, ids: dict) -> st.SearchStrategy:
    """Values that pass the first checks, so that the service behind the route runs too."""
    if name in ids:
        return st.sampled_from([ids[name], str(ids[name])])
    return st.sampled_from(
        {
            "status": ["open", "pending", "resolved", "snoozed", "all", "bogus"],
            "message_type": ["incoming", "outgoing", "activity"],
            "priority": ["low", "urgent", None],
            "labels": [["vip"], [], ["a b"]],
            "subscriptions": [["message_created"], []],
            "url": ["https://hooks.example.org/new", "ftp://x"],
            "contact": [{"name": "Max", "source_id": "max"}, {}],
            "transcript": [[{"content": "Hallo", "message_type": "incoming"}], []],
        }.get(name, ["Erika", "erika@example.org", 1])
    )


def _quoted(raw: bytes) -> str:
    return quote_from_bytes(raw, safe="[]")


@st.composite
def requests(draw, method: str, path: str, ids: dict):
    """(token name, url, raw body or None) for one call of the route."""
    url = path
    for name in ("account_id", "conversation_id", "contact_id", "webhook_id", "label_id"):
        segment = draw(st.sampled_from([str(ids[name])] * 3 + ["0", "-1", "2147483648", "x"]) | TEXT)
        url = url.replace(f"{{{name}:int}}", _quoted(segment.encode("utf-8", "surrogatepass")) or "0")
    names = _query_names(method, path) + ["page", "labels[]", "assignee_type"]
    query = draw(
        st.dictionaries(
            st.sampled_from(names) | st.text(max_size=5),
            st.builds(lambda t: t.encode("utf-8", "surrogatepass"), TEXT) | st.binary(max_size=6),
            max_size=4,
        )
    )
    if query:
        url += "?" + "&".join(f"{_quoted(k.encode('utf-8', 'surrogatepass'))}={_quoted(v)}" for k, v in query.items())
    body = None
    if method in ("POST", "PUT", "PATCH"):
        known = _body_fields(method, path)
        values = {name: draw(_plausible(name, ids) | JSON_VALUES) for name in known if draw(st.booleans())}
        if draw(st.integers(0, 9)) == 0:
            values[draw(TEXT)] = draw(JSON_VALUES)  # a field the route does not know
        shape = draw(st.integers(0, 19))
        document = values if shape else draw(JSON_VALUES)  # now and then not an object
        body = json.dumps(document, allow_nan=True).encode() if shape != 1 else draw(st.binary(max_size=20))
    return draw(st.sampled_from(["bot", "admin"])), url, body


def test_any_input_gets_a_2xx_or_a_clear_4xx(account, real_app):
    tokens, ids = account
    client = TestClient(real_app)

    # Every route, a few times each: one database set-up for all of them keeps it quick.
    @settings(max_examples=len(ROUTES) * 6)
    @given(data=st.data())
    def check(data):
        method, path = data.draw(st.sampled_from(ROUTES), label="route")
        who, url, body = data.draw(requests(method, path, ids), label="request")
        headers = {"api_access_token": tokens[who], "content-type": "application/json"}
        assert_clean_answer(client.request(method, url, content=body, headers=headers))

    check()
