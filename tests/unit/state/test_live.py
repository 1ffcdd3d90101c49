"""Delivery to the tabs of this worker: one update per tab at a time, and the conversation lists
updated in rounds at most every LIST_MIN_INTERVAL however many events arrive."""

import asyncio
import contextlib
from types import SimpleNamespace

from kiko_livechat.realtime.events import MESSAGE_CREATED, TYPING, ChatEvent
from kiko_livechat.realtime.recipients import AGENT, Client
from kiko_livechat.state import live


class _Tab:
    def __init__(self):
        self.heard: list[int] = []

    async def _on_chat_event(self, event):
        self.heard.append(event.conversation_id)


class _App:
    """What delivery needs of the Reflex app: the connected tokens and their states."""

    def __init__(self, token, tabs):
        self.event_namespace = SimpleNamespace(token_to_sid={token: "sid"})
        self._tabs = tabs

    @contextlib.asynccontextmanager
    async def modify_state(self, _token):
        async def get_state(cls):
            return self._tabs[cls]

        yield SimpleNamespace(get_state=get_state)


def _event(n: int) -> ChatEvent:
    return ChatEvent(kind=MESSAGE_CREATED, account_id=1, inbox_id=1, conversation_id=n)


class _ListState:
    pass


class _PageState:
    pass


async def test_a_burst_reaches_the_list_as_the_first_event_and_then_the_last(monkeypatch):
    monkeypatch.setattr(live, "LIST_MIN_INTERVAL", 0.2)
    tabs = {_ListState: _Tab(), _PageState: _Tab()}
    app = _App("tok", tabs)
    client = Client(kind=AGENT, account_id=1, inbox_ids=frozenset({1}))
    live.register("tok", client, _ListState, slot=live.LIST)
    live.register("tok", client, _PageState, slot=live.PAGE)
    try:
        for n in range(1, 21):  # 20 events, a millisecond apart
            live._schedule(app, ("tok", live.LIST), _event(n))
            live._schedule(app, ("tok", live.PAGE), _event(n))
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.05)
        assert tabs[_ListState].heard == [1]  # the first at once, the rest waits for the interval
        assert tabs[_PageState].heard[-1] == 20  # the open conversation is never held back
        await asyncio.sleep(0.3)
        # The burst became one more update: too many events for row changes, a refresh of the page.
        assert tabs[_ListState].heard == [1, live.REFRESH.conversation_id]
    finally:
        live.leave_page("tok")
    assert live.listening("tok") == set()


class _OtherListState:
    pass


async def test_the_lists_of_all_tabs_are_updated_in_one_round_and_hear_no_typing(monkeypatch):
    monkeypatch.setattr(live, "LIST_MIN_INTERVAL", 0.2)
    tabs = {_ListState: _Tab(), _OtherListState: _Tab()}
    app = _App("a", tabs)
    app.event_namespace.token_to_sid["b"] = "sid-b"
    client = Client(kind=AGENT, account_id=1, inbox_ids=frozenset({1}))
    live.register("a", client, _ListState, slot=live.LIST)
    live.register("b", client, _OtherListState, slot=live.LIST)
    typing = ChatEvent(kind=TYPING, account_id=1, inbox_id=1, conversation_id=9, detail={"on": True})
    try:
        await asyncio.sleep(0.25)  # a quiet spell: the next round may start at once
        live._schedule(app, ("a", live.LIST), typing)
        await asyncio.sleep(0.05)
        assert tabs[_ListState].heard == []
        live._schedule(app, ("a", live.LIST), _event(1))
        await asyncio.sleep(0.05)
        live._schedule(app, ("b", live.LIST), _event(2))
        live._schedule(app, ("a", live.LIST), _event(3))
        await asyncio.sleep(0.05)
        assert (tabs[_ListState].heard, tabs[_OtherListState].heard) == ([1], [])
        await asyncio.sleep(0.25)  # the next round takes both tabs together
        assert (tabs[_ListState].heard, tabs[_OtherListState].heard) == ([1, 3], [2])
    finally:
        live.leave_page("a")
        live.leave_page("b")


def test_an_event_is_checked_only_against_the_tabs_that_may_hear_it():
    from kiko_livechat.realtime.events import presence
    from kiko_livechat.realtime.recipients import ALERTS, VISITOR

    def visitor(conversation_id):
        return Client(kind=VISITOR, account_id=1, inbox_ids=frozenset({1}), conversation_id=conversation_id)

    for n in range(1000):  # idle visitors of other conversations
        live.register(f"idle{n}", visitor(10_000 + n), _PageState)
    live.register("mine", visitor(7), _PageState)
    live.register("new", visitor(None), _PageState)  # has not written yet
    live.register(
        "agent", Client(kind=ALERTS, account_id=1, inbox_ids=frozenset({1}), user_id=3), _ListState, slot=live.ALERTS
    )
    live.register(
        "other", Client(kind=ALERTS, account_id=2, inbox_ids=frozenset({5}), user_id=4), _ListState, slot=live.ALERTS
    )
    ours = {f"idle{n}" for n in range(1000)} | {"mine", "new", "agent", "other"}

    def candidates(event):  # other tests' tabs may still be registered in this process
        return sorted(c for c in live._candidates(event) if c[0] in ours)

    try:
        assert candidates(_event(7)) == [("agent", live.ALERTS), ("mine", live.PAGE), ("new", live.PAGE)]
        # Moving to another conversation (the first message) moves the tab in the index.
        live.register("new", visitor(8), _PageState)
        assert ("new", live.PAGE) not in candidates(_event(7))
        assert ("new", live.PAGE) in candidates(_event(8))
        # Whether anybody is online goes to every visitor of the inbox: all are looked at.
        assert len(candidates(presence(account_id=1, inbox_id=1, online=True))) == 1004
    finally:
        for token in [f"idle{n}" for n in range(1000)] + ["mine", "new"]:
            live.unregister(token)
        live.unregister("agent", live.ALERTS)
        live.unregister("other", live.ALERTS)
    assert candidates(_event(7)) == [] and 10_000 not in live._of_conversation


