"""Every route of the Application API and every webhook body, checked against Chatwoot's published
shapes (tests/integration/api/chatwoot_contracts.py), on SQLite and on PostgreSQL.

A route without an entry in CONTRACTS fails: a new route must say which Chatwoot shape it answers."""

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from starlette.testclient import TestClient

from kiko_livechat.api import build_api, v1
from kiko_livechat.models import Role, WebhookDelivery
from kiko_livechat.services import (
    api_access,
    api_chat,
    contacts,
    conversations,
    inboxes,
    labels,
    presence,
    profile,
    teams,
    webhooks,
)
from tests import factories
from tests.integration.api import chatwoot_contracts as cw

ROUTES = sorted({(method, route.path) for route in v1.routes() for method in route.methods - {"HEAD"}})


@dataclass
class Account:
    """A realistic account, ids as the API names them (conversations by their number)."""

    client: TestClient
    engine: sa.Engine
    tokens: dict[str, str]  # "bot": the API inbox's token, "admin": the administrator's personal token
    account: int
    admin: int
    agent: int
    api_inbox: int
    web_inbox: int
    team: int
    erika: int  # contact with email, phone and identifier
    max: int  # contact with a name only
    assigned: int  # Erika's conversation: handed over, assigned to agent and team, labelled
    unassigned: int  # Max's conversation: still with the bot, nobody assigned
    webhook: int  # the account webhook that hears every event
    spare_webhook: int  # for the DELETE route
    other_account: int
    other_inbox: int
    other_contact: int
    label: int  # "vip", on the assigned conversation
    spare_label: int  # for the DELETE route


@pytest.fixture
def acc(app_db) -> Account:
    with Session(app_db, expire_on_commit=False) as db:
        account = factories.active_account(db, name="Kiko Kunde")
        admin = factories.actor(db, account.id, role=Role.ADMINISTRATOR)
        agent = factories.login(db, factories.user(db, account.id)).actor
        profile.set_availability(db, actor=agent, availability="online")
        presence.heartbeat(db, actor=agent)
        hook = webhooks.create_webhook(db, actor=admin, url="https://hooks.example.org/kiko")
        spare = webhooks.create_webhook(db, actor=admin, url="https://hooks.example.org/spare",
                                        subscriptions=["message_created"])  # fmt: skip
        bot_inbox = inboxes.create_api_inbox(db, actor=admin, name="Kiko Bot", agent_ids=[agent.user_id])
        web_inbox = inboxes.create_web_inbox(db, actor=admin, name="Website", greeting="Hallo!",
                                             agent_ids=[agent.user_id])  # fmt: skip
        team = teams.create_team(db, actor=admin, name="Support", description="Erste Hilfe")
        teams.add_team_member(db, actor=admin, team_id=team, user_id=agent.user_id)
        bot = api_access.resolve_api_token(db, token=bot_inbox.api_token)
        inbox_id = bot_inbox.inbox.inbox_id
        erika, _ = contacts.create_contact(db, actor=bot, name="Erika Muster", email="erika@example.org",
                                           phone_number="+4915112345678", identifier="crm-1", inbox_id=inbox_id,
                                           source_id="erika-1", custom_attributes={"plan": "pro"})  # fmt: skip
        max_, _ = contacts.create_contact(db, actor=bot, name="Max", inbox_id=inbox_id, source_id="max-1")
        contacts.update_contact(db, actor=bot, contact_id=erika.contact_id, changes={"custom_attributes": {"vip": 1}})

        assigned = api_chat.create_conversation(db, actor=bot, inbox_id=inbox_id, source_id="erika-1")
        for kind, text in (("incoming", "Mein Paket fehlt"), ("outgoing", "Ich verbinde Sie.")):
            api_chat.create_message(db, actor=bot, display_id=assigned.display_id, content=text, message_type=kind)
        conversations.set_status(db, actor=bot, conversation_id=assigned.id, status="open")  # the handoff
        conversations.send_reply(db, actor=agent, conversation_id=assigned.id, content="Hallo, hier Anna!")
        conversations.send_reply(db, actor=admin, conversation_id=assigned.id, content="Kunde ist VIP", private=True)
        conversations.assign(db, actor=admin, conversation_id=assigned.id, assignee_id=agent.user_id, team_id=team)
        labels.set_conversation_labels(db, actor=admin, conversation_id=assigned.id, titles=["vip", "rechnung"])
        vip = next(v for v in labels.list_labels(db, actor=admin) if v.title == "vip")
        spare_label = labels.create_label(db, actor=admin, title="spare", description="Zum Löschen")
        conversations.set_priority(db, actor=admin, conversation_id=assigned.id, priority="high")

        unassigned = api_chat.create_conversation(db, actor=bot, inbox_id=inbox_id, source_id="max-1")
        api_chat.create_message(db, actor=bot, display_id=unassigned.display_id, content="Hallo?",
                                message_type="incoming")  # fmt: skip

        other = factories.active_account(db, name="Fremd")
        other_admin = factories.actor(db, other.id, role=Role.ADMINISTRATOR)
        other_inbox = inboxes.create_api_inbox(db, actor=other_admin, name="Fremder Bot")
        other_bot = api_access.resolve_api_token(db, token=other_inbox.api_token)
        other_contact, _ = contacts.create_contact(db, actor=other_bot, name="Fremde", email="f@example.org",
                                                   inbox_id=other_inbox.inbox.inbox_id, source_id="f-1")  # fmt: skip
        admin_token = api_access.issue_personal_token(db, actor=admin)
    return Account(
        client=TestClient(build_api()), engine=app_db, tokens={"bot": bot_inbox.api_token, "admin": admin_token},
        account=account.id, admin=admin.user_id, agent=agent.user_id, api_inbox=inbox_id,
        web_inbox=web_inbox.inbox_id, team=team, erika=erika.contact_id, max=max_.contact_id,
        assigned=assigned.display_id, unassigned=unassigned.display_id, webhook=hook.webhook_id,
        spare_webhook=spare.webhook_id, other_account=other.id, other_inbox=other_inbox.inbox.inbox_id,
        other_contact=other_contact.contact_id, label=vip.label_id, spare_label=spare_label.label_id,
    )  # fmt: skip


