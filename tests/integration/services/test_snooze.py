"""Snoozing from the dashboard: presets and typed times in the agent's zone, refusals that
change nothing, and the two ways a snooze ends (its time; the visitor writing)."""

from datetime import UTC, datetime, timedelta

import pytest

from kiko_livechat.models import Conversation, Role
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import conversations, snooze, visitor_chat
from kiko_livechat.services.errors import NotFound, ValidationFailed
from tests import factories


@pytest.fixture
def desk(db):
    acc = factories.active_account(db)
    ben = factories.login(db, factories.user(db, acc.id)).actor
    shop = factories.inbox(db, acc.id, agent_ids=[ben.user_id])
    visitor = factories.visitor_token()
    sent = visitor_chat.send_visitor_message(db, public_token=shop.public_token, visitor_token=visitor, content="Hi")
    return acc, ben, shop, visitor, sent.conversation_id


def test_a_preset_snoozes_until_its_time_and_the_list_shows_it(db, desk):
    acc, ben, shop, visitor, conv_id = desk
    now = datetime.now(UTC).replace(microsecond=0)
    until = snooze.snooze(db, actor=ben, conversation_id=conv_id, time_zone="Asia/Tokyo", preset="tomorrow", now=now)
    assert until.astimezone(snooze.ZoneInfo("Asia/Tokyo")).hour == 9
    conv = db.get(Conversation, conv_id)
    assert (conv.status, conv.snoozed_until) == ("snoozed", until)
    row = conversations.list_conversations(db, actor=ben, status="snoozed").rows[0]
    assert row.snoozed_until == until


def test_the_visitor_writing_ends_the_snooze(db, desk):
    acc, ben, shop, visitor, conv_id = desk
    snooze.snooze(db, actor=ben, conversation_id=conv_id, time_zone="Europe/Berlin", preset="in_one_hour")
    visitor_chat.send_visitor_message(db, public_token=shop.public_token, visitor_token=visitor, content="Noch da?")
    conv = db.get(Conversation, conv_id)
    assert (conv.status, conv.snoozed_until) == ("open", None)


def test_past_far_or_foreign_times_change_nothing(db, desk):
    acc, ben, shop, visitor, conv_id = desk
    now = utcnow()
    past = (now - timedelta(hours=1)).astimezone(snooze.ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%dT%H:%M")
    far = (now + timedelta(days=400)).strftime("%Y-%m-%dT%H:%M")
    for local, code in ((past, "conversations.error.snooze_time"), (far, "snooze.error.too_far"),
                        ("kein Datum", "conversations.error.snooze_time")):  # fmt: skip
        with pytest.raises(ValidationFailed) as refused:
            snooze.snooze(db, actor=ben, conversation_id=conv_id, time_zone="Europe/Berlin", local=local)
        assert refused.value.code == code
    db.rollback()
    conv = db.get(Conversation, conv_id)
    assert (conv.status, conv.snoozed_until) == ("open", None)
    other = factories.active_account(db)
    stranger = factories.actor(db, other.id, role=Role.ADMINISTRATOR)
    with pytest.raises(NotFound):
        snooze.snooze(db, actor=stranger, conversation_id=conv_id, time_zone="UTC", preset="in_one_hour")
