"""Any client can call any handler by name over the websocket: each one checks the session itself."""

import importlib
import inspect
import pkgutil

import pytest

import kiko_livechat.state
from kiko_livechat.models import Account, Role
from kiko_livechat.state.session import SessionState
from kiko_livechat.state.settings import AccountFormState
from tests import factories
from tests.integration.state.states import snapshot, state_for

# Import every state module, so every state class is registered and checked.
for _module in pkgutil.iter_modules(kiko_livechat.state.__path__):
    importlib.import_module(f"kiko_livechat.state.{_module.name}")

# Handlers that by design work without a session (they touch no account data).
PUBLIC_HANDLERS = {"apply_lang_pref", "choose_language", "redirect_if_signed_in", "login", "find_way_back"}
HOSTILE_FORM = {
    "name": "Hacked",
    "locale": "en",
    "current_password": "x",
    "new_password": "0123456789abc",
    "confirm_password": "0123456789abc",
}


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


def _arguments(fn) -> list:
    params = list(inspect.signature(fn).parameters.values())[1:]
    return [dict(HOSTILE_FORM) if p.annotation is dict else "en" for p in params]


def test_there_are_handlers_to_check():
    assert len(list(_handlers())) >= 8


@pytest.mark.parametrize("token", ["", "forged-token"])
@pytest.mark.parametrize("cls,name", list(_handlers()))
async def test_handler_without_a_valid_session_changes_nothing_and_goes_to_login(app_db, cls, name, token):
    from sqlmodel import Session

    with Session(app_db) as db:
        acc = factories.account(db, name="Opfer GmbH")
        factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    before = snapshot(app_db)
    state = state_for(cls, token)
    handler = getattr(state, name)
    result = handler(*_arguments(cls.event_handlers[name].fn))
    if inspect.isawaitable(result):
        result = await result
    assert "/login" in repr(result), f"{cls.__name__}.{name} did not send the tab to the login: {result!r}"
    assert snapshot(app_db) == before
    session = state if isinstance(state, SessionState) else None
    assert session is None or not session.signed_in


async def test_a_valid_session_saves_and_the_role_is_checked_on_the_server(app_db):
    from sqlmodel import Session

    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.account(db, name="Alpha GmbH")
        admin = factories.login(db, factories.user(db, acc.id, role=Role.ADMINISTRATOR)).token
        agent = factories.login(db, factories.user(db, acc.id, role=Role.AGENT)).token
    refused = state_for(AccountFormState, agent)
    await refused.save({"name": "Agent was here", "locale": "en"})
    assert refused.errors == {"": "Nur Administratoren dürfen das."}
    saved = state_for(AccountFormState, admin)
    await saved.save({"name": "Alpha AG", "locale": "en"})
    assert saved.notice == "Saved."  # the account language changed to English with it
    with Session(app_db) as db:
        assert db.get(Account, acc.id).name == "Alpha AG"
