"""Who is alerted about what (the rules behind e-mails and sounds)."""

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kiko_livechat.models import Role
from kiko_livechat.realtime import events, outbox
from kiko_livechat.services import alerts, api_access, api_chat, contacts, conversations, handoff, inboxes, teams
from tests import factories


@pytest.fixture
def desk(db):
    acc = factories.active_account(db)
    admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    ben = factories.login(db, factories.user(db, acc.id)).actor
    clara = factories.login(db, factories.user(db, acc.id)).actor
    created = inboxes.create_api_inbox(db, actor=admin, name="Bot", agent_ids=[ben.user_id, clara.user_id])
    bot = api_access.resolve_api_token(db, token=created.api_token)
    return acc, admin, ben, clara, created.inbox.inbox_id, bot


def _captured(db, action) -> list[events.ChatEvent]:
    """The events `action` commits, in order (read from the outbox just before each commit)."""
    seen: list[events.ChatEvent] = []

    def collect(session):
        seen.extend(event for event in outbox.pending(session) if event not in seen)

    sa.event.listen(Session, "before_commit", collect)
    try:
        action()
    finally:
        sa.event.remove(Session, "before_commit", collect)
    return seen


def _alerts(db, action) -> set[tuple[int, str]]:
    return {pair for event in _captured(db, action) for pair in alerts.recipients(db, event)}


def test_a_handoff_alerts_the_inbox_agents_and_nobody_for_the_bots_own_talk(db, desk):
    acc, admin, ben, clara, inbox_id, bot = desk
    contacts.create_contact(db, actor=bot, name="E", inbox_id=inbox_id, source_id="s")
    conv = api_chat.create_conversation(db, actor=bot, inbox_id=inbox_id, source_id="s")
    assert _alerts(db, lambda: api_chat.create_message(db, actor=bot, display_id=conv.display_id, content="hi",
                                                       message_type="incoming")) == set()  # fmt: skip
    handoff = _alerts(db, lambda: conversations.set_status(db, actor=bot, conversation_id=conv.id, status="open"))
    assert handoff == {(ben.user_id, "handoff"), (clara.user_id, "handoff")}


def test_assignment_alerts_the_assignee_unless_they_took_it_themselves(db, desk):
    acc, admin, ben, clara, inbox_id, bot = desk
    contacts.create_contact(db, actor=bot, name="E", inbox_id=inbox_id, source_id="s")
    conv = api_chat.create_conversation(db, actor=bot, inbox_id=inbox_id, source_id="s", status="open")
    given = _alerts(db, lambda: conversations.assign(db, actor=admin, conversation_id=conv.id, assignee_id=ben.user_id))
    assert given == {(ben.user_id, "assigned")}
    taken = _alerts(
        db, lambda: conversations.assign(db, actor=clara, conversation_id=conv.id, assignee_id=clara.user_id)
    )
    assert taken == set()
    # The visitor writes: only the assignee hears it; her own reply alerts nobody.
    said = _alerts(db, lambda: api_chat.create_message(db, actor=bot, display_id=conv.display_id, content="?",
                                                       message_type="incoming"))  # fmt: skip
    assert said == {(clara.user_id, "message")}
    assert (
        _alerts(db, lambda: conversations.send_reply(db, actor=clara, conversation_id=conv.id, content="Ja")) == set()
    )
    assert _alerts(db, lambda: conversations.send_reply(db, actor=clara, conversation_id=conv.id, content="n",
                                                        private=True)) == set()  # fmt: skip


def test_team_assignment_alerts_the_team_but_not_who_did_it(db, desk):
    acc, admin, ben, clara, inbox_id, bot = desk
    team_id = teams.create_team(db, actor=admin, name="Support")
    for member in (ben, clara):
        teams.add_team_member(db, actor=admin, team_id=team_id, user_id=member.user_id)
    contacts.create_contact(db, actor=bot, name="E", inbox_id=inbox_id, source_id="s")
    conv = api_chat.create_conversation(db, actor=bot, inbox_id=inbox_id, source_id="s", status="open")
    moved = _alerts(db, lambda: conversations.assign(db, actor=ben, conversation_id=conv.id,
                                                     assignee_id=None, team_id=team_id))  # fmt: skip
    assert moved == {(clara.user_id, "team")}


