"""Agents' side of conversations: list, filters, previews, unread counts, status, assignment, visibility."""

from datetime import timedelta

import pytest

from kiko_livechat.models import Contact, Conversation, Role
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import conversations, teams, visitor_chat
from kiko_livechat.services.errors import NotFound, ValidationFailed
from tests import factories


@pytest.fixture
def desk(db):
    acc = factories.active_account(db)
    admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    ben_user = factories.user(db, acc.id)
    ben = factories.login(db, ben_user).actor
    shop = factories.inbox(db, acc.id, agent_ids=[ben.user_id])
    secret = factories.inbox(db, acc.id)  # Ben does not work this one
    return acc, admin, ben, shop, secret


def _write(db, inbox, text, visitor=None, **kwargs):
    return visitor_chat.send_visitor_message(
        db, public_token=inbox.public_token, visitor_token=visitor or factories.visitor_token(), content=text, **kwargs
    )


def test_list_shows_previews_unread_and_sorts_by_last_activity(db, desk):
    acc, admin, ben, shop, secret = desk
    start = utcnow() - timedelta(minutes=10)
    first = _write(db, shop, "Erste Frage", now=start)
    second = _write(db, shop, "Zweite Frage", now=start + timedelta(minutes=1))
    _write(db, secret, "Geheim", now=start + timedelta(minutes=2))
    page = conversations.list_conversations(db, actor=ben)
    assert [r.conversation_id for r in page.rows] == [second.conversation_id, first.conversation_id]
    assert [r.preview.text for r in page.rows] == ["Zweite Frage", "Erste Frage"]
    assert [r.unread for r in page.rows] == [1, 1]
    assert page.counts["open"] == 2  # the inbox Ben does not work is not counted
    assert len(conversations.list_conversations(db, actor=admin).rows) == 3
    waiting = conversations.list_conversations(db, actor=ben, sort="waiting")
    assert waiting.rows[0].conversation_id == first.conversation_id
    conversations.mark_read(db, actor=ben, conversation_id=first.conversation_id)
    rows = {r.conversation_id: r for r in conversations.list_conversations(db, actor=ben).rows}
    assert rows[first.conversation_id].unread == 0


def test_the_preview_is_the_newest_message_a_person_or_the_bot_wrote(db, desk):
    acc, admin, ben, shop, secret = desk
    sent = _write(db, shop, "Wo ist mein Paket_123?")
    conv_id = sent.conversation_id

    def preview():
        return next(
            r.preview
            for r in conversations.list_conversations(db, actor=admin, status="all").rows
            if r.conversation_id == conv_id
        )

    assert preview() == conversations.Preview("Wo ist mein Paket_123?", "contact", "")
    # What the system records (assigned, status) is no message: the visitor's question stays.
    conversations.assign(db, actor=admin, conversation_id=conv_id, assignee_id=ben.user_id)
    conversations.set_status(db, actor=admin, conversation_id=conv_id, status="pending")
    assert preview().text == "Wo ist mein Paket_123?"
    conversations.send_reply(db, actor=ben, conversation_id=conv_id, content="Nur für uns", private=True)
    assert preview().text == "Wo ist mein Paket_123?"
    conversations.send_reply(db, actor=ben, conversation_id=conv_id, content="Ich schaue nach")
    assert preview() == conversations.Preview("Ich schaue nach", "agent", "Test User")


