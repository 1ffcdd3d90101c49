"""Handoffs nobody answers: the reminder to the inbox's agents, once, in the inbox's time."""

from datetime import timedelta

import pytest
from sqlmodel import select

from kiko_livechat.models import Conversation, Inbox, Message, MessageType, Role
from kiko_livechat.models.base import utcnow
from kiko_livechat.realtime import events
from kiko_livechat.services import api_access, conversations, handoff, inboxes, unanswered, visitor_chat
from kiko_livechat.services.errors import ValidationFailed
from tests import factories
from tests.integration.services.test_alerts import _captured


@pytest.fixture
def desk(db):
    acc = factories.active_account(db)
    admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    ben = factories.login(db, factories.user(db, acc.id)).actor
    clara = factories.login(db, factories.user(db, acc.id)).actor
    created = inboxes.create_api_inbox(db, actor=admin, name="Bot", agent_ids=[ben.user_id, clara.user_id])
    bot = api_access.resolve_api_token(db, token=created.api_token)
    return admin, ben, clara, created.inbox.inbox_id, bot


def _handoff(db, bot, inbox_id, now):
    return handoff.do_hand_off(
        db, actor=bot, inbox_id=inbox_id, contact={"name": "Erika", "source_id": "e"},
        transcript=[{"content": "Ich brauche einen Menschen", "message_type": "incoming"}], now=now,
    )  # fmt: skip


def test_a_handoff_nobody_answers_reminds_the_inbox_agents_once(db, desk):
    admin, ben, clara, inbox_id, bot = desk
    start = utcnow()
    conv = _handoff(db, bot, inbox_id, start)
    assert conv.unanswered_due_at == start + timedelta(minutes=2)  # the default time
    assert unanswered.remind_overdue(db, now=start + timedelta(seconds=119)) == 0
    committed = _captured(db, lambda: unanswered.remind_overdue(db, now=start + timedelta(seconds=125)))
    reminded = {pair for event in committed for pair in events.alerted(event)}
    assert reminded == {(ben.user_id, "unanswered"), (clara.user_id, "unanswered")}
    db.refresh(conv)
    assert conv.unanswered_at == start + timedelta(seconds=125) and unanswered.is_unanswered(conv)
    lines = select(Message).where(Message.conversation_id == conv.id, Message.message_type == MessageType.ACTIVITY)
    line = db.exec(lines.order_by(Message.id.desc())).first()
    assert line.content_attributes == {"activity": "activity.unanswered", "params": {"minutes": 2}}
    assert unanswered.remind_overdue(db, now=start + timedelta(hours=1)) == 0  # once
    conversations.send_reply(db, actor=ben, conversation_id=conv.id, content="Ich bin da!")
    db.refresh(conv)
    assert not unanswered.is_unanswered(conv)


def test_an_answer_in_time_or_a_resolution_means_no_reminder(db, desk):
    admin, ben, clara, inbox_id, bot = desk
    start = utcnow()
    conv = _handoff(db, bot, inbox_id, start)
    conversations.send_reply(
        db, actor=ben, conversation_id=conv.id, content="Hallo!", now=start + timedelta(seconds=30)
    )
    assert unanswered.remind_overdue(db, now=start + timedelta(minutes=5)) == 0
    db.refresh(conv)
    assert conv.unanswered_at is None and conv.unanswered_due_at is None


def test_the_inbox_time_is_set_in_minutes_and_zero_turns_it_off(db, desk):
    admin, ben, clara, inbox_id, bot = desk
    view = inboxes.update_inbox(db, actor=admin, inbox_id=inbox_id, name="Bot", unanswered_after_minutes="5")
    assert view.unanswered_after_minutes == 5
    for bad in ("-1", "abc", "1441", 2.5, True):
        with pytest.raises(ValidationFailed) as refused:
            inboxes.update_inbox(db, actor=admin, inbox_id=inbox_id, name="Bot", unanswered_after_minutes=bad)
        assert refused.value.field == "unanswered_after_minutes"
    assert db.get(Inbox, inbox_id).unanswered_after_seconds == 300  # the refused values changed nothing
    inboxes.update_inbox(db, actor=admin, inbox_id=inbox_id, name="Bot")  # not given: kept
    assert db.get(Inbox, inbox_id).unanswered_after_seconds == 300
    inboxes.update_inbox(db, actor=admin, inbox_id=inbox_id, name="Bot", unanswered_after_minutes=0)
    conv = _handoff(db, bot, inbox_id, utcnow())
    assert conv.unanswered_due_at is None


def test_a_visitor_starting_in_the_widget_waits_for_an_answer_too(db):
    acc = factories.active_account(db)
    agent = factories.user(db, acc.id)
    inbox = factories.inbox(db, acc.id, agent_ids=[agent.id])
    start = utcnow()
    sent = visitor_chat.send_visitor_message(
        db, public_token=inbox.public_token, visitor_token=factories.visitor_token(), content="Hallo?", now=start
    )
    conv = db.get(Conversation, sent.conversation_id)
    assert conv.unanswered_due_at == start + timedelta(minutes=2)
    assert unanswered.remind_overdue(db, now=start + timedelta(minutes=3)) == 1
