"""A contact's page: details and conversations; editing with unique e-mail and identifier and
the phone in E.164; blocking, which the widget honours."""

import pytest

from kiko_livechat.models import Contact, Conversation, Role
from kiko_livechat.services import contact_page, visitor_chat
from kiko_livechat.services.errors import NotFound, ValidationFailed
from tests import factories


@pytest.fixture
def desk(db):
    acc = factories.active_account(db)
    agent = factories.login(db, factories.user(db, acc.id)).actor
    shop = factories.inbox(db, acc.id, agent_ids=[agent.user_id])
    visitor = factories.visitor_token()
    sent = visitor_chat.send_visitor_message(db, public_token=shop.public_token, visitor_token=visitor, content="Hi")
    contact_id = db.get(Conversation, sent.conversation_id).contact_id
    return acc, agent, shop, visitor, contact_id


def _edit(db, agent, contact_id, **fields):
    values = {"name": "Jürgen Größe", "email": "", "phone_number": "", "identifier": "", **fields}
    return contact_page.edit_contact(db, actor=agent, contact_id=contact_id, **values)


def test_details_with_conversations_and_an_edit_in_the_accounts_country(db, desk):
    acc, agent, shop, visitor, contact_id = desk
    detail = contact_page.contact_detail(db, actor=agent, contact_id=contact_id)
    assert [(c.status, c.inbox_name) for c in detail.conversations] == [("open", shop.name)]
    saved = _edit(db, agent, contact_id, email=" Juergen@Beispiel.DE ", phone_number="0171 1234567",
                  identifier="K-00123", company="Bäckerei Größe", city="Köln")  # fmt: skip
    assert (saved.email, saved.phone_number, saved.identifier) == ("juergen@beispiel.de", "+491711234567", "K-00123")
    assert saved.additional_attributes == {"company_name": "Bäckerei Größe", "city": "Köln"}
    cleared = _edit(db, agent, contact_id, city="Köln")  # the form sends every field; empty ones empty it
    assert cleared.additional_attributes == {"city": "Köln"}
    assert cleared.email is None and cleared.phone_number is None


def test_email_and_identifier_are_the_accounts_only_ones_and_the_phone_must_dial(db, desk):
    acc, agent, shop, visitor, contact_id = desk
    db.add(Contact(account_id=acc.id, name="Andere", email="vergeben@beispiel.de", identifier="K-1"))
    db.commit()
    for fields, code in (
        ({"email": "VERGEBEN@beispiel.de"}, "contacts.error.email_taken"),
        ({"identifier": "K-1"}, "contacts.error.identifier_taken"),
        ({"phone_number": "12ab"}, "contacts.error.phone_number"),
        ({"email": "keine-mail"}, None),
    ):
        with pytest.raises(ValidationFailed) as refused:
            _edit(db, agent, contact_id, **fields)
        assert code is None or refused.value.code == code
    # Another account's contact with the same address is no obstacle; its contacts are not reachable.
    other = factories.active_account(db)
    db.add(Contact(account_id=other.id, name="Fremd", email="frei@beispiel.de"))
    db.commit()
    assert _edit(db, agent, contact_id, email="frei@beispiel.de").email == "frei@beispiel.de"
    stranger = factories.actor(db, other.id, role=Role.ADMINISTRATOR)
    with pytest.raises(NotFound):
        contact_page.contact_detail(db, actor=stranger, contact_id=contact_id)
    with pytest.raises(NotFound):
        _edit(db, stranger, contact_id)
    with pytest.raises(NotFound):
        contact_page.set_blocked(db, actor=stranger, contact_id=contact_id, blocked=True)


def test_a_blocked_contacts_widget_messages_are_refused_politely(db, desk):
    acc, agent, shop, visitor, contact_id = desk
    contact_page.set_blocked(db, actor=agent, contact_id=contact_id, blocked=True)
    with pytest.raises(ValidationFailed) as refused:
        visitor_chat.send_visitor_message(db, public_token=shop.public_token, visitor_token=visitor, content="Hallo?")
    assert refused.value.code == "widget.error.blocked"
    contact_page.set_blocked(db, actor=agent, contact_id=contact_id, blocked=False)
    visitor_chat.send_visitor_message(db, public_token=shop.public_token, visitor_token=visitor, content="Hallo?")
