"""Administrators manage the agents of their account."""

from datetime import timedelta

import pytest
from sqlmodel import select

from kiko_livechat.models import Conversation, Message, Role, User
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import agents, auth, presence
from kiko_livechat.services.errors import AuthFailed, NotFound, ValidationFailed
from kiko_livechat.settings import get_settings
from tests import factories


@pytest.fixture
def team(db):
    acc = factories.account(db, name="Acme")
    admin_user = factories.user(db, acc.id, role=Role.ADMINISTRATOR)
    admin = factories.login(db, admin_user).actor
    ben = factories.user(db, acc.id)
    clara = factories.user(db, acc.id)
    return acc, admin, ben, clara


def test_list_shows_role_availability_and_last_seen(db, team):
    acc, admin, ben, clara = team
    ben_actor = factories.login(db, ben).actor
    presence.heartbeat(db, actor=ben_actor)
    from kiko_livechat.services import profile

    profile.set_availability(db, actor=ben_actor, availability="busy")
    rows = {row.user_id: row for row in agents.list_agents(db, actor=admin)}
    assert rows[ben.id].availability == "busy"
    assert rows[ben.id].last_seen_at is not None
    assert rows[clara.id].availability == "offline"  # never had a tab open
    assert rows[admin.user_id].role == Role.ADMINISTRATOR


def test_an_agent_whose_tabs_are_all_closed_shows_offline_after_the_grace_period(db, team):
    acc, admin, ben, _ = team
    ben_actor = factories.login(db, ben).actor
    from kiko_livechat.services import profile

    profile.set_availability(db, actor=ben_actor, availability="online")
    grace = get_settings().presence_grace_seconds
    start = utcnow()
    presence.heartbeat(db, actor=ben_actor, now=start)

    def shown(now):
        return {r.user_id: r for r in agents.list_agents(db, actor=admin, now=now)}[ben.id].availability

    assert shown(start + timedelta(seconds=grace - 1)) == "online"
    assert shown(start + timedelta(seconds=grace + 1)) == "offline"
    # Opening a tab again brings back the status they chose.
    presence.heartbeat(db, actor=ben_actor, now=start + timedelta(seconds=grace + 5))
    assert shown(start + timedelta(seconds=grace + 6)) == "online"


def test_change_role_and_the_last_administrator_stays(db, team):
    acc, admin, ben, _ = team
    agents.change_role(db, actor=admin, user_id=ben.id, role="administrator")
    assert factories.membership(db, acc.id, ben.id).role == "administrator"
    agents.change_role(db, actor=admin, user_id=ben.id, role="agent")
    with pytest.raises(ValidationFailed) as refused:
        agents.change_role(db, actor=admin, user_id=admin.user_id, role="agent")
    assert refused.value.code == "agents.error.last_admin"
    assert factories.membership(db, acc.id, admin.user_id).role == "administrator"
    with pytest.raises(ValidationFailed):
        agents.change_role(db, actor=admin, user_id=ben.id, role="owner")


def test_deactivation_ends_the_sessions_at_once_and_reactivation_lets_them_back(db, team):
    acc, admin, ben, _ = team
    token = factories.login(db, ben).token
    agents.deactivate_agent(db, actor=admin, user_id=ben.id)
    with pytest.raises(AuthFailed):
        auth.resolve_session(db, token=token)
    with pytest.raises(AuthFailed):
        factories.login(db, ben)
    rows = {row.user_id: row for row in agents.list_agents(db, actor=admin)}
    assert rows[ben.id].is_active is False
    agents.reactivate_agent(db, actor=admin, user_id=ben.id)
    assert auth.resolve_session(db, token=factories.login(db, ben).token).user_id == ben.id


def test_deactivation_never_drops_open_conversations_silently(db, team):
    acc, admin, ben, clara = team
    inbox = factories.inbox(db, acc.id)
    contact = factories.contact(db, acc.id)
    open_one = factories.conversation(db, acc.id, inbox.id, contact.id)
    resolved = factories.conversation(db, acc.id, inbox.id, contact.id, status="resolved")
    for conv in (open_one, resolved):
        conv.assignee_id = ben.id
        db.add(conv)
    db.commit()

    listed = agents.open_conversations(db, actor=admin, user_id=ben.id)
    assert [c.conversation_id for c in listed] == [open_one.id]
    with pytest.raises(ValidationFailed) as refused:
        agents.deactivate_agent(db, actor=admin, user_id=ben.id)
    assert refused.value.code == "agents.error.open_conversations" and refused.value.params == {"count": 1}
    assert factories.membership(db, acc.id, ben.id).is_active

    moved = agents.deactivate_agent(db, actor=admin, user_id=ben.id, reassign_to_id=clara.id)
    assert moved == 1
    db.expire_all()
    assert db.get(Conversation, open_one.id).assignee_id == clara.id
    assert db.get(Conversation, resolved.id).assignee_id == ben.id  # history stays as it was
    line = db.exec(select(Message).where(Message.conversation_id == open_one.id)).one()
    assert line.message_type == "activity"
    assert line.content_attributes == {
        "activity": "activity.assigned",
        "params": {"actor": db.get(User, admin.user_id).name, "assignee": clara.name},
    }


def test_explicit_unassign_and_bad_successors(db, team):
    acc, admin, ben, clara = team
    inbox = factories.inbox(db, acc.id)
    conv = factories.conversation(db, acc.id, inbox.id, factories.contact(db, acc.id).id)
    conv.assignee_id = ben.id
    db.add(conv)
    db.commit()
    other = factories.account(db)
    stranger = factories.user(db, other.id)
    for bad in (ben.id, stranger.id, 10**12):
        with pytest.raises((ValidationFailed, NotFound)):
            agents.deactivate_agent(db, actor=admin, user_id=ben.id, reassign_to_id=bad)
        db.rollback()
    assert factories.membership(db, acc.id, ben.id).is_active
    agents.deactivate_agent(db, actor=admin, user_id=ben.id, unassign=True)
    db.expire_all()
    assert db.get(Conversation, conv.id).assignee_id is None


def test_nobody_deactivates_themselves_or_the_last_administrator(db, team):
    acc, admin, ben, _ = team
    with pytest.raises(ValidationFailed) as refused:
        agents.deactivate_agent(db, actor=admin, user_id=admin.user_id)
    assert refused.value.code == "agents.error.deactivate_self"
    agents.change_role(db, actor=admin, user_id=ben.id, role="administrator")
    ben_admin = factories.login(db, ben).actor
    agents.deactivate_agent(db, actor=ben_admin, user_id=admin.user_id)
    # Ben is now the only active administrator: nobody can take that away.
    with pytest.raises(ValidationFailed):
        agents.change_role(db, actor=ben_admin, user_id=ben.id, role="agent")
