"""Every administration service refuses an agent of the account and an administrator of another
account, on the server, and changes nothing. New admin functions must be added to ADMIN_CALLS."""

import json

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from kiko_livechat.models import Role
from kiko_livechat.services import agents, inboxes, invitations, teams
from kiko_livechat.services.errors import NotFound, PermissionDenied
from tests import factories

# name -> function(target) returning keyword arguments aimed at account A's objects.
ADMIN_CALLS = {
    "agents.list_agents": (agents.list_agents, lambda t: {}),
    "agents.change_role": (agents.change_role, lambda t: {"user_id": t["agent_id"], "role": "administrator"}),
    "agents.open_conversations": (agents.open_conversations, lambda t: {"user_id": t["agent_id"]}),
    "agents.deactivate_agent": (agents.deactivate_agent, lambda t: {"user_id": t["agent_id"], "unassign": True}),
    "agents.reactivate_agent": (agents.reactivate_agent, lambda t: {"user_id": t["agent_id"]}),
    "invitations.invite_agent": (invitations.invite_agent, lambda t: {"email": "new@example.org", "name": "New"}),
    "invitations.list_invitations": (invitations.list_invitations, lambda t: {}),
    "invitations.revoke_invitation": (invitations.revoke_invitation, lambda t: {"invitation_id": t["invitation_id"]}),
    "invitations.resend_invitation": (invitations.resend_invitation, lambda t: {"invitation_id": t["invitation_id"]}),
    "teams.create_team": (teams.create_team, lambda t: {"name": "Intruders"}),
    "teams.update_team": (
        teams.update_team,
        lambda t: {"team_id": t["team_id"], "name": "Hacked", "description": "", "allow_auto_assign": False},
    ),
    "teams.delete_team": (teams.delete_team, lambda t: {"team_id": t["team_id"]}),
    "teams.add_team_member": (teams.add_team_member, lambda t: {"team_id": t["team_id"], "user_id": t["agent_id"]}),
    "teams.remove_team_member": (
        teams.remove_team_member,
        lambda t: {"team_id": t["team_id"], "user_id": t["member_id"]},
    ),
    "inboxes.list_inboxes": (inboxes.list_inboxes, lambda t: {}),
    "inboxes.get_inbox_settings": (inboxes.get_inbox_settings, lambda t: {"inbox_id": t["inbox_id"]}),
    "inboxes.create_web_inbox": (inboxes.create_web_inbox, lambda t: {"name": "Intruder web"}),
    "inboxes.create_api_inbox": (inboxes.create_api_inbox, lambda t: {"name": "Intruder bot"}),
    "inboxes.update_inbox": (inboxes.update_inbox, lambda t: {"inbox_id": t["inbox_id"], "name": "Hacked"}),
    "inboxes.regenerate_api_token": (inboxes.regenerate_api_token, lambda t: {"inbox_id": t["inbox_id"]}),
}
# Creating in one's own account is fine for an administrator of B; it must not touch account A.
CREATES = {
    "invitations.invite_agent",
    "teams.create_team",
    "inboxes.create_web_inbox",
    "inboxes.create_api_inbox",
    "invitations.list_invitations",
    "inboxes.list_inboxes",
    "agents.list_agents",
}


def test_every_admin_service_is_in_the_table():
    import inspect

    for module in (agents, inboxes, invitations, teams):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            if "actor" in inspect.signature(fn).parameters and name != "list_teams":
                assert f"{module.__name__.rsplit('.', 1)[1]}.{name}" in ADMIN_CALLS, name


def _snapshot(db, account_id: int) -> str:
    tables = [t for t in SQLModel.metadata.sorted_tables if "account_id" in t.c]
    return json.dumps(
        {
            t.name: [list(map(str, r)) for r in db.execute(sa.select(t).where(t.c.account_id == account_id))]
            for t in tables
        }
    )


@pytest.fixture
def target(db):
    a = factories.account(db, name="A")
    admin_a = factories.actor(db, a.id, role=Role.ADMINISTRATOR)
    agent_user = factories.user(db, a.id)
    member = factories.user(db, a.id)
    team_id = teams.create_team(db, actor=admin_a, name="Team A")
    teams.add_team_member(db, actor=admin_a, team_id=team_id, user_id=member.id)
    api = inboxes.create_api_inbox(db, actor=admin_a, name="Bot A")
    invitation = invitations.invite_agent(db, actor=admin_a, email="pending@example.org", name="P")
    b = factories.account(db, name="B")
    return {
        "account_id": a.id,
        "agent": factories.login(db, agent_user).actor,
        "admin_b": factories.actor(db, b.id, role=Role.ADMINISTRATOR),
        "agent_id": agent_user.id,
        "member_id": member.id,
        "team_id": team_id,
        "inbox_id": api.inbox.inbox_id,
        "invitation_id": invitation.invitation_id,
    }


@pytest.mark.parametrize("name", sorted(ADMIN_CALLS))
def test_an_agent_is_refused_and_nothing_changes(db, target, name):
    fn, kwargs = ADMIN_CALLS[name]
    before = _snapshot(db, target["account_id"])
    with pytest.raises(PermissionDenied):
        fn(db, actor=target["agent"], **kwargs(target))
    db.rollback()
    assert _snapshot(db, target["account_id"]) == before


@pytest.mark.parametrize("name", sorted(ADMIN_CALLS))
def test_another_accounts_administrator_reaches_nothing(db, target, name):
    fn, kwargs = ADMIN_CALLS[name]
    before = _snapshot(db, target["account_id"])
    if name in CREATES:
        result = fn(db, actor=target["admin_b"], **kwargs(target))
        assert "pending@example.org" not in repr(result) and "Bot A" not in repr(result)
    else:
        with pytest.raises(NotFound):
            fn(db, actor=target["admin_b"], **kwargs(target))
    db.rollback()
    assert _snapshot(db, target["account_id"]) == before