def test_filters_by_status_assignee_inbox_and_team(db, desk):
    acc, admin, ben, shop, secret = desk
    a = _write(db, shop, "A")
    b = _write(db, shop, "B")
    conversations.assign(db, actor=admin, conversation_id=a.conversation_id, assignee_id=ben.user_id)
    conversations.set_status(db, actor=admin, conversation_id=b.conversation_id, status="pending")
    mine = conversations.list_conversations(db, actor=ben, assignee="mine")
    assert [r.conversation_id for r in mine.rows] == [a.conversation_id]
    assert mine.rows[0].assignee_name == "Test User"
    unassigned = conversations.list_conversations(db, actor=ben, assignee="unassigned", status="all")
    assert [r.conversation_id for r in unassigned.rows] == [b.conversation_id]
    assert conversations.list_conversations(db, actor=ben, status="pending").total == 1
    assert conversations.list_conversations(db, actor=admin, inbox_id=secret.id).total == 0
    foreign = factories.inbox(db, factories.account(db).id)
    assert conversations.list_conversations(db, actor=admin, inbox_id=foreign.id, status="all").total == 0
    assert conversations.assignee_counts(db, actor=admin, inbox_id=foreign.id, status="all")["all_count"] == 0
    assert conversations.page_ids(db, actor=admin, inbox_id=foreign.id, status="all") == []
    assert (
        len(conversations.page_ids(db, actor=admin, status="all"))
        == conversations.list_conversations(db, actor=admin, status="all").total
    )
    assert conversations.assignee_counts(db, actor=ben, status="all") == {
        "mine_count": 1, "assigned_count": 1, "unassigned_count": 1, "all_count": 2,
    }  # fmt: skip
    team_id = teams.create_team(db, actor=admin, name="Support")
    conversations.assign(db, actor=admin, conversation_id=b.conversation_id, team_id=team_id)
    assert [
        r.conversation_id for r in conversations.list_conversations(db, actor=admin, team_id=team_id, status="all").rows
    ] == [b.conversation_id]  # noqa: E501
    # Unknown filter values fall back to the defaults instead of failing.
    assert conversations.list_conversations(db, actor=ben, status="bogus", assignee="x", sort="y").total == 1


def test_one_row_of_a_list_is_the_row_the_list_shows_or_none(db, desk):
    """Issue 14: a live list updates the row an event is about from `list_row`; it must be the
    very row the page would show, under the same filters, and nothing the actor may not see."""
    acc, admin, ben, shop, secret = desk
    a = _write(db, shop, "A")
    b = _write(db, shop, "B")
    conversations.assign(db, actor=admin, conversation_id=a.conversation_id, assignee_id=ben.user_id)
    page = conversations.list_conversations(db, actor=ben)
    assert [conversations.list_row(db, actor=ben, conversation_id=r.conversation_id) for r in page.rows] == list(
        page.rows
    )
    assert conversations.list_row(db, actor=ben, conversation_id=b.conversation_id, assignee="mine") is None
    assert conversations.list_row(db, actor=ben, conversation_id=a.conversation_id, status="pending") is None
    assert conversations.list_row(db, actor=ben, conversation_id=a.conversation_id, status="all") is not None
    hidden = _write(db, secret, "Geheim")  # an inbox Ben does not work
    assert conversations.list_row(db, actor=ben, conversation_id=hidden.conversation_id, status="all") is None
    other = factories.actor(db, factories.account(db).id, role=Role.ADMINISTRATOR)
    assert conversations.list_row(db, actor=other, conversation_id=a.conversation_id, status="all") is None
    for bad in (None, "1", -1, 10**12):
        assert conversations.list_row(db, actor=admin, conversation_id=bad, status="all") is None


def test_an_agent_cannot_reach_conversations_of_inboxes_they_do_not_work(db, desk):
    acc, admin, ben, shop, secret = desk
    hidden = _write(db, secret, "Geheim")
    conv = db.get(Conversation, hidden.conversation_id)
    with pytest.raises(NotFound):
        conversations.get_conversation(db, actor=ben, display_id=conv.display_id)
    for call in (
        lambda: conversations.send_reply(db, actor=ben, conversation_id=conv.id, content="x"),
        lambda: conversations.set_status(db, actor=ben, conversation_id=conv.id, status="resolved"),
        lambda: conversations.assign(db, actor=ben, conversation_id=conv.id, assignee_id=ben.user_id),
        lambda: conversations.conversation_messages(db, actor=ben, conversation_id=conv.id),
        lambda: conversations.mark_read(db, actor=ben, conversation_id=conv.id),
        lambda: conversations.agent_typing(db, actor=ben, conversation_id=conv.id, on=True),
        lambda: conversations.set_priority(db, actor=ben, conversation_id=conv.id, priority="high"),
    ):
        with pytest.raises(NotFound):
            call()
    other = factories.account(db)
    outsider = factories.actor(db, other.id, role=Role.ADMINISTRATOR)
    with pytest.raises(NotFound):
        conversations.send_reply(db, actor=outsider, conversation_id=conv.id, content="x")


