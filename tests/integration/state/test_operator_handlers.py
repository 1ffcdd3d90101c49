"""The operator's console is a login space of its own: each of its handlers checks, on the server,
that the tab holds an operator token; no token, a forged one or a dashboard token gets nothing."""

import inspect

import pytest
from reflex.state import State
from sqlmodel import Session, select

from kiko_livechat.i18n import SUPPORTED_LOCALES, catalog
from kiko_livechat.models import Account, Invitation, Role, SessionKind
from kiko_livechat.routes import ADMIN_LOGIN
from kiko_livechat.services import auth, entitlement, operator, provisioning, session_handover
from kiko_livechat.services.session_handover import COOKIE_NAMES
from kiko_livechat.settings import get_settings
from kiko_livechat.state.operator import (
    CREATE_TEXT_INPUTS,
    AccountsState,
    CreateAccountState,
    InviteState,
    OperatorLoginState,
    OperatorState,
)
from tests import factories
from tests.integration.state.states import snapshot, with_cookie

# Handlers that by design work without a session (they touch no account data).
PUBLIC_HANDLERS = {"apply_lang_pref", "choose_language", "login", "redirect_if_signed_in"}
OPERATOR_EMAIL = "op@kiko.example"


def _operator_states():
    pending = [OperatorState]
    while pending:
        cls = pending.pop()
        yield cls
        pending.extend(cls.get_substates())


def _handlers():
    for cls in _operator_states():
        for name, handler in cls.event_handlers.items():
            if handler.fn.__module__.startswith("kiko_livechat.state") and name not in PUBLIC_HANDLERS:
                yield pytest.param(cls, name, id=f"{cls.__name__}.{name}")


def _state(cls, token: str):
    root = State()
    with_cookie(root, COOKIE_NAMES[SessionKind.OPERATOR], token)
    return root.get_substate(cls.get_full_name().split(".")[1:])


async def _call(state, name: str, *args):
    result = getattr(state, name)(*args)
    return await result if inspect.isawaitable(result) else result


def _hostile_arguments(fn, victim_id: int) -> list:
    """Arguments that would change the victim account if a handler skipped the check."""
    form = {
        "name": "Hacked",
        "locale": "en",
        "plan": "starter",
        "email": "intruder@evil.example",
        "admin_name": "Intruder",
        "admin_email": "intruder@evil.example",
    }
    by_name = {"account_id": victim_id, "active": True, "is_open": True, "plan": "starter"}
    params = list(inspect.signature(fn).parameters.values())[1:]
    return [dict(form) if p.annotation is dict else by_name[p.name] for p in params]


def _dashboard_token(db: Session, account_id: int, *, super_admin: bool) -> str:
    """A valid agents'-dashboard session of an administrator (optionally also a super admin:
    even then the dashboard token opens no console)."""
    admin = factories.user(db, account_id, role=Role.ADMINISTRATOR)
    if super_admin:
        admin.is_super_admin = True
        db.add(admin)
        db.commit()
    return factories.login(db, admin).token


def _operator_token(db: Session) -> str:
    provisioning.create_operator(db, email=OPERATOR_EMAIL, name="Op", password=factories.PASSWORD)
    db.commit()
    return auth.operator_login(db, email=OPERATOR_EMAIL, password=factories.PASSWORD).token


def test_there_are_handlers_to_check():
    names = {param.id for param in _handlers()}
    assert {
        "AccountsState.load",
        "AccountsState.set_livechat",
        "CreateAccountState.create",
        "InviteState.invite",
    } <= names
    assert len(names) >= 8


@pytest.mark.parametrize("token_kind", ["none", "forged", "dashboard", "dashboard_of_super_admin"])
@pytest.mark.parametrize("cls,name", list(_handlers()))
async def test_handler_without_an_operator_session_changes_nothing_and_goes_to_the_console_login(
    app_db, cls, name, token_kind
):
    with Session(app_db, expire_on_commit=False) as db:
        victim = factories.account(db, name="Opfer GmbH")
        tokens = {
            "none": "",
            "forged": "forged-token",
            "dashboard": _dashboard_token(db, victim.id, super_admin=False),
            "dashboard_of_super_admin": _dashboard_token(db, victim.id, super_admin=True),
        }
    before = snapshot(app_db)
    state = _state(cls, tokens[token_kind])
    result = await _call(state, name, *_hostile_arguments(cls.event_handlers[name].fn, victim.id))
    assert ADMIN_LOGIN in repr(result), f"{cls.__name__}.{name} did not send the tab to the login: {result!r}"
    assert snapshot(app_db) == before
    assert state.handover_ticket == "" and not state.operator_signed_in
    if isinstance(state, AccountsState):
        assert state.accounts == []


async def test_the_console_login_refuses_an_account_administrator(app_db):
    with Session(app_db) as db:
        acc = factories.account(db)
        admin_email = factories.user(db, acc.id, role=Role.ADMINISTRATOR).email
    state = _state(OperatorLoginState, "")
    result = await _call(state, "login", {"email": admin_email, "password": factories.PASSWORD})
    assert result is None
    assert state.errors == {"": "E-Mail oder Passwort ist falsch."}
    assert state.handover_ticket == ""


