"""The bot's handoff through the services: pending with a transcript, then open = handoff."""

import pytest
from sqlmodel import select

from kiko_livechat.models import Account, Conversation, ReportingEvent, Role, Team
from kiko_livechat.services import (
    api_access,
    api_chat,
    contacts,
    conversations,
    entitlement,
    handoff,
    inboxes,
    presence,
    profile,
    teams,
)
from kiko_livechat.services.errors import NotFound, ValidationFailed
from tests import factories


@pytest.fixture
def setup(db):
    acc = factories.active_account(db)
    admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    ben = factories.login(db, factories.user(db, acc.id)).actor
    clara = factories.login(db, factories.user(db, acc.id)).actor
    created = inboxes.create_api_inbox(db, actor=admin, name="Kiko Bot", agent_ids=[ben.user_id, clara.user_id])
    bot = api_access.resolve_api_token(db, token=created.api_token)
    return acc, admin, ben, clara, created.inbox.inbox_id, bot


def _online(db, *actors):
    for actor in actors:
        profile.set_availability(db, actor=actor, availability="online")
        presence.heartbeat(db, actor=actor)


def _bot_conversation(db, bot, inbox_id, source="visitor-1"):
    contacts.create_contact(db, actor=bot, name="Erika", inbox_id=inbox_id, source_id=source)
    conv = api_chat.create_conversation(db, actor=bot, inbox_id=inbox_id, source_id=source)
    api_chat.create_message(
        db, actor=bot, display_id=conv.display_id, content="Wo ist mein Paket?", message_type="incoming"
    )
    api_chat.create_message(db, actor=bot, display_id=conv.display_id, content="Ich suche es.", message_type="outgoing")
    return conv


def test_transcript_then_handoff_assigns_the_least_busy_online_agent_once(db, setup):
    acc, admin, ben, clara, inbox_id, bot = setup
    _online(db, ben, clara)
    busy = _bot_conversation(db, bot, inbox_id, "earlier")
    conversations.assign(db, actor=admin, conversation_id=busy.id, assignee_id=ben.user_id)
    conv = _bot_conversation(db, bot, inbox_id)
    assert db.get(Conversation, conv.id).status == "pending"
    history = conversations.conversation_messages(db, actor=admin, conversation_id=conv.id)
    assert [(m.sender_type, m.content) for m in history] == [
        ("contact", "Wo ist mein Paket?"),
        ("bot", "Ich suche es."),
    ]
    assert db.get(Conversation, conv.id).first_reply_at is None  # the bot's line is no human answer

    conversations.set_status(db, actor=bot, conversation_id=conv.id, status="open")
    handed = db.get(Conversation, conv.id)
    assert handed.handed_off_at is not None and handed.waiting_since == handed.handed_off_at
    assert handed.assignee_id == clara.user_id  # Ben already has one
    # Back to the bot and over again: still one handoff for the reports.
    conversations.set_status(db, actor=admin, conversation_id=conv.id, status="pending")
    conversations.set_status(db, actor=bot, conversation_id=conv.id, status="open")
    events = db.exec(select(ReportingEvent).where(ReportingEvent.conversation_id == conv.id)).all()
    assert [e.name for e in events] == ["conversation_handoff"]


def test_the_list_marks_what_the_bot_still_holds_with_its_last_line(db, setup):
    acc, admin, ben, clara, inbox_id, bot = setup
    conv = _bot_conversation(db, bot, inbox_id)

    def row(status):
        rows = conversations.list_conversations(db, actor=ben, status=status).rows
        return next(r for r in rows if r.conversation_id == conv.id)

    pending = row("pending")
    assert pending.with_bot and pending.preview == conversations.Preview("Ich suche es.", "bot", "")
    conversations.set_status(db, actor=bot, conversation_id=conv.id, status="open")
    assert not row("open").with_bot
    # Parked as pending by an agent after the handoff: a human's, not the bot's.
    conversations.set_status(db, actor=ben, conversation_id=conv.id, status="pending")
    assert not row("pending").with_bot


