"""Teams: administrators manage them, agents see their own."""

import pytest
from sqlmodel import select

from kiko_livechat.models import Role, Team
from kiko_livechat.services import agents, teams
from kiko_livechat.services.errors import NotFound, ValidationFailed
from tests import factories


@pytest.fixture
def setup(db):
    acc = factories.account(db)
    admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    ben, clara = factories.user(db, acc.id), factories.user(db, acc.id)
    return acc, admin, ben, clara


def test_create_rename_members_and_delete(db, setup):
    acc, admin, ben, clara = setup
    team_id = teams.create_team(db, actor=admin, name="Support", description="Erste Hilfe", allow_auto_assign=True)
    teams.add_team_member(db, actor=admin, team_id=team_id, user_id=ben.id)
    teams.add_team_member(db, actor=admin, team_id=team_id, user_id=ben.id)  # twice is harmless
    teams.add_team_member(db, actor=admin, team_id=team_id, user_id=clara.id)
    teams.update_team(db, actor=admin, team_id=team_id, name="Kundendienst", description="", allow_auto_assign=False)
    (view,) = teams.list_teams(db, actor=admin)
    assert (view.name, view.description, view.allow_auto_assign) == ("Kundendienst", "", False)
    assert {m.user_id for m in view.members} == {ben.id, clara.id}
    teams.remove_team_member(db, actor=admin, team_id=team_id, user_id=clara.id)
    assert [m.user_id for m in teams.list_teams(db, actor=admin)[0].members] == [ben.id]
    teams.delete_team(db, actor=admin, team_id=team_id)
    assert teams.list_teams(db, actor=admin) == []


def test_agents_see_only_their_teams(db, setup):
    acc, admin, ben, clara = setup
    mine = teams.create_team(db, actor=admin, name="Mine")
    teams.create_team(db, actor=admin, name="Other")
    teams.add_team_member(db, actor=admin, team_id=mine, user_id=ben.id)
    ben_actor = factories.login(db, ben).actor
    assert [t.name for t in teams.list_teams(db, actor=ben_actor)] == ["Mine"]
    assert len(teams.list_teams(db, actor=admin)) == 2


def test_names_are_unique_per_account_and_bad_input_changes_nothing(db, setup):
    acc, admin, ben, _ = setup
    teams.create_team(db, actor=admin, name="Support")
    with pytest.raises(ValidationFailed) as refused:
        teams.create_team(db, actor=admin, name=" support ")
    assert (refused.value.code, refused.value.field) == ("error.name_taken", "name")
    with pytest.raises(ValidationFailed):
        teams.create_team(db, actor=admin, name="Sales", description="x" * 501)
    assert len(db.exec(select(Team)).all()) == 1
    other = factories.account(db)
    other_admin = factories.actor(db, other.id, role=Role.ADMINISTRATOR)
    teams.create_team(db, actor=other_admin, name="Support")  # another account may use the name


def test_only_active_members_of_the_account_join(db, setup):
    acc, admin, ben, clara = setup
    team_id = teams.create_team(db, actor=admin, name="Support")
    stranger = factories.user(db, factories.account(db).id)
    agents.deactivate_agent(db, actor=admin, user_id=clara.id)
    for user_id in (stranger.id, clara.id, 10**12, "1"):
        with pytest.raises(NotFound):
            teams.add_team_member(db, actor=admin, team_id=team_id, user_id=user_id)
    assert teams.list_teams(db, actor=admin)[0].members == ()
