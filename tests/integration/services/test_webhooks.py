"""Webhooks to the bot: written with the change, sent signed, retried, never private notes,
and after the handoff no visitor messages (unless the inbox keeps Chatwoot's behaviour)."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from kiko_livechat import db as db_module
from kiko_livechat.models import Inbox, Role, WebhookDelivery, WebhookTarget
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import api_access, api_chat, contacts, conversations, inboxes, webhooks
from kiko_livechat.services.errors import NotFound, PermissionDenied, ValidationFailed
from tests import factories
from tests.delivery_workers import run_delivery_workers


@pytest.fixture
def receiver(receivers):
    return receivers()


@pytest.fixture
def bot(app_db, receiver):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
        created = inboxes.create_api_inbox(db, actor=admin, name="Kiko Bot", webhook_url=receiver.url)
        actor = api_access.resolve_api_token(db, token=created.api_token)
    return app_db, admin, actor, created.inbox.inbox_id


def _deliver_all() -> None:
    """Run the delivery worker until every delivery was tried and nothing is due any more."""

    def done() -> bool:
        with Session(db_module.get_engine()) as db:
            now = utcnow()
            # Due ones first: one claimed after this query keeps its target busy until it is
            # recorded, so the second query still sees it.
            due = db.exec(select(WebhookDelivery).where(WebhookDelivery.status == "pending",
                                                        WebhookDelivery.next_attempt_at <= now)).all()  # fmt: skip
            sending = db.exec(select(WebhookTarget).where(WebhookTarget.busy_until > now)).all()
            return not due and not sending

    run_delivery_workers(done)


def _handoff(db, actor, inbox_id):
    contacts.create_contact(db, actor=actor, name="Erika", inbox_id=inbox_id, source_id="tg-1")
    conv = api_chat.create_conversation(db, actor=actor, inbox_id=inbox_id, source_id="tg-1")
    api_chat.create_message(db, actor=actor, display_id=conv.display_id, content="Hilfe", message_type="incoming")
    api_chat.create_message(db, actor=actor, display_id=conv.display_id, content="Moment", message_type="outgoing")
    conversations.set_status(db, actor=actor, conversation_id=conv.id, status="open")
    return conv


def test_signed_chatwoot_shaped_events_and_no_visitor_messages_after_the_handoff(bot, receiver):
    engine, admin, actor, inbox_id = bot
    with Session(engine, expire_on_commit=False) as db:
        conv = _handoff(db, actor, inbox_id)
        conversations.send_reply(db, actor=admin, conversation_id=conv.id, content="Notiz", private=True)
        conversations.send_reply(db, actor=admin, conversation_id=conv.id, content="Hallo, hier Anna!")
        api_chat.create_message(db, actor=actor, display_id=conv.display_id, content="Danke", message_type="incoming")
        conversations.set_status(db, actor=admin, conversation_id=conv.id, status="pending")  # back to the bot
    _deliver_all()
    assert receiver.events() == [
        "contact_created",
        "conversation_created",
        "message_created",  # the visitor's "Hilfe" while the bot held it; the bot's own line is not echoed
        "conversation_status_changed",  # the handoff
        "message_created",  # the agent's reply goes to the bot to deliver; the note does not
        "conversation_status_changed",  # handed back
    ]
    bodies = [json.loads(body) for _, body in receiver.calls]
    assert [b["content"] for b in bodies if b["event"] == "message_created"] == ["Hilfe", "Hallo, hier Anna!"]
    reply = bodies[4]
    assert (reply["message_type"], reply["private"], reply["conversation"]["id"]) == (
        "outgoing",
        False,
        conv.display_id,
    )
    assert bodies[-1]["status"] == "pending"
    with Session(engine) as db:
        secret = db.get(Inbox, inbox_id).webhook_secret
    for headers, body in receiver.calls:
        expected = hmac.new(secret.encode(), f"{headers['X-Kiko-Timestamp']}.{body}".encode(), hashlib.sha256)
        assert headers["X-Kiko-Signature"] == "sha256=" + expected.hexdigest()


def test_the_switch_keeps_chatwoots_behaviour(bot, receiver):
    engine, admin, actor, inbox_id = bot
    with Session(engine, expire_on_commit=False) as db:
        inbox = db.get(Inbox, inbox_id)
        inbox.bot_receives_after_handoff = True
        db.add(inbox)
        db.commit()
        conv = _handoff(db, actor, inbox_id)
        api_chat.create_message(db, actor=actor, display_id=conv.display_id, content="Danke", message_type="incoming")
    _deliver_all()
    contents = [json.loads(b).get("content") for _, b in receiver.calls if json.loads(b)["event"] == "message_created"]
    assert contents == ["Hilfe", "Danke"]


def test_failures_are_retried_with_backoff_and_given_up_in_the_end(bot, receiver):
    engine, admin, actor, inbox_id = bot
    receiver.statuses = [500]
    with Session(engine, expire_on_commit=False) as db:
        contacts.create_contact(db, actor=actor, name="E", inbox_id=inbox_id, source_id="x")
    _deliver_all()
    with Session(engine) as db:
        row = db.exec(select(WebhookDelivery)).one()
        assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, 500)
        assert row.next_attempt_at > utcnow() + timedelta(seconds=5)  # not before the backoff
        assert webhooks.claim_due(db) == []
        due = webhooks.claim_due(db, now=row.next_attempt_at)
        assert [d.delivery_id for d in due] == [row.id]
    with Session(engine) as db:  # keeps failing: each retry after the next backoff step, then given up
        while db.get(WebhookDelivery, row.id).status == "pending":
            later = db.get(WebhookDelivery, row.id).next_attempt_at
            for claimed in webhooks.claim_due(db, now=later):
                webhooks.record_result(db, delivery_id=claimed.delivery_id, status_code=None, error="ConnectError",
                                       now=later)  # fmt: skip
            db.expire_all()
        final = db.get(WebhookDelivery, row.id)
        assert (final.status, final.attempts) == ("failed", len(webhooks.BACKOFF_SECONDS) + 1)


def test_a_dead_endpoint_is_recorded_and_nothing_is_lost(bot, receiver):
    engine, admin, actor, inbox_id = bot
    receiver.server.shutdown()
    receiver.server.server_close()
    with Session(engine, expire_on_commit=False) as db:
        contacts.create_contact(db, actor=actor, name="E", inbox_id=inbox_id, source_id="y")
    _deliver_all()
    with Session(engine) as db:
        row = db.exec(select(WebhookDelivery)).one()
        assert row.status == "pending" and "Connect" in row.last_error


def test_the_delivery_log_is_for_administrators_of_the_account(bot, receiver):
    engine, admin, actor, inbox_id = bot
    with Session(engine, expire_on_commit=False) as db:
        contacts.create_contact(db, actor=actor, name="E", inbox_id=inbox_id, source_id="z")
        _deliver_all()
        log = webhooks.recent_deliveries(db, actor=admin, inbox_id=inbox_id).rows
        assert [(r.event, r.status, r.last_status_code) for r in log] == [("contact_created", "delivered", 200)]
        agent = factories.actor(db, admin.account_id)
        with pytest.raises(PermissionDenied):
            webhooks.recent_deliveries(db, actor=agent, inbox_id=inbox_id)
        stranger = factories.actor(db, factories.account(db).id, role=Role.ADMINISTRATOR)
        with pytest.raises(NotFound):
            webhooks.recent_deliveries(db, actor=stranger, inbox_id=inbox_id)


def test_account_webhooks_are_for_administrators_and_hear_their_events(bot, receiver):
    engine, admin, actor, inbox_id = bot
    with Session(engine, expire_on_commit=False) as db:
        agent = factories.actor(db, admin.account_id)
        with pytest.raises(PermissionDenied):
            webhooks.create_webhook(db, actor=agent, url=receiver.url)
        with pytest.raises(ValidationFailed):
            webhooks.create_webhook(db, actor=admin, url=receiver.url, subscriptions=["message_deleted"])
        stranger = factories.actor(db, factories.account(db).id, role=Role.ADMINISTRATOR)
        with pytest.raises(NotFound):
            webhooks.create_webhook(db, actor=stranger, url=receiver.url, inbox_id=inbox_id)
        hook = webhooks.create_webhook(
            db, actor=admin, url=receiver.url + "/account", subscriptions=["contact_created"]
        )
        assert hook.secret and [h.webhook_id for h in webhooks.list_webhooks(db, actor=admin)] == [hook.webhook_id]
        with pytest.raises(NotFound):
            webhooks.delete_webhook(db, actor=stranger, webhook_id=hook.webhook_id)
        contacts.create_contact(db, actor=actor, name="E", inbox_id=inbox_id, source_id="acct")
    _deliver_all()
    paths = sorted(headers.get("X-Kiko-Event", "") for headers, _ in receiver.calls)
    assert paths == ["contact_created", "contact_created"]  # the inbox's webhook and the account's
    with Session(engine) as db:
        webhooks.delete_webhook(db, actor=admin, webhook_id=hook.webhook_id)
        assert webhooks.list_webhooks(db, actor=admin) == []


def test_a_delivery_that_cannot_be_sent_fails_alone_and_is_retried_later(bot, receiver):
    """A poison row (an address httpx refuses outright) is recorded with its reason and backed
    off; the deliveries beside it still go."""
    engine, admin, actor, inbox_id = bot
    with Session(engine, expire_on_commit=False) as db:
        _handoff(db, actor, inbox_id)
        poison = db.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)).first()
        poison.url = "http://[::1"  # not a URL httpx can even parse
        db.add(poison)
        db.commit()
    _deliver_all()
    with Session(engine) as db:
        failed = db.get(WebhookDelivery, poison.id)
        assert failed.status == "pending" and failed.attempts == 1 and failed.last_error
        assert failed.next_attempt_at > utcnow()
    assert receiver.events  # the other deliveries of the round arrived


def test_the_bot_hears_agents_by_name_and_the_account_webhook_with_their_address(bot, receiver):
    engine, admin, actor, inbox_id = bot
    with Session(engine, expire_on_commit=False) as db:
        webhooks.create_webhook(db, actor=admin, url=receiver.url + "/account")
        anna = factories.user(db, admin.account_id, role=Role.ADMINISTRATOR, email="anna.agentin@example.org")
        agent = factories.login(db, anna).actor
        conv = _handoff(db, actor, inbox_id)
        conversations.assign(db, actor=admin, conversation_id=conv.id, assignee_id=agent.user_id)
        conversations.send_reply(db, actor=agent, conversation_id=conv.id, content="Hallo, hier Anna!")
        rows = db.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    to_bot = [json.loads(r.payload) for r in rows if r.inbox_id == inbox_id]
    to_account = [json.loads(r.payload) for r in rows if r.webhook_id is not None]
    reply = [b for b in to_bot if b.get("content") == "Hallo, hier Anna!"]
    assert reply and reply[0]["sender"]["name"] and reply[0]["sender"]["email"] is None
    assert reply[0]["conversation"]["meta"]["assignee"]["email"] is None
    assert not any("anna.agentin@example.org" in r.payload for r in rows if r.inbox_id == inbox_id)
    account_reply = [b for b in to_account if b.get("content") == "Hallo, hier Anna!"][0]
    assert account_reply["sender"]["email"] == "anna.agentin@example.org"
    assert account_reply["conversation"]["meta"]["assignee"]["email"] == "anna.agentin@example.org"