# --- how to call each route, and which contract its answer keeps ----------------------------


def req(json: dict | None = None, params: dict | None = None, files: dict | None = None, **ids: int) -> dict:
    """A request of a contract: a JSON body, query parameters, or a multipart form's files."""
    return {"json": json, "params": params, "files": files, "ids": ids}


@dataclass(frozen=True)
class Call:
    contract: dict
    requests: Callable[[Account, str], list[dict]]  # (account, "bot" | "admin") -> requests
    tokens: tuple[str, ...] = ("bot", "admin")
    lists: tuple[str, ...] = ()  # dotted paths of lists that must not be empty ("" = the answer)
    expect: Callable[[object, Account, str, dict], list[str]] | None = None  # (answer, account, who, request)


def _message_is_from_its_writer(answer: object, a: Account, who: str, request: dict) -> list[str]:
    """An incoming message posted by the bot is the conversation's contact's; an outgoing one is
    the bot's own (agent_bot) or, with a personal token, the user's."""
    kind = request["json"].get("message_type", "outgoing")
    if kind == "incoming":
        want = ("contact", a.erika)  # the contact of the conversation it was posted to
    elif who == "bot":
        want = ("agent_bot", None)  # any id: the bot's own
    else:
        want = ("user", a.admin)
    sender = answer.get("sender") if isinstance(answer, dict) else None
    got = (sender.get("type"), sender.get("id")) if isinstance(sender, dict) else (None, None)
    if got[0] != want[0] or (want[1] is not None and got[1] != want[1]):
        return [f"$.sender: (type, id) = {got}, expected {want} for an {kind} message posted with the {who} token"]
    return []


