"""Canned responses over HTTP: Chatwoot's routes and JSON for personal access tokens, and the
composer picker's route behind the login cookie."""

import json
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session
from starlette.testclient import TestClient

from kiko_livechat.api import build_api
from kiko_livechat.models import Role, SessionKind
from kiko_livechat.routes import CANNED_PICKER
from kiko_livechat.services import api_access, inboxes
from kiko_livechat.services.session_handover import COOKIE_NAMES
from tests import factories
from tests.integration.api import chatwoot_contracts as cw
from tests.integration.api.answers import assert_clean_answer
from tests.integration.api.test_api_properties import JSON_VALUES, TEXT

# swagger/definitions/resource/canned_response.yml @ 203c01084689661286251ede4ea732efacf050bc
# (times are strings there: Rails' JSON of the record, not unix seconds).
CANNED_RESPONSE = cw.obj(
    "canned_response",
    {"id": cw.NUM, "account_id": cw.NUM, "short_code": cw.STR, "content": cw.STR, "created_at": cw.STR,
     "updated_at": cw.STR},
)  # fmt: skip


@pytest.fixture
def setup(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db, name="Kiko Kunde")
        admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
        agent_user = factories.user(db, acc.id)
        agent_login = factories.login(db, agent_user)
        inbox = factories.inbox(db, acc.id, agent_ids=[agent_user.id])
        contact = factories.contact(db, acc.id, name="Erika Muster")
        conversation = factories.conversation(db, acc.id, inbox.id, contact.id)
        bot = inboxes.create_api_inbox(db, actor=admin, name="Bot")
        other = factories.account(db, name="Fremd")
        foreign_admin = factories.actor(db, other.id, role=Role.ADMINISTRATOR)
        tokens = {
            "admin": api_access.issue_personal_token(db, actor=admin),
            "agent": api_access.issue_personal_token(db, actor=agent_login.actor),
            "bot": bot.api_token,
            "foreign": api_access.issue_personal_token(db, actor=foreign_admin),
        }
    return {
        "client": TestClient(build_api()),
        "base": f"/api/v1/accounts/{acc.id}/canned_responses",
        "foreign_base": f"/api/v1/accounts/{other.id}/canned_responses",
        "tokens": tokens,
        "session": agent_login.token,
        "number": conversation.display_id,
    }


def _call(s, who, method, url, **kwargs):
    return s["client"].request(method, url, headers={"api_access_token": s["tokens"][who]}, **kwargs)


def test_create_list_search_update_delete_in_chatwoots_shape(setup):
    s, base = setup, setup["base"]
    created = _call(s, "admin", "POST", base, json={"short_code": "hallo", "content": "Hallo {{contact.name}}!"})
    assert created.status_code == 200, created.text
    assert cw.validate(CANNED_RESPONSE, created.json()) == []
    assert created.json()["created_at"].endswith("Z")
    # Rails' wrapped body works too; an agent creates a personal one.
    body = {"canned_response": {"short_code": "/abschied", "content": "Tschüss"}, "personal": True}
    wrapped = _call(s, "agent", "POST", base, json=body)
    assert wrapped.status_code == 200, wrapped.text
    assert (wrapped.json()["short_code"], wrapped.json()["personal"]) == ("abschied", True)

    listed = _call(s, "agent", "GET", base)
    assert listed.status_code == 200 and isinstance(listed.json(), list)
    assert [cw.validate(CANNED_RESPONSE, item) for item in listed.json()] == [[], []]
    assert [item["short_code"] for item in listed.json()] == ["abschied", "hallo"]
    # The administrator does not see the agent's personal one.
    assert [item["short_code"] for item in _call(s, "admin", "GET", base).json()] == ["hallo"]
    assert [item["short_code"] for item in _call(s, "agent", "GET", base, params={"search": "ALL"}).json()] == ["hallo"]

    one = f"{base}/{created.json()['id']}"
    patched = _call(s, "admin", "PATCH", one, json={"content": "Guten Tag"})
    assert patched.status_code == 200, patched.text
    assert (patched.json()["short_code"], patched.json()["content"]) == ("hallo", "Guten Tag")
    assert cw.validate(CANNED_RESPONSE, patched.json()) == []
    assert _call(s, "admin", "DELETE", one).status_code == 200
    assert [item["short_code"] for item in _call(s, "admin", "GET", base).json()] == []


def test_refusals_name_the_field_in_the_callers_language(setup):
    s, base = setup, setup["base"]
    _call(s, "admin", "POST", base, json={"short_code": "hallo", "content": "Hallo"})
    cases = [
        ({"short_code": "hallo", "content": "Noch mal"}, "canned.error.short_code_taken", "short_code"),
        ({"short_code": "hallo welt", "content": "x"}, "canned.error.short_code", "short_code"),
        ({"short_code": "x" * 51, "content": "x"}, "error.too_long", "short_code"),
        ({"short_code": "neu", "content": "x" * 10_001}, "error.too_long", "content"),
        ({"short_code": "neu"}, "error.required", "content"),
        ({"short_code": "neu", "content": 5}, "api.error.type.string", "content"),
    ]
    for body, code, field in cases:
        answer = s["client"].post(
            base, json=body, headers={"api_access_token": s["tokens"]["admin"], "Accept-Language": "de"}
        )
        assert answer.status_code == 422, (body, answer.text)
        assert (answer.json()["error"], answer.json().get("field")) == (code, field), body
        assert answer.json()["message"]
    german = s["client"].post(base, json={"short_code": "a b", "content": "x"},
                              headers={"api_access_token": s["tokens"]["admin"], "Accept-Language": "de"})  # fmt: skip
    assert german.json()["message"] == "Nur Buchstaben, Ziffern, - und _ (keine Leerzeichen)."
    english = s["client"].post(base, json={"short_code": "a b", "content": "x"},
                               headers={"api_access_token": s["tokens"]["admin"], "Accept-Language": "en"})  # fmt: skip
    assert english.json()["message"] == "Only letters, digits, - and _ (no spaces)."
    assert [item["short_code"] for item in _call(s, "admin", "GET", base).json()] == ["hallo"]


