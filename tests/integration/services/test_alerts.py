"""Who is alerted about what (the rules behind e-mails and sounds)."""

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kiko_livechat.models import Role
from kiko_livechat.realtime import events, outbox
from kiko_livechat.services import alerts, api_access, api_chat, contacts, conversations, inboxes, teams
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