def test_nobody_online_or_auto_assignment_off_leaves_it_in_the_queue(db, setup):
    acc, admin, ben, clara, inbox_id, bot = setup
    conv = _bot_conversation(db, bot, inbox_id)
    conversations.set_status(db, actor=bot, conversation_id=conv.id, status="open")
    assert db.get(Conversation, conv.id).assignee_id is None
    _online(db, ben)
    team_id = teams.create_team(db, actor=admin, name="Ohne Auto", allow_auto_assign=False)
    teams.add_team_member(db, actor=admin, team_id=team_id, user_id=ben.user_id)
    second = _bot_conversation(db, bot, inbox_id, "visitor-2")
    conversations.assign(db, actor=admin, conversation_id=second.id, team_id=team_id)
    conversations.set_status(db, actor=bot, conversation_id=second.id, status="open")
    assert db.get(Conversation, second.id).assignee_id is None
    assert db.get(Team, team_id).allow_auto_assign is False


def test_bad_api_input_changes_nothing(db, setup):
    acc, admin, ben, clara, inbox_id, bot = setup
    conv = _bot_conversation(db, bot, inbox_id)
    for kwargs in (
        {"content": ""},
        {"content": "x", "message_type": "activity"},
        {"content": "x", "private": "yes"},
        {"content": "x", "content_attributes": []},
        {"content": "x" * 10_001},
    ):
        with pytest.raises(ValidationFailed):
            api_chat.create_message(db, actor=bot, display_id=conv.display_id, **kwargs)
        db.rollback()
    with pytest.raises(ValidationFailed):
        api_chat.create_conversation(db, actor=bot, inbox_id=inbox_id, source_id="visitor-1", status="resolved")
    with pytest.raises(ValidationFailed):
        api_chat.create_conversation(db, actor=bot, inbox_id=inbox_id)
    web = factories.inbox(db, acc.id, agent_ids=[ben.user_id])
    contact, _ = contacts.create_contact(db, actor=admin, name="Web", inbox_id=web.id, source_id="w1")
    web_conv = api_chat.create_conversation(db, actor=admin, inbox_id=web.id, source_id="w1")
    with pytest.raises(ValidationFailed) as refused:
        api_chat.create_message(db, actor=admin, display_id=web_conv.display_id, content="x", message_type="incoming")
    assert refused.value.code == "api.error.incoming_only_api"
    assert len(conversations.conversation_messages(db, actor=admin, conversation_id=conv.id)) == 2


def test_a_blocked_account_takes_no_new_conversation_over_the_api(db, setup):
    acc, admin, ben, clara, inbox_id, bot = setup
    contacts.create_contact(db, actor=bot, name="E", inbox_id=inbox_id, source_id="s")
    account = db.get(Account, acc.id)
    account.livechat_active = False
    db.add(account)
    db.commit()
    with pytest.raises(entitlement.AccountBlocked):
        api_chat.create_conversation(db, actor=bot, inbox_id=inbox_id, source_id="s")


def test_foreign_ids_are_not_found(db, setup):
    acc, admin, ben, clara, inbox_id, bot = setup
    other = factories.account(db)
    other_admin = factories.actor(db, other.id, role=Role.ADMINISTRATOR)
    foreign = inboxes.create_api_inbox(db, actor=other_admin, name="Fremd")
    foreign_contact, _ = contacts.create_contact(db, actor=other_admin, name="F", inbox_id=foreign.inbox.inbox_id,
                                                 source_id="f")  # fmt: skip
    with pytest.raises(NotFound):
        api_chat.create_conversation(db, actor=bot, inbox_id=foreign.inbox.inbox_id, source_id="f")
    with pytest.raises(NotFound):
        handoff.do_hand_off(db, actor=bot, inbox_id=foreign.inbox.inbox_id, contact={"source_id": "f"})
    db.rollback()
    with pytest.raises(NotFound):
        api_chat.create_conversation(db, actor=bot, inbox_id=inbox_id, contact_id=foreign_contact.contact_id)
    other_account = db.get(Account, other.id)
    other_account.livechat_active = True
    db.add(other_account)
    db.commit()
    foreign_conv = api_chat.create_conversation(db, actor=other_admin, inbox_id=foreign.inbox.inbox_id, source_id="f")
    for display_id in (10**12, foreign_conv.display_id):  # number 1 exists only in the other account
        with pytest.raises(NotFound):
            api_chat.create_message(db, actor=bot, display_id=display_id, content="x")
