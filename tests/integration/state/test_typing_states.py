"""Issue 11, item 3: "is typing" ends on the server when a message is sent, however it was sent,
and leaving the field without typing costs no event."""

import pytest
from sqlmodel import Session

from kiko_livechat.models import Role
from kiko_livechat.realtime import events
from kiko_livechat.realtime.bus import get_bus
from kiko_livechat.services import visitor_chat
from kiko_livechat.state.conversation import ConversationState
from kiko_livechat.state.widget import WidgetState
from tests import factories
from tests.integration.state.states import state_for


@pytest.fixture
def typing_signals(monkeypatch):
    """The typing events published, as (who, on)."""
    published = []
    monkeypatch.setattr(get_bus(), "publish", published.append)

    def signals():
        return [(e.detail["who"], e.detail["on"]) for e in published if e.kind == events.TYPING]

    return signals


def _conversation(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        agent = factories.user(db, acc.id, role=Role.AGENT)
        inbox = factories.inbox(db, acc.id, agent_ids=(agent.id,))
        login = factories.login(db, agent)
        visitor = factories.visitor_token()
        sent = visitor_chat.send_visitor_message(
            db, public_token=inbox.public_token, visitor_token=visitor, content="Hi"
        )
    widget = state_for(WidgetState, "")
    widget.visitor_token, widget._inbox_token, widget.conversation_ref = (
        visitor,
        inbox.public_token,
        sent.conversation_id,
    )
    page = state_for(ConversationState, login.token)
    page.number, page.conversation_ref = "1", sent.conversation_id
    return widget, page


async def test_the_visitors_typing_ends_when_the_message_is_sent(app_db, typing_signals):
    widget, _ = _conversation(app_db)
    widget.typing("")  # the field was left before anything was typed
    assert typing_signals() == []
    widget.typing("Ich")
    widget.typing("Ich hab")  # the next key at once: no second event
    assert typing_signals() == [("visitor", True)]
    widget.send({"content": "Ich habe eine Frage"})
    assert typing_signals() == [("visitor", True), ("visitor", False)]
    widget.typing("")  # leaving the emptied field afterwards says nothing more
    assert typing_signals() == [("visitor", True), ("visitor", False)]


async def test_the_agents_typing_ends_when_the_reply_is_sent_and_when_the_field_is_left(app_db, typing_signals):
    _, page = _conversation(app_db)
    await page.typing("Gern")
    await page.send({"content": "Gern geschehen"})
    assert typing_signals() == [("agent", True), ("agent", False)]
    await page.typing("Noch")
    await page.typing("")  # blur
    await page.typing("")  # and again: nothing new to tell
    assert typing_signals() == [("agent", True), ("agent", False), ("agent", True), ("agent", False)]


async def test_each_on_restarts_the_readers_clock(app_db):
    widget, page = _conversation(app_db)
    signal = events.ChatEvent(kind=events.TYPING, account_id=1, inbox_id=1, conversation_id=page.conversation_ref,
                              detail={"who": "visitor", "on": True})  # fmt: skip
    await page._on_chat_event(signal)
    await page._on_chat_event(signal)
    assert page.visitor_typing and page.typing_seq == 2