def test_roles_other_accounts_and_personal_ones_of_others(setup):
    s, base = setup, setup["base"]
    shared = _call(s, "admin", "POST", base, json={"short_code": "hallo", "content": "Hallo"}).json()
    mine = {"short_code": "meins", "content": "Meins", "personal": True}
    personal = _call(s, "agent", "POST", base, json=mine).json()
    # An agent may not create or change account-wide ones.
    assert _call(s, "agent", "POST", base, json={"short_code": "x", "content": "y"}).status_code == 403
    assert _call(s, "agent", "PATCH", f"{base}/{shared['id']}", json={"content": "Gekapert"}).status_code == 403
    # Someone else's personal one is not found for the administrator, nor for another account.
    assert _call(s, "admin", "PATCH", f"{base}/{personal['id']}", json={"content": "Gekapert"}).status_code == 404
    assert _call(s, "admin", "DELETE", f"{base}/{personal['id']}").status_code == 404
    foreign = f"{s['foreign_base']}/{shared['id']}"
    assert _call(s, "foreign", "PATCH", foreign, json={"content": "Gekapert"}).status_code == 404
    assert _call(s, "foreign", "DELETE", foreign).status_code == 404
    assert _call(s, "foreign", "GET", s["foreign_base"]).json() == []
    # The path's account must be the token's.
    assert _call(s, "foreign", "GET", base).status_code == 404
    # A bot token may not (as in Chatwoot).
    assert _call(s, "bot", "GET", base).status_code == 403
    assert {item["content"] for item in _call(s, "agent", "GET", base).json()} == {"Hallo", "Meins"}


def test_the_pickers_route_answers_the_login_cookie_with_filled_rows(setup):
    s = setup
    _call(s, "admin", "POST", s["base"], json={"short_code": "hallo", "content": "Hallo {{contact.name}}!"})
    _call(s, "admin", "POST", s["base"], json={"short_code": "zzz", "content": "Sag hallo"})
    client = s["client"]
    params = {"q": "hal", "conversation": str(s["number"])}
    client.cookies.set(COOKIE_NAMES[SessionKind.AGENT], s["session"])
    answer = client.get(CANNED_PICKER, params=params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    rows = answer.json()["rows"]
    assert [(r["code"], r["text"]) for r in rows] == [("hallo", "Hallo Erika Muster!"), ("zzz", "Sag hallo")]
    assert rows[0]["preview"] == "Hallo {{contact.name}}!"
    assert client.get(CANNED_PICKER, params={"q": "hal", "conversation": "999999"}).status_code == 404
    assert client.get(CANNED_PICKER, params={"q": "hal", "conversation": "x"}).status_code == 404
    client.cookies.clear()
    assert client.get(CANNED_PICKER, params=params).json() == {"rows": []}
    assert client.get(CANNED_PICKER, params=params).status_code == 401


def test_any_input_gets_a_2xx_or_a_clear_4xx(setup):
    """The services run for the administrator and the agent (a bot is refused before them)."""
    s, base = setup, setup["base"]
    existing = _call(s, "admin", "POST", base, json={"short_code": "da", "content": "Da"}).json()["id"]
    fields = st.sampled_from(["short_code", "content", "personal", "canned_response", "other"])
    plausible = st.sampled_from(["hallo", "/hallo", "a b", "x" * 51, "", " ", "<b>x</b>", True, None, 7])

    @settings(max_examples=120)
    @given(data=st.data())
    def check(data):
        who = data.draw(st.sampled_from(["admin", "agent"]))
        method, url = data.draw(
            st.sampled_from([("POST", base), ("PATCH", f"{base}/{existing}"), ("PUT", f"{base}/{existing}"),
                             ("GET", base), ("DELETE", f"{base}/999999")])
        )  # fmt: skip
        body = data.draw(st.dictionaries(fields, plausible | JSON_VALUES, max_size=4))
        if method == "GET":  # any text, lone surrogates too, as raw bytes in the query
            url += "?search=" + quote_from_bytes(data.draw(TEXT).encode("utf-8", "surrogatepass"))
        headers = {"api_access_token": s["tokens"][who], "content-type": "application/json"}
        content = None if method in ("GET", "DELETE") else json.dumps(body).encode("utf-8", "surrogatepass")
        answer = s["client"].request(method, url, content=content, headers=headers)
        assert_clean_answer(answer)

    check()