async def test_an_operator_logs_in_lists_switches_and_changes_the_plan(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.account(db, name="Beta Handel AG")
        _operator_token(db)
    login = _state(OperatorLoginState, "")
    assert await _call(login, "login", {"email": OPERATOR_EMAIL, "password": factories.PASSWORD}) is None
    # The page posts the ticket to /auth/session, which puts this token into the cookie.
    with Session(app_db) as db:
        handed = session_handover.redeem(db, ticket=login.handover_ticket)
    assert handed.kind == SessionKind.OPERATOR
    token = handed.token

    accounts = _state(AccountsState, token)
    await _call(accounts, "load")
    row = next(line for line in accounts.accounts if line.name == "Beta Handel AG")
    assert (row.livechat_active, row.state, row.plan) == (False, entitlement.INACTIVE, "trial")
    assert row.trial_ends and row.created  # dates written out for the tab's language

    await _call(accounts, "set_livechat", acc.id, True)
    assert next(line for line in accounts.accounts if line.account_id == acc.id).state == operator.ACTIVE
    await _call(accounts, "set_plan", acc.id, "starter")
    row = next(line for line in accounts.accounts if line.account_id == acc.id)
    assert (row.livechat_active, row.state, row.plan, row.trial_ends) == (True, operator.ACTIVE, "starter", "")

    await _call(accounts, "set_plan", acc.id, "gold")  # refused with a translated message
    assert accounts.errors == {"plan": "Bitte wählen Sie eine der Möglichkeiten."}
    await _call(accounts, "set_livechat", acc.id, "false")  # not a switch position: nothing happens
    await _call(accounts, "set_livechat", 10**6, False)
    assert accounts.errors == {"": "Nicht gefunden."}
    with Session(app_db) as db:
        stored = db.get(Account, acc.id)
        assert (stored.plan, stored.livechat_active) == ("starter", True)


async def test_an_operator_creates_an_account_and_errors_land_on_their_fields(app_db):
    with Session(app_db) as db:
        token = _operator_token(db)
    form = {"name": "Gamma GmbH", "locale": "en", "plan": "trial", "admin_name": "Gina", "admin_email": "gina@gamma"}

    create = _state(CreateAccountState, token)
    for change, field, message in (
        ({"admin_email": "not-mail"}, "admin_email", "Das ist keine gültige E-Mail-Adresse."),
        ({"admin_name": " "}, "admin_name", "Dieses Feld ist erforderlich."),
        ({"name": ""}, "name", "Dieses Feld ist erforderlich."),
        ({"plan": "gold"}, "plan", "Bitte wählen Sie eine der Möglichkeiten."),
        ({"locale": "fr"}, "locale", "Diese Sprache ist nicht verfügbar."),
    ):
        await _call(create, "create", {**form, "admin_email": "gina@gamma.example", **change})
        assert create.errors == {field: message}, change
        assert create.link == ""
    with Session(app_db) as db:
        assert db.exec(select(Account).where(Account.name == "Gamma GmbH")).first() is None

    accounts = await create.get_state(AccountsState)
    result = await _call(create, "create", {**form, "admin_email": "gina@gamma.example"})
    assert len(result) == len(CREATE_TEXT_INPUTS)  # the text inputs are emptied for the next account
    assert create.link.startswith(get_settings().base_url) and "/invite/" in create.link
    assert create.notice.startswith("Konto angelegt.")
    assert "gina@gamma.example" in create.link_caption
    assert [line.name for line in accounts.accounts] == ["Gamma GmbH"]  # the table has the new row
    create.locale = "en"
    assert create.link_caption.startswith("Invitation link for gina@gamma.example, valid until ")


async def test_an_operator_invites_another_administrator_from_the_dialog(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.account(db, name="Delta KG")
        member = factories.user(db, acc.id, role=Role.ADMINISTRATOR).email
        token = _operator_token(db)
    invite = _state(InviteState, token)
    accounts = await invite.get_state(AccountsState)
    await _call(accounts, "load")

    await _call(invite, "start", acc.id)
    assert (invite.dialog_open, invite.account_name, invite.link) == (True, "Delta KG", "")
    await _call(invite, "invite", {"name": "Dora", "email": member})
    assert invite.errors == {"email": "Diese Person ist bereits Mitglied des Kontos."}
    await _call(invite, "invite", {"name": "Dora", "email": "dora@delta.example"})
    assert "/invite/" in invite.link and invite.errors == {}
    with Session(app_db) as db:
        assert db.exec(select(Invitation).where(Invitation.email == "dora@delta.example")).one().account_id == acc.id
    await _call(invite, "set_dialog_open", False)
    assert not invite.dialog_open
    await _call(invite, "start", acc.id)  # reopened: a fresh form, not the previous link
    assert invite.link == ""
    await _call(invite, "start", 10**6)
    assert accounts.errors == {"": "Nicht gefunden."}


def test_every_account_state_has_a_label():
    for state in (operator.ACTIVE, entitlement.INACTIVE, entitlement.TRIAL_EXPIRED):
        for locale in SUPPORTED_LOCALES:
            assert f"operator.state.{state}" in catalog(locale)