def _incoming_lines_are_the_contacts(answer: object, a: Account, who: str, request: dict) -> list[str]:
    messages = answer.get("payload") if isinstance(answer, dict) else None
    return [
        f"$.payload[{i}].sender: {m.get('sender')!r}, expected the contact {a.erika}"
        for i, m in enumerate(messages if isinstance(messages, list) else [])
        if m.get("message_type") in (0, "incoming")
        and not (isinstance(m.get("sender"), dict) and m["sender"].get("id") == a.erika)
    ]


def _agents_addresses_only_for_people(answer: object, a: Account, who: str, request: dict) -> list[str]:
    """An agent's e-mail: an address for a personal token, null for a bot (cw.AGENT says why)."""
    want = (lambda email: email is None) if who == "bot" else (lambda email: isinstance(email, str) and "@" in email)
    return [
        f"$[{i}].email: {agent.get('email')!r} for the {who} token"
        for i, agent in enumerate(answer if isinstance(answer, list) else [])
        if not want(agent.get("email"))
    ]


def _new_contact(a: Account, who: str) -> list[dict]:
    with_inbox = {"name": f"Neu {who}", "email": f"neu-{who}@example.org", "inbox_id": a.api_inbox,
                  "source_id": f"neu-{who}"}  # fmt: skip
    return [req(with_inbox), req({"name": f"Ohne Inbox {who}"})]


def _new_messages(a: Account, who: str) -> list[dict]:
    if who == "bot":
        return [
            req({"content": "Wo bleibt mein Paket?", "message_type": "incoming"}, conversation_id=a.assigned),
            req({"content": "Einen Moment bitte.", "message_type": "outgoing"}, conversation_id=a.assigned),
        ]
    return [req({"content": "Ich sehe nach.", "message_type": "outgoing"}, conversation_id=a.assigned)]


def _handoff(a: Account, who: str) -> list[dict]:
    return [req({
        "inbox_id": a.api_inbox,
        "contact": {"name": f"Hand {who}", "email": f"hand-{who}@example.org", "source_id": f"hand-{who}"},
        "transcript": [{"content": "Rechnung falsch", "message_type": "incoming"},
                       {"content": "Das kann ich nicht klären.", "message_type": "outgoing"}],
        "reason": "Rechnungsfrage",
    })]  # fmt: skip


def _toggle_status(a: Account, who: str) -> list[dict]:
    """The bot hands its waiting conversation over; the administrator resolves the other one."""
    if who == "bot":
        return [req({"status": "open"}, conversation_id=a.unassigned)]
    return [req({"status": "resolved"}, conversation_id=a.assigned)]


