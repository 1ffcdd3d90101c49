"""Issue 13.8: the login cookie is set and cleared only by same-origin posts to our HTTP routes,
HttpOnly and SameSite=Lax (Secure on https), and logging out ends the session on the server."""

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from kiko_livechat.api import build_api
from kiko_livechat.services import auth, provisioning, session_handover
from kiko_livechat.services.errors import AuthFailed
from kiko_livechat.settings import get_settings
from tests import factories

BASE = "http://testserver"


@pytest.fixture
def login(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        result = factories.login(db, factories.user(db, factories.account(db).id))
        ticket = session_handover.issue(db, token=result.token)
    return result.token, ticket


def _client() -> TestClient:
    return TestClient(build_api(), base_url=BASE, follow_redirects=False)


def _post(client, path, data, origin=BASE):
    headers = {"origin": origin} if origin else {}
    return client.post(path, data=data, headers=headers)


def test_the_ticket_becomes_an_http_only_cookie(login):
    token, ticket = login
    answer = _post(_client(), "/auth/session", {"ticket": ticket, "next": "/app/settings"})
    assert answer.status_code == 303 and answer.headers["location"] == "/app/settings"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"kiko_session={token};")
    parts = {p.strip().split("=")[0].lower() for p in cookie.split(";")}
    assert {"httponly", "path", "max-age", "samesite"} <= parts and "secure" not in parts
    assert "samesite=lax" in cookie.lower()


def test_the_cookie_is_secure_behind_https(login, monkeypatch):
    monkeypatch.setenv("KIKO_BASE_URL", "https://chat.example.com")
    get_settings.cache_clear()
    answer = _post(_client(), "/auth/session", {"ticket": login[1]})
    assert "; secure" in answer.headers["set-cookie"].lower()
    assert answer.headers["location"] == "/app/inbox"


@pytest.mark.parametrize("origin", ["https://evil.example", None, "null"])
def test_posts_from_other_origins_are_refused_and_use_nothing(login, origin):
    answer = _post(_client(), "/auth/session", {"ticket": login[1]}, origin=origin)
    assert answer.status_code == 403 and "set-cookie" not in answer.headers
    assert _post(_client(), "/auth/session", {"ticket": login[1]}).status_code == 303  # still usable


def test_a_used_ticket_sends_back_to_the_login_without_a_cookie(login):
    client = _client()
    _post(client, "/auth/session", {"ticket": login[1]})
    again = _post(_client(), "/auth/session", {"ticket": login[1]})
    assert again.status_code == 303 and again.headers["location"] == "/login" and "set-cookie" not in again.headers


@pytest.mark.parametrize("wanted", ["//evil.example/x", "https://evil.example", "\\\\evil", "javascript:alert(1)"])
def test_the_way_on_stays_on_this_site(login, wanted):
    answer = _post(_client(), "/auth/session", {"ticket": login[1], "next": wanted})
    assert answer.headers["location"] == "/app/inbox"


def test_logout_ends_the_session_and_clears_the_cookie(app_db, login):
    token, _ = login
    client = _client()
    client.cookies.set("kiko_session", token)
    refused = _post(client, "/auth/logout", {"kind": "agent"}, origin="https://evil.example")
    assert refused.status_code == 403
    with Session(app_db) as db:
        assert auth.resolve_session(db, token=token)
    answer = _post(client, "/auth/logout", {"kind": "agent"})
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert (
        answer.headers["set-cookie"].startswith('kiko_session="";')
        or "max-age=0" in answer.headers["set-cookie"].lower()
    )
    with Session(app_db) as db, pytest.raises(AuthFailed):
        auth.resolve_session(db, token=token)


def test_the_operator_logout_ends_only_the_operator_session(app_db, login):
    with Session(app_db) as db:
        provisioning.create_operator(db, email="op@kiko.example", name="Op", password=factories.PASSWORD)
        db.commit()
        operator_token = auth.operator_login(db, email="op@kiko.example", password=factories.PASSWORD).token
    client = _client()
    client.cookies.set("kiko_session", login[0])
    client.cookies.set("kiko_operator_session", operator_token)
    answer = _post(client, "/auth/logout", {"kind": "operator"})
    assert answer.headers["location"] == "/admin/login"
    with Session(app_db) as db:
        with pytest.raises(AuthFailed):
            auth.resolve_operator(db, token=operator_token)
        assert auth.resolve_session(db, token=login[0])
