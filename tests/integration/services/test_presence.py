"""Issue 11, item 2: whether anybody is online in an inbox, and the visitors of an inbox told at
once when an agent chooses another availability."""

from datetime import timedelta

import pytest

from kiko_livechat.models import Role, User
from kiko_livechat.models.base import utcnow
from kiko_livechat.realtime import events
from kiko_livechat.realtime.bus import get_bus
from kiko_livechat.services import presence, profile
from tests import factories


@pytest.fixture
def published(monkeypatch):
    sent = []
    monkeypatch.setattr(get_bus(), "publish", sent.append)
    return sent


def _seen(db, user_id: int, ago: timedelta) -> None:
    user = db.get(User, user_id)
    user.last_seen_at = utcnow() - ago
    db.add(user)
    db.commit()


def test_an_inbox_is_online_while_an_agent_who_chose_online_has_a_tab_open(db):
    acc = factories.active_account(db)
    agent = factories.actor(db, acc.id)
    inbox = factories.inbox(db, acc.id, agent_ids=[agent.user_id])
    other_inbox = factories.inbox(db, acc.id)
    _seen(db, agent.user_id, timedelta(seconds=1))
    assert not presence.inbox_online(db, inbox_id=inbox.id)  # chose nothing yet: offline
    profile.set_availability(db, actor=agent, availability="online")
    assert presence.inbox_online(db, inbox_id=inbox.id)
    assert not presence.inbox_online(db, inbox_id=other_inbox.id)  # not a member there
    _seen(db, agent.user_id, timedelta(hours=1))  # every tab closed
    assert not presence.inbox_online(db, inbox_id=inbox.id)


def test_a_chosen_availability_reaches_the_visitors_of_each_inbox_of_the_agent(db, published):
    acc = factories.active_account(db)
    agent = factories.actor(db, acc.id, role=Role.AGENT)
    colleague = factories.actor(db, acc.id, role=Role.AGENT)
    shop = factories.inbox(db, acc.id, agent_ids=[agent.user_id, colleague.user_id])
    support = factories.inbox(db, acc.id, agent_ids=[agent.user_id])
    factories.inbox(db, acc.id, agent_ids=[colleague.user_id])  # not the agent's: hears nothing
    for user_id in (agent.user_id, colleague.user_id):
        _seen(db, user_id, timedelta(seconds=1))
    profile.set_availability(db, actor=colleague, availability="online")
    published.clear()

    profile.set_availability(db, actor=agent, availability="online")
    assert {(e.kind, e.inbox_id, e.detail["online"]) for e in published} == {
        (events.PRESENCE, shop.id, True),
        (events.PRESENCE, support.id, True),
    }
    assert {(e.account_id, e.conversation_id) for e in published} == {(acc.id, 0)}
    published.clear()
    profile.set_availability(db, actor=agent, availability="online")  # no change: nobody is told
    assert published == []
    profile.set_availability(db, actor=agent, availability="busy")
    # The colleague is still online in the shop inbox; in support nobody is left.
    assert {(e.inbox_id, e.detail["online"]) for e in published} == {(shop.id, True), (support.id, False)}