def test_the_alerted_people_travel_with_the_committed_event(db, desk):
    """Worked out once before commit: the e-mail queue and every dashboard tab read the same."""
    acc, admin, ben, clara, inbox_id, bot = desk
    contacts.create_contact(db, actor=bot, name="E", inbox_id=inbox_id, source_id="s")
    conv = api_chat.create_conversation(db, actor=bot, inbox_id=inbox_id, source_id="s")
    committed = _captured(db, lambda: conversations.set_status(db, actor=bot, conversation_id=conv.id, status="open"))
    carried = {pair for event in committed for pair in events.alerted(event)}
    assert carried == {(ben.user_id, "handoff"), (clara.user_id, "handoff")}


def _visitor_writes(db, bot, conv, text="Hallo?"):
    api_chat.create_message(db, actor=bot, display_id=conv.display_id, content=text, message_type="incoming")


def test_unread_counts_what_waits_for_the_agent(db, desk):
    acc, admin, ben, clara, inbox_id, bot = desk
    contacts.create_contact(db, actor=bot, name="E", inbox_id=inbox_id, source_id="s")
    mine = api_chat.create_conversation(db, actor=bot, inbox_id=inbox_id, source_id="s", status="open")
    queue = api_chat.create_conversation(db, actor=bot, inbox_id=inbox_id, source_id="s", status="open")
    claras = api_chat.create_conversation(db, actor=bot, inbox_id=inbox_id, source_id="s", status="open")
    conversations.assign(db, actor=admin, conversation_id=mine.id, assignee_id=ben.user_id)
    conversations.assign(db, actor=admin, conversation_id=claras.id, assignee_id=clara.user_id)
    assert alerts.unread_for(db, actor=ben).total == 0  # nobody has written yet
    for conv in (mine, queue, claras):
        _visitor_writes(db, bot, conv)
    unread = alerts.unread_for(db, actor=ben)
    assert unread.conversation_ids == {mine.id, queue.id} and unread.assigned == 1
    # Someone else reading the queued one takes it off; reading his own takes it off too.
    conversations.mark_read(db, actor=clara, conversation_id=queue.id)
    conversations.mark_read(db, actor=ben, conversation_id=mine.id)
    assert alerts.unread_for(db, actor=ben).total == 0
    _visitor_writes(db, bot, mine, "Noch da?")
    assert alerts.unread_for(db, actor=ben) == alerts.Unread(frozenset({mine.id}), frozenset({mine.id}))
    conversations.set_status(db, actor=ben, conversation_id=mine.id, status="resolved")
    assert alerts.unread_for(db, actor=ben).total == 0


def test_unread_leaves_out_inboxes_the_agent_does_not_work_and_other_accounts(db, desk):
    acc, admin, ben, clara, inbox_id, bot = desk
    other_inbox = inboxes.create_api_inbox(db, actor=admin, name="Other", agent_ids=[clara.user_id])
    other_bot = api_access.resolve_api_token(db, token=other_inbox.api_token)
    contacts.create_contact(db, actor=other_bot, name="F", inbox_id=other_inbox.inbox.inbox_id, source_id="t")
    conv = api_chat.create_conversation(
        db, actor=other_bot, inbox_id=other_inbox.inbox.inbox_id, source_id="t", status="open"
    )
    _visitor_writes(db, other_bot, conv)
    assert alerts.unread_for(db, actor=ben).total == 0
    assert alerts.unread_for(db, actor=clara).conversation_ids == {conv.id}
    stranger = factories.actor(db, factories.active_account(db).id, role=Role.ADMINISTRATOR)
    assert alerts.unread_for(db, actor=stranger).total == 0


def test_one_transaction_alerts_each_person_once_per_conversation(db, desk):
    """The one-call handoff creates, opens and hands over: one alert each, not three."""
    acc, admin, ben, clara, inbox_id, bot = desk
    transcript = [{"content": "Hallo", "message_type": "incoming"}]
    committed = _captured(
        db,
        lambda: handoff.do_hand_off(
            db, actor=bot, inbox_id=inbox_id, contact={"name": "E", "source_id": "s"}, transcript=transcript
        ),
    )
    carried = [pair for event in committed for pair in events.alerted(event)]
    assert sorted(carried) == sorted([(ben.user_id, "handoff"), (clara.user_id, "handoff")])