BASE = v1.BASE
CONV = BASE + "/conversations/{conversation_id:int}"
_update_contact = Call(
    cw.CONTACT_SHOW_RESPONSE,
    lambda a, who: [req({"name": f"Max {who}", "custom_attributes": {"by": who}}, contact_id=a.max)],
)
CONTRACTS: dict[tuple[str, str], Call] = {
    ("GET", "/api/v1/profile"): Call(cw.USER, lambda a, who: [req()], tokens=("admin",)),
    ("POST", BASE + "/contacts"): Call(cw.CONTACT_CREATE_RESPONSE, _new_contact),
    ("GET", BASE + "/contacts/search"): Call(
        cw.CONTACTS_LIST_RESPONSE, lambda a, who: [req(params={"q": "m"})], lists=("payload",)
    ),
    ("GET", BASE + "/contacts/{contact_id:int}"): Call(
        cw.CONTACT_SHOW_RESPONSE, lambda a, who: [req(contact_id=a.erika), req(contact_id=a.max)]
    ),
    ("PUT", BASE + "/contacts/{contact_id:int}"): _update_contact,
    ("PATCH", BASE + "/contacts/{contact_id:int}"): _update_contact,
    ("GET", BASE + "/conversations"): Call(
        cw.CONVERSATION_LIST, lambda a, who: [req(params={"status": "all"})], lists=("data.payload",)
    ),
    ("POST", BASE + "/conversations"): Call(
        cw.CONVERSATION_CREATED, lambda a, who: [req({"inbox_id": a.api_inbox, "contact_id": a.max})]
    ),
    ("GET", BASE + "/conversations/meta"): Call(
        cw.CONVERSATION_META_RESPONSE, lambda a, who: [req(params={"status": "all"})]
    ),
    ("GET", CONV): Call(
        cw.CONVERSATION, lambda a, who: [req(conversation_id=a.assigned), req(conversation_id=a.unassigned)]
    ),
    ("POST", CONV + "/toggle_status"): Call(cw.STATUS_TOGGLE, _toggle_status),
    ("POST", CONV + "/toggle_priority"): Call(
        cw.ANY_OBJECT, lambda a, who: [req({"priority": "urgent"}, conversation_id=a.assigned)]
    ),
    ("POST", CONV + "/assignments"): Call(
        cw.AGENT, lambda a, who: [req({"assignee_id": a.agent}, conversation_id=a.assigned)]
    ),
    ("GET", CONV + "/labels"): Call(
        cw.CONVERSATION_LABELS, lambda a, who: [req(conversation_id=a.assigned)], lists=("payload",)
    ),
    ("POST", CONV + "/labels"): Call(
        cw.CONVERSATION_LABELS, lambda a, who: [req({"labels": ["vip", who]}, conversation_id=a.assigned)]
    ),
    ("GET", CONV + "/messages"): Call(
        cw.MESSAGES_RESPONSE,
        lambda a, who: [req(conversation_id=a.assigned)],
        lists=("payload",),
        expect=_incoming_lines_are_the_contacts,
    ),
    ("POST", CONV + "/messages"): Call(cw.MESSAGE, _new_messages, expect=_message_is_from_its_writer),
    # Chatwoot answers its import with an empty 200 (head :ok); Kiko's answer names the job.
    ("POST", BASE + "/contacts/import"): Call(
        cw.ANY_OBJECT,
        lambda a, who: [req(files={"import_file": ("k.csv", b"email,name\nimport@example.org,Imp\n", "text/csv")})],
        tokens=("admin",),
    ),
    # Kiko's own one-call handoff answers the conversation as GET conversations/{id} does.
    ("POST", BASE + "/handoffs"): Call(cw.CONVERSATION, _handoff),
    ("GET", BASE + "/webhooks"): Call(
        cw.WEBHOOK_LIST, lambda a, who: [req()], tokens=("admin",), lists=("payload.webhooks",)
    ),
    ("POST", BASE + "/webhooks"): Call(
        cw.WEBHOOK_CREATED,
        lambda a, who: [req({"url": "https://hooks.example.org/new", "subscriptions": ["message_created"]})],
        tokens=("admin",),
    ),
    ("DELETE", BASE + "/webhooks/{webhook_id:int}"): Call(
        cw.ANY_OBJECT, lambda a, who: [req(webhook_id=a.spare_webhook)], tokens=("admin",)
    ),
    ("GET", BASE + "/labels"): Call(cw.LABEL_LIST, lambda a, who: [req()], lists=("payload",)),
    ("POST", BASE + "/labels"): Call(
        cw.LABEL,
        lambda a, who: [req({"title": "neu", "description": "Neu", "color": "#1f93ff", "show_on_sidebar": True})],
        tokens=("admin",),
    ),
    ("GET", BASE + "/labels/{label_id:int}"): Call(cw.LABEL, lambda a, who: [req(label_id=a.label)]),
    ("PATCH", BASE + "/labels/{label_id:int}"): Call(
        cw.LABEL, lambda a, who: [req({"description": "Wichtig"}, label_id=a.label)], tokens=("admin",)
    ),
    ("DELETE", BASE + "/labels/{label_id:int}"): Call(
        cw.ANY_OBJECT, lambda a, who: [req(label_id=a.spare_label)], tokens=("admin",)
    ),
    ("GET", BASE + "/agents"): Call(
        cw.AGENT_LIST, lambda a, who: [req()], lists=("",), expect=_agents_addresses_only_for_people
    ),
    ("GET", BASE + "/teams"): Call(cw.TEAM_LIST, lambda a, who: [req()], lists=("",)),
    ("GET", BASE + "/inboxes"): Call(cw.INBOX_LIST, lambda a, who: [req()], lists=("payload",)),
}


