"""The user menu's account switch moves this tab's session into another of the user's accounts."""

from sqlmodel import Session

from kiko_livechat.models import Role
from kiko_livechat.services import auth, invitations
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
