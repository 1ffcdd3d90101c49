"""Who hears which event."""

import pytest

from kiko_livechat.realtime.events import (
    CONVERSATION_CREATED,
    CONVERSATION_UPDATED,
    MESSAGE_CREATED,
    TYPING,
    ChatEvent,
)
from kiko_livechat.realtime.recipients import AGENT, ALERTS, VISITOR, Client, receives

AGENT_A = Client(kind=AGENT, account_id=1, inbox_ids=frozenset({10, 11}), user_id=5)
AGENT_OTHER_INBOX = Client(kind=AGENT, account_id=1, inbox_ids=frozenset({12}), user_id=6)
AGENT_B = Client(kind=AGENT, account_id=2, inbox_ids=frozenset({10}), user_id=7)
VISITOR_A = Client(kind=VISITOR, account_id=1, inbox_ids=frozenset({10}), conversation_id=100)
VISITOR_OTHER = Client(kind=VISITOR, account_id=1, inbox_ids=frozenset({10}), conversation_id=101)


def _event(kind=MESSAGE_CREATED, private=False, **detail) -> ChatEvent:
    return ChatEvent(kind=kind, account_id=1, inbox_id=10, conversation_id=100, message_id=1, private=private,
                     detail=detail)  # fmt: skip


def test_a_message_reaches_the_inbox_agents_and_its_visitor_only():
    event = _event()
    assert [receives(c, event) for c in (AGENT_A, AGENT_OTHER_INBOX, AGENT_B, VISITOR_A, VISITOR_OTHER)] == [
        True, False, False, True, False,
    ]  # fmt: skip


def test_private_notes_never_reach_a_visitor():
    event = _event(private=True)
    assert receives(AGENT_A, event)
    assert not receives(VISITOR_A, event)


@pytest.mark.parametrize("kind,visitor_hears", [(CONVERSATION_CREATED, False), (CONVERSATION_UPDATED, True)])
def test_conversation_events(kind, visitor_hears):
    assert receives(AGENT_A, _event(kind))
    assert receives(VISITOR_A, _event(kind)) is visitor_hears


def test_typing_is_not_echoed_to_its_author():
    agent_typing = _event(TYPING, who=AGENT, user_id=5, on=True)
    assert receives(VISITOR_A, agent_typing)
    assert not receives(AGENT_A, agent_typing)
    visitor_typing = _event(TYPING, who=VISITOR, on=True)
    assert receives(AGENT_A, visitor_typing)
    assert not receives(VISITOR_A, visitor_typing)


def test_events_survive_the_wire():
    event = _event(TYPING, who=AGENT, on=True)
    assert ChatEvent.from_json(event.to_json()) == event


def test_an_agent_page_showing_one_conversation_hears_only_that_one():
    viewing = Client(kind=AGENT, account_id=1, inbox_ids=frozenset({10}), user_id=5, conversation_id=100)
    assert receives(viewing, _event())
    other = ChatEvent(kind=MESSAGE_CREATED, account_id=1, inbox_id=10, conversation_id=999, message_id=2)
    assert not receives(viewing, other)


def test_an_alert_listener_hears_what_alerts_its_user_or_changes_its_count():
    listener = Client(kind=ALERTS, account_id=1, inbox_ids=frozenset({10}), user_id=5, watched=frozenset({200}))
    assert receives(listener, _event(alerts=[[5, "message"]]))
    assert not receives(listener, _event(alerts=[[6, "message"]]))  # someone else's alert
    assert not receives(listener, _event())  # nothing for it, nothing it counts
    counted = ChatEvent(kind=CONVERSATION_UPDATED, account_id=1, inbox_id=10, conversation_id=200)
    assert receives(listener, counted)  # e.g. read in another tab: the count goes down
    more = ChatEvent(kind=MESSAGE_CREATED, account_id=1, inbox_id=10, conversation_id=200)
    assert not receives(listener, more)  # one more message in a counted conversation: same count
    assert not receives(listener, ChatEvent(kind=TYPING, account_id=1, inbox_id=10, conversation_id=200))
    elsewhere = ChatEvent(kind=MESSAGE_CREATED, account_id=2, inbox_id=10, conversation_id=100,
                          detail={"alerts": [[5, "message"]]})  # fmt: skip
    assert not receives(listener, elsewhere)


def test_whether_anybody_is_online_reaches_only_the_visitors_of_that_inbox():
    from kiko_livechat.realtime.events import presence

    online = presence(account_id=1, inbox_id=10, online=True)
    no_conversation_yet = Client(kind=VISITOR, account_id=1, inbox_ids=frozenset({10}))
    other_inbox = Client(kind=VISITOR, account_id=1, inbox_ids=frozenset({11}))
    other_account = Client(kind=VISITOR, account_id=2, inbox_ids=frozenset({10}))
    alerts = Client(kind=ALERTS, account_id=1, inbox_ids=frozenset({10}), user_id=5)
    assert [receives(c, online) for c in (VISITOR_A, VISITOR_OTHER, no_conversation_yet)] == [True] * 3
    assert [receives(c, online) for c in (other_inbox, other_account, AGENT_A, alerts)] == [False] * 4


def test_read_markers_wake_only_the_tabs_that_show_them():
    from kiko_livechat.realtime.events import AGENT_SEEN, CONTACT_SEEN, LABEL_LOOK, LABELS, PRIORITY

    def update(*changed):
        return _event(CONVERSATION_UPDATED, changed=list(changed))

    counting = Client(kind=ALERTS, account_id=1, inbox_ids=frozenset({10}), user_id=5, watched=frozenset({100}))
    # An agent read it: the agents' pages and unread counts, not the visitor's page.
    assert [receives(c, update(AGENT_SEEN)) for c in (AGENT_A, counting, VISITOR_A)] == [True, True, False]
    # The visitor's page showed it: the agents' "seen" ticks, no unread count, not the visitor.
    assert [receives(c, update(CONTACT_SEEN)) for c in (AGENT_A, counting, VISITOR_A)] == [True, False, False]
    for invisible in (PRIORITY, LABELS, LABEL_LOOK):
        assert not receives(VISITOR_A, update(invisible)) and not receives(counting, update(invisible))
        assert receives(AGENT_A, update(invisible))
    # What the visitor's page shows still reaches it, also beside a read marker.
    assert receives(VISITOR_A, update("status")) and receives(VISITOR_A, update("status", AGENT_SEEN))
    assert receives(VISITOR_A, update("assignee"))
    assert receives(counting, update("assignee"))
