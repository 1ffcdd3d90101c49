"""Dashboard read models: counts, visibility of inboxes for agents, contact pagination."""

from kiko_livechat.models import Role
from kiko_livechat.services import overview
from tests import factories


def test_agents_see_only_inboxes_they_work_and_admins_see_all(db):
    acc = factories.account(db)
    admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    agent = factories.actor(db, acc.id)
    mine = factories.inbox(db, acc.id, agent_ids=[agent.user_id])
    other = factories.inbox(db, acc.id)
    contact = factories.contact(db, acc.id)
    factories.conversation(db, acc.id, mine.id, contact.id, status="open")
    factories.conversation(db, acc.id, mine.id, contact.id, status="pending")
    factories.conversation(db, acc.id, other.id, contact.id, status="open")
    factories.conversation(db, acc.id, other.id, contact.id, status="resolved")

    agent_view = overview.inbox_summaries(db, actor=agent)
    assert [(s.inbox_id, s.open_count, s.pending_count) for s in agent_view] == [(mine.id, 1, 1)]
    assert {s.inbox_id for s in overview.inbox_summaries(db, actor=admin)} == {mine.id, other.id}
    assert overview.status_counts(db, actor=agent) == {"open": 1, "pending": 1, "resolved": 0, "snoozed": 0}
    assert overview.status_counts(db, actor=admin) == {"open": 2, "pending": 1, "resolved": 1, "snoozed": 0}


def test_contacts_are_paginated(db):
    acc = factories.account(db)
    actor = factories.actor(db, acc.id)
    for i in range(30):
        factories.contact(db, acc.id, name=f"Kontakt {i}")
    first = overview.list_contacts(db, actor=actor, page=1)
    second = overview.list_contacts(db, actor=actor, page=2)
    assert (len(first.rows), first.total, first.has_next) == (25, 30, True)
    assert (len(second.rows), second.has_next) == (5, False)
    assert not {r.contact_id for r in first.rows} & {r.contact_id for r in second.rows}
    assert overview.list_contacts(db, actor=actor, page="evil").page == 1