def _url(template: str, ids: dict) -> str:
    """The route's path with its parameters filled in (converters like `:int` dropped)."""
    path = template
    for name, value in ids.items():
        path = path.replace(f"{{{name}:int}}", str(value)).replace(f"{{{name}}}", str(value))
    assert "{" not in path, f"unfilled parameter in {path}"
    return path


def _at(value: object, dotted: str) -> object:
    for key in filter(None, dotted.split(".")):
        value = value.get(key) if isinstance(value, dict) else None
    return value


@pytest.mark.parametrize("method,path", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_every_route_answers_in_chatwoots_shape(acc, method, path):
    call = CONTRACTS.get((method, path))
    if call is None:
        pytest.fail(f"new route {method} {path} has no Chatwoot contract: add it to CONTRACTS")
    problems = []
    for who in call.tokens:
        for request in call.requests(acc, who):
            url = _url(path, {"account_id": acc.account, **request["ids"]})
            token = {"api_access_token": acc.tokens[who]}
            response = acc.client.request(method, url, params=request["params"], json=request["json"],
                                          files=request["files"], headers=token)  # fmt: skip
            where = f"[{who}] {method} {url} {json.dumps(request['json']) if request['json'] else ''}".strip()
            if not 200 <= response.status_code < 300:
                problems.append(f"{where}: status {response.status_code} {response.text[:200]}")
                continue
            answer = response.json()
            found = cw.validate(call.contract, answer)
            for dotted in call.lists:
                listed = _at(answer, dotted)
                if isinstance(listed, list) and not listed:
                    found.append(f"$.{dotted}: empty, so its items cannot be checked")
            found += call.expect(answer, acc, who, request) if call.expect else []
            problems += [f"{where} -> {p}" for p in found]
    assert not problems, f"{len(problems)} differences from Chatwoot:\n" + "\n".join(problems)


def test_a_bot_token_profile_is_its_agent_bot(acc):
    answer = acc.client.get("/api/v1/profile", headers={"api_access_token": acc.tokens["bot"]})
    assert answer.status_code == 200, answer.text
    assert cw.validate(cw.AGENT_BOT, answer.json()) == []
    assert answer.json()["id"] == acc.api_inbox


def test_every_contract_belongs_to_a_route():
    assert sorted(set(CONTRACTS) - set(ROUTES)) == []


# --- webhook bodies, as written to the outbox -----------------------------------------------


@pytest.mark.parametrize("event", sorted(cw.WEBHOOK_EVENTS_CONTRACTS))
def test_webhook_bodies_are_chatwoot_shaped(acc, event):
    with Session(acc.engine) as db:
        rows = db.exec(
            select(WebhookDelivery).where(WebhookDelivery.webhook_id == acc.webhook, WebhookDelivery.event == event)
        ).all()
    assert rows, f"the setup wrote no {event} delivery"
    problems = []
    for row in rows:
        body = json.loads(row.payload)
        found = cw.validate(cw.WEBHOOK_EVENTS_CONTRACTS[event], body)
        if event == "message_created" and body.get("message_type") == "incoming":
            contact = _at(body, "conversation.meta.sender.id")
            if _at(body, "sender.id") != contact:
                found.append(f"$.sender.id: {_at(body, 'sender.id')!r}, expected the contact {contact!r}")
        problems += [f"delivery {row.id} ({body.get('message_type', body.get('status', ''))}) -> {p}" for p in found]
    assert not problems, f"{len(problems)} differences from Chatwoot:\n" + "\n".join(problems)


# --- refusals in Chatwoot's error shape ------------------------------------------------------


def _in(a: Account, rest: str) -> str:
    return f"/api/v1/accounts/{a.account}{rest}"


# name -> (account -> (method, url, body, token name or None for no token))
BAD_INPUT = {
    "profile: no token": lambda a: ("GET", "/api/v1/profile", None, None),
    "contacts: unknown id": lambda a: ("GET", _in(a, "/contacts/999999"), None, "bot"),
    "contacts: another account's contact": lambda a: ("GET", _in(a, f"/contacts/{a.other_contact}"), None, "bot"),
    "contacts: not an email address": lambda a: ("POST", _in(a, "/contacts"),
                                                 {"name": "E", "email": "kein-email", "inbox_id": a.api_inbox}, "bot"),
    "contacts: inbox_id of the wrong type": lambda a: ("POST", _in(a, "/contacts"),
                                                       {"name": "E", "inbox_id": "eins", "source_id": "e"}, "bot"),
    "contacts: email of the wrong type": lambda a: ("PUT", _in(a, f"/contacts/{a.erika}"), {"email": ["x"]}, "bot"),
    "contacts: page not a number": lambda a: ("GET", _in(a, "/contacts/search?q=m&page=abc"), None, "bot"),
    "conversations: unknown number": lambda a: ("GET", _in(a, "/conversations/999999"), None, "bot"),
    "conversations: another account": lambda a: ("GET", f"/api/v1/accounts/{a.other_account}/conversations",
                                                 None, "admin"),
    "conversations: another account's inbox": lambda a: ("POST", _in(a, "/conversations"),
                                                         {"inbox_id": a.other_inbox, "source_id": "f-1"}, "bot"),
    "conversations: inbox_id of the wrong type": lambda a: ("POST", _in(a, "/conversations"),
                                                            {"inbox_id": "eins", "source_id": "max-1"}, "bot"),
    "conversations: status of the wrong type": lambda a: ("POST", _in(a, f"/conversations/{a.assigned}/toggle_status"),
                                                          {"status": 5}, "bot"),
    "conversations: unknown priority": lambda a: ("POST", _in(a, f"/conversations/{a.assigned}/toggle_priority"),
                                                  {"priority": "whenever"}, "bot"),
    "conversations: unknown assignee": lambda a: ("POST", _in(a, f"/conversations/{a.assigned}/assignments"),
                                                  {"assignee_id": 999999}, "bot"),
    "labels: not a list": lambda a: ("POST", _in(a, f"/conversations/{a.assigned}/labels"), {"labels": "vip"}, "bot"),
    "messages: content of the wrong type": lambda a: ("POST", _in(a, f"/conversations/{a.assigned}/messages"),
                                                      {"content": 5}, "bot"),
    "messages: unknown conversation": lambda a: ("GET", _in(a, "/conversations/999999/messages"), None, "bot"),
    "handoffs: another account's inbox": lambda a: ("POST", _in(a, "/handoffs"),
                                                    {"inbox_id": a.other_inbox, "contact": {"source_id": "x"}}, "bot"),
    "webhooks: url of the wrong type": lambda a: ("POST", _in(a, "/webhooks"), {"url": 5}, "admin"),
    "webhooks: unknown id": lambda a: ("DELETE", _in(a, "/webhooks/999999"), None, "admin"),
    "webhooks: not for the bot": lambda a: ("GET", _in(a, "/webhooks"), None, "bot"),
    "agents: another account": lambda a: ("GET", f"/api/v1/accounts/{a.other_account}/agents", None, "bot"),
    "teams: another account": lambda a: ("GET", f"/api/v1/accounts/{a.other_account}/teams", None, "admin"),
    "inboxes: another account": lambda a: ("GET", f"/api/v1/accounts/{a.other_account}/inboxes", None, "bot"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_INPUT)
def test_refusals_come_in_chatwoots_error_shape(acc, case):
    method, url, body, who = BAD_INPUT[case](acc)
    headers = {"api_access_token": acc.tokens[who]} if who else {"api_access_token": ""}
    response = acc.client.request(method, url, json=body, headers=headers)
    problems = cw.error_problems(response.status_code, response.json())
    assert not problems, f"{method} {url}: {response.status_code} {response.text[:200]}\n" + "\n".join(problems)
