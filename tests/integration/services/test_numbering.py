"""Conversation numbers (services/numbering.py): unique and in order per account; on PostgreSQL
a transaction holding a fresh number does not hold up the account's next conversation."""

import threading

import pytest
from sqlmodel import Session

from kiko_livechat.models import Account, ContactInbox, ConversationStatus, Inbox
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import changes, conversations
from tests import factories


def _parts(db):
    acc = factories.active_account(db)
    inbox = factories.inbox(db, acc.id)
    contact = factories.contact(db, acc.id)
    identity = ContactInbox(account_id=acc.id, contact_id=contact.id, inbox_id=inbox.id, source_id="s")
    db.add(identity)
    db.commit()
    return acc.id, inbox.id, identity.id


def _open(engine, inbox_id, identity_id, commit=True):
    session = Session(engine, expire_on_commit=False)
    conversation = conversations.open_conversation(
        session, inbox=session.get(Inbox, inbox_id), contact_inbox=session.get(ContactInbox, identity_id),
        now=utcnow(), status=ConversationStatus.PENDING,
    )  # fmt: skip
    if commit:
        changes.commit(session)
        session.close()
    return conversation.display_id, session


def test_numbers_at_the_same_moment_are_unique_and_in_order(db, engine):
    account_id, inbox_id, identity_id = _parts(db)
    numbers = []

    def opener():
        for _ in range(5):
            numbers.append(_open(engine, inbox_id, identity_id)[0])

    threads = [threading.Thread(target=opener) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == list(range(1, 21))


def test_a_transaction_holding_a_number_does_not_hold_up_the_next(db, engine):
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite has one writer at a time: the second conversation waits for the first anyway")
    account_id, inbox_id, identity_id = _parts(db)
    first, open_session = _open(engine, inbox_id, identity_id, commit=False)
    found = []
    second = threading.Thread(target=lambda: found.append(_open(engine, inbox_id, identity_id)[0]))
    second.start()
    second.join(timeout=5)
    done = not second.is_alive()
    open_session.rollback()  # the first one fails after all: its number stays unused (a gap)
    open_session.close()
    second.join()
    assert done, "the second conversation waited for the first transaction's end"
    assert (first, found) == (1, [2])


def test_an_account_made_in_the_same_transaction_numbers_inside_it(engine):
    with Session(engine, expire_on_commit=False) as db:
        acc = Account(name="Neu", locale="de", livechat_active=True)
        db.add(acc)
        db.flush()
        inbox = Inbox(account_id=acc.id, name="Web", channel_type="web_widget", public_token="t-neu", hmac_secret="h")
        contact = factories.Contact(account_id=acc.id, name="E")
        db.add_all([inbox, contact])
        db.flush()
        identity = ContactInbox(account_id=acc.id, contact_id=contact.id, inbox_id=inbox.id, source_id="s")
        db.add(identity)
        db.flush()
        conversation = conversations.open_conversation(
            db, inbox=inbox, contact_inbox=identity, now=utcnow(), status=ConversationStatus.PENDING
        )
        changes.commit(db)
        assert conversation.display_id == 1
