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


def test_the_directory_searches_name_email_phone_identifier_and_company(db):
    from kiko_livechat.models import Contact

    acc = factories.active_account(db)
    actor = factories.actor(db, acc.id)
    db.add(Contact(account_id=acc.id, name="Jürgen Größe", email="j@beispiel.de", phone_number="+491711234567",
                   identifier="K-100", additional_attributes={"company_name": "Bäckerei Sonnenschein"}))  # fmt: skip
    db.add(Contact(account_id=acc.id, name="Erika", email="erika@beispiel.de"))
    db.add(Contact(account_id=acc.id, name="Percent 100%_", email="p@beispiel.de"))
    db.commit()

    def names(q):
        return sorted(r.name for r in overview.list_contacts(db, actor=actor, q=q).rows)

    assert names("größe") == names("J@BEISPIEL") == names("171123") == names("k-100") == ["Jürgen Größe"]
    assert names("sonnenschein") == ["Jürgen Größe"]
    assert names("100%_") == ["Percent 100%_"]  # % and _ are text, not wildcards
    assert len(names("")) == 3 and names("niemand") == []
    other = factories.actor(db, factories.active_account(db).id)
    assert overview.list_contacts(db, actor=other, q="größe").total == 0