def test_replies_notes_status_and_assignment_write_history(db, desk):
    acc, admin, ben, shop, secret = desk
    sent = _write(db, shop, "Hallo")
    conv_id = sent.conversation_id
    conversations.send_reply(db, actor=ben, conversation_id=conv_id, content="Notiz", private=True)
    assert db.get(Conversation, conv_id).first_reply_at is None  # a note is no answer
    reply = conversations.send_reply(db, actor=ben, conversation_id=conv_id, content="Antwort", echo_id="r1")
    assert conversations.send_reply(db, actor=ben, conversation_id=conv_id, content="Antwort", echo_id="r1") == reply
    conv = db.get(Conversation, conv_id)
    assert conv.first_reply_at is not None and conv.waiting_since is None
    with pytest.raises(ValidationFailed):
        conversations.set_status(db, actor=ben, conversation_id=conv_id, status="snoozed")
    conversations.set_status(
        db, actor=ben, conversation_id=conv_id, status="snoozed", snoozed_until=utcnow() + timedelta(hours=2)
    )
    conversations.assign(db, actor=ben, conversation_id=conv_id, assignee_id=admin.user_id)
    conversations.assign(db, actor=ben, conversation_id=conv_id, assignee_id=None)
    stranger = factories.user(db, factories.account(db).id)
    with pytest.raises(NotFound):
        conversations.assign(db, actor=ben, conversation_id=conv_id, assignee_id=stranger.id)
    history = conversations.conversation_messages(db, actor=ben, conversation_id=conv_id)
    assert [(m.content or m.activity) for m in history] == [
        "Hallo",
        "Notiz",
        "Antwort",
        "activity.status.snoozed",
        "activity.assigned",
        "activity.unassigned",
    ]
    detail = conversations.get_conversation(db, actor=ben, display_id=db.get(Conversation, conv_id).display_id)
    assert detail.status == "snoozed" and detail.assignee_id is None


def test_a_contact_goes_by_one_alias_in_all_their_conversations(db, desk):
    acc, admin, ben, shop, secret = desk
    visitor = factories.visitor_token()
    first = _write(db, shop, "Damals", visitor=visitor)
    conversations.set_status(db, actor=ben, conversation_id=first.conversation_id, status="resolved")
    again = _write(db, shop, "Heute", visitor=visitor)
    one, two = db.get(Conversation, first.conversation_id), db.get(Conversation, again.conversation_id)
    contact = db.get(Contact, one.contact_id)
    assert contact.name == "" and one.alias_key == two.alias_key == contact.alias_key != ""


def test_the_contact_panel_lists_earlier_conversations(db, desk):
    acc, admin, ben, shop, secret = desk
    visitor = factories.visitor_token()
    first = _write(db, shop, "Damals", visitor=visitor)
    conversations.set_status(db, actor=ben, conversation_id=first.conversation_id, status="resolved")
    now = _write(db, shop, "Heute", visitor=visitor)
    detail = conversations.get_conversation(
        db, actor=ben, display_id=db.get(Conversation, now.conversation_id).display_id
    )
    assert [e.display_id for e in detail.earlier] == [db.get(Conversation, first.conversation_id).display_id]


def test_snoozed_conversations_wake_up_when_their_time_has_come(db, desk):
    acc, admin, ben, shop, secret = desk
    sent = _write(db, shop, "Später bitte")
    now = utcnow()
    conversations.set_status(
        db, actor=ben, conversation_id=sent.conversation_id, status="snoozed", snoozed_until=now + timedelta(hours=1)
    )
    assert conversations.wake_snoozed(db, now=now + timedelta(minutes=30)) == 0
    assert conversations.wake_snoozed(db, now=now + timedelta(hours=1, seconds=1)) == 1
    assert db.get(Conversation, sent.conversation_id).status == "open"
    history = conversations.conversation_messages(db, actor=ben, conversation_id=sent.conversation_id)
    assert history[-1].activity == "activity.status.snooze_ended"
    assert conversations.wake_snoozed(db, now=now + timedelta(hours=2)) == 0