class _SlowTab(_Tab):
    def __init__(self, log):
        super().__init__()
        self.log = log

    async def _on_chat_event(self, event):
        await asyncio.sleep(0.1)  # an alert being delivered
        self.log.append("alert")


class _LoggingTab(_Tab):
    def __init__(self, log):
        super().__init__()
        self.log = log

    async def _on_chat_event(self, event):
        self.log.append("list")


class _AlertsState:
    pass


async def test_lists_wait_while_alerts_are_delivered():
    log: list[str] = []
    tabs = {_AlertsState: _SlowTab(log), _ListState: _LoggingTab(log)}
    app = _App("t", tabs)
    client = Client(kind=AGENT, account_id=1, inbox_ids=frozenset({1}))
    live.register("t", client, _AlertsState, slot=live.ALERTS)
    live.register("t", client, _ListState, slot=live.LIST)
    try:
        await asyncio.sleep(live.LIST_MIN_INTERVAL)  # no round ran lately: the next starts at once
        live._schedule(app, ("t", live.ALERTS), _event(1))
        live._schedule(app, ("t", live.LIST), _event(1))
        await asyncio.sleep(0.3)
        assert log == ["alert", "list"]
    finally:
        live.leave_page("t")
        live.unregister("t", live.ALERTS)


async def test_alerts_arriving_together_are_each_heard():
    """Found by the soak bench: a handoff's alert replaced another one waiting for the same tab,
    whose sound and count were then lost."""
    log: list[int] = []

    class _Counting(_Tab):
        async def _on_chat_event(self, event):
            await asyncio.sleep(0.02)
            log.append(event.conversation_id)

    app = _App("t", {_AlertsState: _Counting()})
    live.register("t", Client(kind=AGENT, account_id=1, inbox_ids=frozenset({1})), _AlertsState, slot=live.ALERTS)

    def alert(n):
        return ChatEvent(
            kind=MESSAGE_CREATED, account_id=1, inbox_id=1, conversation_id=n, detail={"alerts": [[1, "handoff"]]}
        )

    try:
        for n in (1, 2, 3, 4):
            live._schedule(app, ("t", live.ALERTS), alert(n))
        live._schedule(app, ("t", live.ALERTS), _event(5))  # e.g. one of them read in another tab
        await asyncio.sleep(0.3)
        assert log == [1, 2, 3, 4, 5]
    finally:
        live.unregister("t", live.ALERTS)


def test_the_listeners_of_tabs_that_have_gone_are_forgotten(monkeypatch):
    client = Client(kind=AGENT, account_id=1, inbox_ids=frozenset({1}), conversation_id=77)
    clock = [1000.0]
    monkeypatch.setattr(live, "_swept_at", 0.0)
    monkeypatch.setattr(live.time, "monotonic", lambda: clock[0])
    live.register("gone", client, _PageState)
    clock[0] += live.FORGET_AFTER_SECONDS / 2
    live.register("here", client, _PageState)
    clock[0] += live.FORGET_AFTER_SECONDS / 2 + 1  # "gone" sent nothing for longer than that
    live.register("here", client, _PageState)  # a resync
    try:
        assert ("gone", live.PAGE) not in live._clients and ("here", live.PAGE) in live._clients
        assert [c for c in live._candidates(_event(77)) if c[0] in ("gone", "here")] == [("here", live.PAGE)]
    finally:
        live.unregister("here")


async def test_a_message_waiting_for_a_busy_tab_is_kept_when_a_read_marker_follows():
    """Found by the soak bench: a message event waiting for a busy tab was replaced by the
    visitor's read marker that came next; the marker moves only the ticks, so the message
    stayed unshown until the page's next resync (never, for a client without the timer)."""
    from kiko_livechat.realtime.events import CONTACT_SEEN, CONVERSATION_UPDATED

    heard: list[tuple[str, int]] = []

    class _Recording(_Tab):
        async def _on_chat_event(self, event):
            await asyncio.sleep(0.02)
            heard.append((event.kind, event.message_id or 0))

    def message(n):
        return ChatEvent(kind=MESSAGE_CREATED, account_id=1, inbox_id=1, conversation_id=7, message_id=n)

    def seen(at):
        return ChatEvent(
            kind=CONVERSATION_UPDATED, account_id=1, inbox_id=1, conversation_id=7,
            detail={"changed": [CONTACT_SEEN], "seen_at": at},
        )  # fmt: skip

    def typing(on):
        return ChatEvent(kind=TYPING, account_id=1, inbox_id=1, conversation_id=7, detail={"on": on})

    app = _App("t", {_PageState: _Recording()})
    live.register("t", Client(kind=AGENT, account_id=1, inbox_ids=frozenset({1}), conversation_id=7), _PageState)
    try:
        live._schedule(app, ("t", live.PAGE), message(1))  # being delivered
        for event in (message(2), seen("a"), typing(True), message(3), seen("b"), typing(False)):
            live._schedule(app, ("t", live.PAGE), event)  # all wait for the tab
        await asyncio.sleep(0.3)
        # Both messages are heard; of the read markers and typing signals only the newest each.
        assert heard == [(MESSAGE_CREATED, 1), (MESSAGE_CREATED, 2), (MESSAGE_CREATED, 3),
                         (CONVERSATION_UPDATED, 0), (TYPING, 0)]  # fmt: skip
    finally:
        live.unregister("t")
