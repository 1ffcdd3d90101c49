"""The user menu's account switch moves this tab's session into another of the user's accounts."""

import pytest
from sqlmodel import Session

from kiko_livechat.models import Role
from kiko_livechat.services import auth, invitations
from kiko_livechat.services.errors import AuthFailed
from kiko_livechat.state.session import SessionState
from tests import factories
from tests.integration.state.states import state_for


def test_switching_between_own_accounts_and_not_into_others(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        first = factories.account(db, name="Erste GmbH")
        second = factories.account(db, name="Zweite GmbH")
        foreign = factories.account(db, name="Fremd AG")
        person = factories.user(db, first.id)
        admin_second = factories.actor(db, second.id, role=Role.ADMINISTRATOR)
        link = invitations.invite_agent(db, actor=admin_second, email=person.email, name="P").link
        invitations.accept_invitation(db, token=link.rsplit("/", 1)[1], name="P", password=factories.PASSWORD)
        token = factories.login(db, person).token
    state = state_for(SessionState, token)
    state.require_login()
    assert state.account_name == "Erste GmbH"
    assert {m["name"] for m in state.memberships} == {"Erste GmbH", "Zweite GmbH"}

    assert "/app/inbox" in repr(state.switch_account(str(second.id)))
    assert (state.account_name, state.account_id) == ("Zweite GmbH", second.id)
    with Session(app_db) as db:
        assert auth.resolve_session(db, token=token).account_id == second.id

    for target in (str(foreign.id), "999999", "abc", ""):
        assert state.switch_account(target) is None
        assert state.account_id == second.id


def test_a_live_update_trusts_a_session_checked_moments_ago_and_a_handler_never_does(app_db, monkeypatch):
    """Issue 14: a handoff's update reaches every agent's tab at once; during it a session this
    worker checked less than DELIVERY_SESSION_SECONDS ago is not read again. Handlers always
    read it, so a signed-out session fails there at once."""
    from kiko_livechat.state import live, session
    from tests.statements import counted

    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        ben = factories.login(db, factories.user(db, acc.id, role=Role.AGENT))
    tab = state_for(SessionState, ben.token)
    with tab._as_actor() as (_, actor):  # a handler: read
        assert actor.user_id == ben.actor.user_id
    with live.delivering_event(live.note_heard()), counted(app_db) as statements:
        with tab._as_actor() as (_, actor):
            assert actor.user_id == ben.actor.user_id
    assert statements == []
    with Session(app_db) as db:
        auth.logout(db, token=ben.token)
    with pytest.raises(AuthFailed), tab._as_actor():  # a handler reads it: gone
        pass
    monkeypatch.setattr(session, "DELIVERY_SESSION_SECONDS", 0.0)  # and a live update once it is old
    with pytest.raises(AuthFailed), live.delivering_event(live.note_heard()), tab._as_actor():
        pass
