"""Contacts through the services the bot API uses."""

import pytest

from kiko_livechat.models import Role
from kiko_livechat.services import api_access, contacts, inboxes
from kiko_livechat.services.errors import AuthFailed, NotFound, ValidationFailed
from tests import factories


@pytest.fixture
def bot(db):
    acc = factories.account(db)
    admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    created = inboxes.create_api_inbox(db, actor=admin, name="Kiko Bot")
    return acc, admin, created.inbox.inbox_id, api_access.resolve_api_token(db, token=created.api_token)


def test_a_bot_token_is_a_bot_of_its_inbox_and_user_tokens_act_as_the_user(db, bot):
    acc, admin, inbox_id, actor = bot
    assert (actor.is_bot, actor.bot_inbox_id, actor.account_id) == (True, inbox_id, acc.id)
    personal = api_access.issue_personal_token(db, actor=admin)
    assert api_access.resolve_api_token(db, token=personal).user_id == admin.user_id
    newer = api_access.issue_personal_token(db, actor=admin)
    for token in (personal, "", None, "x" * 300, "unknown"):
        with pytest.raises(AuthFailed):
            api_access.resolve_api_token(db, token=token)
    assert api_access.resolve_api_token(db, token=newer).role == "administrator"


def test_create_with_source_id_search_and_merge_update(db, bot):
    acc, admin, inbox_id, actor = bot
    created, identity = contacts.create_contact(
        db, actor=actor, name="Erika Muster", email="Erika@Example.org", inbox_id=inbox_id, source_id="bot-user-1",
        custom_attributes={"plan": "gold"},
    )  # fmt: skip
    assert (created.email, identity.source_id) == ("erika@example.org", "bot-user-1")
    with pytest.raises(ValidationFailed) as refused:
        contacts.create_contact(db, actor=actor, name="Twin", inbox_id=inbox_id, source_id="bot-user-1")
    assert refused.value.code == "contacts.error.source_taken"
    updated = contacts.update_contact(
        db, actor=actor, contact_id=created.contact_id, changes={"custom_attributes": {"city": "Köln"}}
    )
    assert updated.custom_attributes == {"plan": "gold", "city": "Köln"}
    found, total = contacts.search_contacts(db, actor=actor, q="erika")
    assert total == 1 and found[0].contact_id == created.contact_id
    for bad in ({"email": "nope"}, {"phone_number": "call me"}, {"custom_attributes": "x"}, {"name": "n" * 256}):
        with pytest.raises(ValidationFailed):
            contacts.update_contact(db, actor=actor, contact_id=created.contact_id, changes=bad)
        db.rollback()
    assert contacts.get_contact(db, actor=actor, contact_id=created.contact_id).name == "Erika Muster"


def test_inbox_and_contact_ids_of_other_accounts_are_not_found(db, bot):
    acc, admin, inbox_id, actor = bot
    other = factories.account(db)
    other_admin = factories.actor(db, other.id, role=Role.ADMINISTRATOR)
    foreign_inbox = inboxes.create_api_inbox(db, actor=other_admin, name="Fremd")
    foreign_contact, _ = contacts.create_contact(db, actor=other_admin, name="Fremd")
    web = factories.inbox(db, acc.id)  # the bot's own account, but not its inbox
    for inbox in (foreign_inbox.inbox.inbox_id, web.id, 10**12):
        with pytest.raises(NotFound):
            contacts.create_contact(db, actor=actor, name="X", inbox_id=inbox)
        with pytest.raises(NotFound):
            contacts.contact_inbox_for(db, actor=actor, inbox_id=inbox, contact_id=foreign_contact.contact_id)
    for call in (
        lambda: contacts.get_contact(db, actor=actor, contact_id=foreign_contact.contact_id),
        lambda: contacts.update_contact(db, actor=actor, contact_id=foreign_contact.contact_id, changes={"name": "x"}),
        lambda: contacts.contact_inbox_for(db, actor=actor, inbox_id=inbox_id, contact_id=foreign_contact.contact_id),
    ):
        with pytest.raises(NotFound):
            call()
