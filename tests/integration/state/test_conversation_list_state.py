"""The conversation list of many agents' tabs hearing one event: tabs that show the same list
share one read of it, and a tab never gets a list it may not see."""

from sqlmodel import Session

from kiko_livechat.models import Role
from kiko_livechat.realtime import events
from kiko_livechat.services import conversations, visitor_chat
from kiko_livechat.state import live
from kiko_livechat.state.inbox import ConversationListState
from tests import factories
from tests.integration.state.states import state_for


def _desk(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        ben, clara, dora = (factories.login(db, factories.user(db, acc.id, role=Role.AGENT)) for _ in range(3))
        shop = factories.inbox(db, acc.id, agent_ids=[ben.actor.user_id, clara.actor.user_id])
        other = factories.inbox(db, acc.id, agent_ids=[dora.actor.user_id])
        sent = visitor_chat.send_visitor_message(
            db, public_token=shop.public_token, visitor_token=factories.visitor_token(), content="Hallo Shop"
        )
        visitor_chat.send_visitor_message(
            db, public_token=other.public_token, visitor_token=factories.visitor_token(), content="Hallo anderswo"
        )
    return ben, clara, dora, shop, sent


def _reads(monkeypatch) -> list[int]:
    """Counts the real list reads (the function still runs)."""
    calls = []
    real = conversations.list_conversations

    def counted(*args, **kwargs):
        calls.append(kwargs["actor"].user_id)
        return real(*args, **kwargs)

    monkeypatch.setattr(conversations, "list_conversations", counted)
    return calls


async def _deliver(tabs, event) -> None:
    """As the delivery loop does: the worker hears the event, then updates each tab."""
    seq = live.note_heard()
    with live.delivering_event(seq):
        for tab in tabs:
            await tab._on_chat_event(event)


async def test_tabs_with_the_same_list_share_one_read_per_event(app_db, monkeypatch):
    ben, clara, dora, shop, sent = _desk(app_db)
    tabs = [state_for(ConversationListState, person.token) for person in (ben, clara, dora)]
    reads = _reads(monkeypatch)
    event = events.ChatEvent(kind=events.CONVERSATION_UPDATED, account_id=shop.account_id, inbox_id=shop.id,
                             conversation_id=sent.conversation_id, detail={"changed": ["status"]})  # fmt: skip
    await _deliver(tabs, event)
    assert reads == [ben.actor.user_id, dora.actor.user_id]  # Clara shares Ben's read; Dora sees other inboxes
    assert [r["preview"] for r in tabs[0].rows] == [r["preview"] for r in tabs[1].rows] == ["Hallo Shop"]
    assert [r["preview"] for r in tabs[2].rows] == ["Hallo anderswo"]
    # Two more events are heard; Ben's tab updates for the second, Clara's for the first:
    # Ben's read (made after both were heard) is fresh enough for hers.
    first, second = live.note_heard(), live.note_heard()
    with live.delivering_event(second):
        await tabs[0]._on_chat_event(event)
    with live.delivering_event(first):
        await tabs[1]._on_chat_event(event)
    assert len(reads) == 3
    later = events.ChatEvent(**event.__dict__)  # heard after those reads: read again
    await _deliver(tabs, later)
    assert len(reads) == 5


async def test_mine_is_never_shared_between_agents(app_db, monkeypatch):
    ben, clara, dora, shop, sent = _desk(app_db)
    with Session(app_db) as db:
        conversations.assign(db, actor=ben.actor, conversation_id=sent.conversation_id, assignee_id=ben.actor.user_id)
    tabs = [state_for(ConversationListState, person.token) for person in (ben, clara)]
    for tab in tabs:
        tab.assignee_filter = "mine"
    reads = _reads(monkeypatch)
    event = events.ChatEvent(kind=events.CONVERSATION_UPDATED, account_id=shop.account_id, inbox_id=shop.id,
                             conversation_id=sent.conversation_id)  # fmt: skip
    await _deliver(tabs, event)
    assert len(reads) == 2
    assert [r["preview"] for r in tabs[0].rows] != [] and tabs[1].rows == []


async def test_a_message_or_a_read_marker_changes_one_row_without_reading_the_page(app_db, monkeypatch):
    """Issue 14: where the filters decide it from the event, a list takes the one row the event
    is about (read once for all tabs with that list) instead of its page, and ends up showing
    what a page read would."""
    ben, clara, dora, shop, sent = _desk(app_db)
    with Session(app_db, expire_on_commit=False) as db:
        visitor_chat.send_visitor_message(
            db, public_token=shop.public_token, visitor_token=factories.visitor_token(), content="Zweiter"
        )
    tabs = [state_for(ConversationListState, person.token) for person in (ben, clara)]
    for tab in tabs:
        tab._inbox_ids = [shop.id]
        tab._reload()
    assert [r["preview"] for r in tabs[0].rows] == ["Zweiter", "Hallo Shop"]
    page_reads = _reads(monkeypatch)
    row_reads = []
    real_row = conversations.list_row
    monkeypatch.setattr(
        conversations, "list_row", lambda *a, **k: row_reads.append(k["conversation_id"]) or real_row(*a, **k)
    )
    with Session(app_db, expire_on_commit=False) as db:
        again = visitor_chat.send_visitor_message(
            db, public_token=shop.public_token, visitor_token=sent.visitor.visitor_token, content="Noch da?",
            conversation_id=sent.conversation_id,
        )  # fmt: skip

    def about(kind, **detail):
        return events.ChatEvent(kind=kind, account_id=shop.account_id, inbox_id=shop.id,
                                conversation_id=sent.conversation_id, detail=detail)  # fmt: skip

    await _deliver(tabs, about(events.MESSAGE_CREATED))
    assert page_reads == [] and row_reads == [sent.conversation_id]  # one row, for both tabs
    assert [r["preview"] for r in tabs[1].rows] == ["Noch da?", "Zweiter"]
    assert tabs[0].rows[0]["unread"] == "2"
    await _deliver(tabs, about(events.CONVERSATION_UPDATED, changed=[events.CONTACT_SEEN]))
    assert row_reads == [sent.conversation_id]  # the visitor's read marker: nothing a list shows
    with Session(app_db) as db:
        conversations.mark_read(db, actor=ben.actor, conversation_id=again.conversation_id)
    await _deliver(tabs, about(events.CONVERSATION_UPDATED, changed=[events.AGENT_SEEN]))
    assert page_reads == [] and tabs[1].rows[0]["unread"] == ""
    with Session(app_db, expire_on_commit=False) as db:
        fresh = conversations.list_conversations(db, actor=ben.actor)
    assert [r["number"] for r in tabs[0].rows] == [str(r.display_id) for r in fresh.rows]
    assert [r["preview"] for r in tabs[0].rows] == [r.preview.text for r in fresh.rows]
