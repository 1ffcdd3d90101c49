"""Any client can call any handler by name over the websocket: each one checks the session itself."""

import importlib
import inspect
import json
import pkgutil

import pytest
import sqlalchemy as sa
from reflex.state import State
from sqlmodel import SQLModel

import kiko_livechat.state
from kiko_livechat import db as db_module
from kiko_livechat.models import Account, Role
from kiko_livechat.settings import get_settings
from kiko_livechat.state.session import SessionState
from kiko_livechat.state.settings import AccountFormState
from tests import factories

# Import every state module, so every state class is registered and checked.
for _module in pkgutil.iter_modules(kiko_livechat.state.__path__):
    importlib.import_module(f"kiko_livechat.state.{_module.name}")

# Handlers that by design work without a session (they touch no account data).
PUBLIC_HANDLERS = {"apply_lang_pref", "choose_language", "logout", "redirect_if_signed_in", "login"}
HOSTILE_FORM = {
    "name": "Hacked",
    "locale": "en",
    "current_password": "x",
    "new_password": "0123456789abc",
    "confirm_password": "0123456789abc",
}


@pytest.fixture
def app_db(engine, monkeypatch):
    """Point the app's own engine (used by the states) at the test database."""
    monkeypatch.setenv("KIKO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()
    yield engine
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()


def _session_states():
    pending = [SessionState]
    while pending:
        cls = pending.pop()
        yield cls
        pending.extend(cls.get_substates())


def _handlers():
    for cls in _session_states():
        for name, handler in cls.event_handlers.items():
            if handler.fn.__module__.startswith("kiko_livechat.state") and name not in PUBLIC_HANDLERS:
                yield pytest.param(cls, name, id=f"{cls.__name__}.{name}")


def _state(cls, token: str):
    root = State()
    session = root.get_substate(SessionState.get_full_name().split(".")[1:])
    session.token = token
    return root.get_substate(cls.get_full_name().split(".")[1:])


def _arguments(fn) -> list:
    params = list(inspect.signature(fn).parameters.values())[1:]
    return [dict(HOSTILE_FORM) if p.annotation is dict else "en" for p in params]


def _snapshot(engine) -> str:
    with engine.connect() as connection:
        return json.dumps(
            {
                t.name: [list(map(str, r)) for r in connection.execute(sa.select(t).order_by(*t.primary_key))]
                for t in SQLModel.metadata.sorted_tables
                if t.name != "login_throttles"
            }
        )


def test_there_are_handlers_to_check():
    assert len(list(_handlers())) >= 8


@pytest.mark.parametrize("token", ["", "forged-token"])
@pytest.mark.parametrize("cls,name", list(_handlers()))
async def test_handler_without_a_valid_session_changes_nothing_and_goes_to_login(app_db, cls, name, token):
    from sqlmodel import Session

    with Session(app_db) as db:
        acc = factories.account(db, name="Opfer GmbH")
        factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    before = _snapshot(app_db)
    state = _state(cls, token)
    handler = getattr(state, name)
    result = handler(*_arguments(cls.event_handlers[name].fn))
    if inspect.isawaitable(result):
        result = await result
    assert "/login" in repr(result), f"{cls.__name__}.{name} did not send the tab to the login: {result!r}"
    assert _snapshot(app_db) == before
    session = state if isinstance(state, SessionState) else None
    assert session is None or not session.signed_in


async def test_a_valid_session_saves_and_the_role_is_checked_on_the_server(app_db):
    from sqlmodel import Session

    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.account(db, name="Alpha GmbH")
        admin = factories.login(db, factories.user(db, acc.id, role=Role.ADMINISTRATOR)).token
        agent = factories.login(db, factories.user(db, acc.id, role=Role.AGENT)).token
    refused = _state(AccountFormState, agent)
    await refused.save({"name": "Agent was here", "locale": "en"})
    assert refused.errors == {"": "Nur Administratoren dürfen das."}
    saved = _state(AccountFormState, admin)
    await saved.save({"name": "Alpha AG", "locale": "en"})
    assert saved.notice == "Saved."  # the account language changed to English with it
    with Session(app_db) as db:
        assert db.get(Account, acc.id).name == "Alpha AG"
