"""The one step a change's events pass through (services/changes.py): alerts routed, e-mails
queued, webhook deliveries written, in the same transaction; published only after COMMIT; and
the guard for a commit that skipped the step."""

import logging

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from kiko_livechat.models import AlertEmail, InboxMember, Role, WebhookDelivery
from kiko_livechat.realtime import events, outbox
from kiko_livechat.realtime.outbox import emit
from kiko_livechat.services import api_access, changes, handoff, inboxes
from kiko_livechat.settings import get_settings
from tests import factories


@pytest.fixture
def desk(app_db, monkeypatch):
    monkeypatch.setenv("KIKO_SMTP_HOST", "127.0.0.1")  # e-mail on: alert e-mails are queued
    get_settings.cache_clear()
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
        ben = factories.login(db, factories.user(db, acc.id)).actor
        created = inboxes.create_api_inbox(
            db, actor=admin, name="Bot", agent_ids=[ben.user_id], webhook_url="https://bot.example.org/hook"
        )
        bot = api_access.resolve_api_token(db, token=created.api_token)
    yield app_db, ben, bot, created.inbox.inbox_id
    get_settings.cache_clear()


@pytest.fixture
def published(monkeypatch, app_db):
    """What reaches the bus, and how many webhook deliveries were committed at that moment."""
    seen: list[tuple[events.ChatEvent, int]] = []

    class Recorder:
        def publish_all(self, events_):
            for event in events_:
                self.publish(event)

        def publish(self, event):
            with Session(app_db) as other:  # another connection sees only what was committed
                seen.append((event, len(other.exec(select(WebhookDelivery.id)).all())))

    monkeypatch.setattr(outbox, "get_bus", lambda: Recorder())
    return seen


def _contact_event(contact, inbox_id):
    return events.ChatEvent(events.CONTACT_CREATED, contact.account_id, inbox_id, 0, detail={"contact_id": contact.id})


def _hand_off(db, bot, inbox_id):
    return handoff.do_hand_off(
        db, actor=bot, inbox_id=inbox_id, contact={"name": "Erika", "source_id": "s"},
        transcript=[{"content": "Hallo", "message_type": "incoming"}], reason="Weiß nicht weiter",
    )  # fmt: skip


def test_a_change_commits_with_its_alerts_emails_and_webhooks_then_is_published(desk, published):
    engine, ben, bot, inbox_id = desk
    with Session(engine, expire_on_commit=False) as db:
        _hand_off(db, bot, inbox_id)
        deliveries = db.exec(select(WebhookDelivery.event).order_by(WebhookDelivery.id)).all()
        mails = db.exec(select(AlertEmail.user_id, AlertEmail.kind)).all()
    # The bot hears its contact, the conversation and the status change; not the lines it relayed
    # itself (handed over by then), not the handoff update (told by the status change).
    assert deliveries == ["contact_created", "conversation_created", "conversation_status_changed"]
    assert mails == [(ben.user_id, "handoff")]  # routed first, then queued from the routing
    kinds = [event.kind for event, _ in published]
    assert kinds == ["contact_created", "conversation_created", "message_created", "message_created",
                     "conversation_updated", "conversation_updated"]  # fmt: skip
    assert all(committed == len(deliveries) for _, committed in published)  # published after COMMIT
    assert [pair for event, _ in published for pair in events.alerted(event)] == [(ben.user_id, "handoff")]


def test_a_rollback_after_the_step_writes_and_publishes_nothing(desk, published):
    engine, ben, bot, inbox_id = desk
    with Session(engine) as db:
        contact = factories.contact(db, db.get(inboxes.Inbox, inbox_id).account_id)
        emit(db, _contact_event(contact, inbox_id))
        changes.prepare(db)
        assert db.exec(select(WebhookDelivery)).all() != []  # written, not yet committed
        db.rollback()
        assert db.exec(select(WebhookDelivery)).all() == []
    assert published == []


@pytest.mark.skips_change_step
def test_a_commit_that_skips_the_step_still_gets_its_side_effects_and_an_error(desk, published, caplog):
    engine, ben, bot, inbox_id = desk
    before = changes.forgotten[0]
    with Session(engine) as db, caplog.at_level(logging.ERROR, logger=changes.__name__):
        contact = factories.contact(db, db.get(inboxes.Inbox, inbox_id).account_id)
        emit(db, _contact_event(contact, inbox_id))
        db.commit()  # a code path that forgot changes.commit
        assert db.exec(select(WebhookDelivery.event)).all() == ["contact_created"]
    assert changes.forgotten[0] == before + 1
    assert f"{changes.FORGOTTEN}: contact_created" in caplog.text
    assert [event.kind for event, _ in published] == ["contact_created"]


def test_alert_emails_for_many_agents_cost_the_same_statements_as_for_one(desk):
    engine, ben, bot, inbox_id = desk
    counts = []
    with Session(engine, expire_on_commit=False) as db:
        acc_id = db.get(inboxes.Inbox, inbox_id).account_id
        for round_, extra in enumerate((0, 5)):
            for _ in range(extra):
                agent = factories.user(db, acc_id)
                db.add(InboxMember(account_id=acc_id, inbox_id=inbox_id, user_id=agent.id))
            db.commit()
            seen = []
            listener = lambda *args, seen=seen: seen.append(args[2])  # noqa: E731
            sa.event.listen(engine, "before_cursor_execute", listener)
            try:
                handoff.do_hand_off(db, actor=bot, inbox_id=inbox_id, contact={"source_id": f"m{round_}"})
            finally:
                sa.event.remove(engine, "before_cursor_execute", listener)
            # Reading who wants what costs the same for six agents as for one; writing their
            # e-mails is a row each (one INSERT per row where the driver cannot batch them).
            counts.append(len([s for s in seen if not s.startswith("INSERT INTO alert_emails")]))
        mails = db.exec(select(AlertEmail.kind)).all()
    assert len(mails) == 1 + 6  # each agent of the inbox, each handoff
    assert counts[0] == counts[1], counts
