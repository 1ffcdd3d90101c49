"""Delivery of chat events to the browsers connected to this worker process.

Each worker keeps the tabs whose websocket it holds (registered by the page's on_load; a tab
holds at most one listener per slot: the page it shows, and its alerts) and
listens to the bus (in-process, or Redis for several workers). For every event the recipients
module decides who hears it; each of those tabs' states is then told to catch up from the
database by message id. A nudge that arrives twice or a tab that missed one (reconnect, worker
restart) therefore neither doubles nor loses a message: the next catch-up reads what is there.
"""

import asyncio
import contextlib
import contextvars
import logging
import time

import reflex as rx

from kiko_livechat.realtime.bus import get_bus
from kiko_livechat.realtime.events import MESSAGE_CREATED, PRESENCE, TYPING, ChatEvent, alerted
from kiko_livechat.realtime.recipients import Client, receives

log = logging.getLogger(__name__)
# Reflex warns for every update sent to a tab that has just gone; that is expected here.
logging.getLogger("reflex.app").setLevel(logging.ERROR)

# Live pages resync this often: they re-register (e.g. after reconnecting to another worker)
# and catch up from the database, so a missed nudge delays a message by at most this long.
RESYNC_SECONDS = 20
FORGET_AFTER_SECONDS = 10 * RESYNC_SECONDS

# The page a tab shows listens in this slot; opening another page replaces or ends it, so a
# conversation left behind is not caught up on (and marked read) any more.
PAGE = "page"
# The conversation list, beside the open conversation (the inbox's three panes) or alone.
LIST = "list"
# The lists of this worker's tabs are updated together, at most this often: the first event
# after a quiet spell shows at once, events meanwhile wait for the next round. Every agent tab
# shows a list, so in a busy account this bounds what lists cost, and one round's tabs share
# their reads (state/inbox.py): a round reads each distinct list once, not once per tab. The
# open conversation is never held back.
LIST_MIN_INTERVAL = 1.0
# A list waits while alerts and open conversations are being updated (a handoff alerts every
# agent of the inbox at once; the sound should not wait for fifty list reloads), but no longer
# than this per round.
LIST_YIELD_SECONDS = 0.5
# The tab's alert listener, on every dashboard page.
ALERTS = "alerts"
# (client token, slot) -> who this listener is, and the state class that catches up
Listener = tuple[str, str]
_clients: dict[Listener, tuple[Client, type[rx.State]]] = {}
_seen: dict[Listener, float] = {}
# The listeners by what they listen to, so that an event is checked against the few tabs that
# may hear it, not against every tab of the worker (thousands of idle visitors): those of one
# conversation (a visitor's, an open conversation) by its id, the rest (lists, alerts, a
# visitor who has not written yet) by account.
_of_conversation: dict[int, set[Listener]] = {}
_of_account: dict[int, set[Listener]] = {}


def register(client_token: str, client: Client, state_cls: type[rx.State], slot: str = PAGE) -> None:
    """This tab (on this worker) wants the events `client` may hear, delivered to `state_cls`."""
    listener = (client_token, slot)
    _forget(listener)
    now = time.monotonic()
    _clients[listener] = (client, state_cls)
    _seen[listener] = now
    _sweep(now)
    _index_of(client).setdefault(_index_key(client), set()).add(listener)


_swept_at = 0.0


def _sweep(now: float) -> None:
    """Forget the listeners of tabs that have gone: a tab that is there registers again with
    every resync, so one not seen for FORGET_AFTER_SECONDS is closed (checked at most once
    per RESYNC_SECONDS; without it a visitor who left stayed in memory until an event for
    their conversation came)."""
    global _swept_at
    if now - _swept_at < RESYNC_SECONDS:
        return
    _swept_at = now
    for (token, slot), seen in list(_seen.items()):
        if now - seen > FORGET_AFTER_SECONDS:
            unregister(token, slot)


def unregister(client_token: str, slot: str = PAGE) -> None:
    _forget((client_token, slot))
    _seen.pop((client_token, slot), None)


def _forget(listener: Listener) -> None:
    entry = _clients.pop(listener, None)
    if entry is None:
        return
    index, key = _index_of(entry[0]), _index_key(entry[0])
    listeners = index.get(key)
    if listeners is not None:
        listeners.discard(listener)
        if not listeners:
            del index[key]


def _index_of(client: Client) -> dict[int, set[Listener]]:
    return _of_conversation if client.conversation_id is not None else _of_account


def _index_key(client: Client) -> int:
    return client.conversation_id if client.conversation_id is not None else client.account_id


def _candidates(event: ChatEvent) -> list[Listener]:
    """The listeners that may hear `event` (recipients.receives decides); whether anybody is
    online in an inbox is for all its visitors, and rare: those look at every listener."""
    if event.kind == PRESENCE:
        return list(_clients)
    return [*_of_conversation.get(event.conversation_id, ()), *_of_account.get(event.account_id, ())]


def leave_page(client_token: str) -> None:
    """The tab shows another dashboard page: what the last one listened to ends (its alerts go on)."""
    unregister(client_token, PAGE)
    unregister(client_token, LIST)


def listening(client_token: str) -> set[type[rx.State]]:
    """The state classes that hear events for this tab on this worker."""
    return {state_cls for (token, _), (_, state_cls) in list(_clients.items()) if token == client_token}


def run_soon(work, *args) -> None:
    """Database work that need not hold up the update a tab is waiting for (read markers): it
    runs in a thread after the current event, and a failure is only logged."""

    async def runner():
        try:
            await asyncio.to_thread(work, *args)
        except Exception:
            log.exception("background work %s failed", getattr(work, "__name__", work))

    asyncio.get_running_loop().create_task(runner())


def registered() -> int:
    return len(_clients)


# Listeners being updated right now, and what each of them still has to hear (with the sequence
# number of the newest event among it).
_busy: set[Listener] = set()
_pending: dict[Listener, tuple[tuple[ChatEvent, ...], int]] = {}
# A tab's alert listener hears few events, and each matters (a sound, a conversation more or
# less in the unread count): those arriving while it is busy wait in order, each its own update.
_pending_alerts: dict[Listener, list[tuple[ChatEvent, int]]] = {}

# Events this worker has heard so far. An event is published after its transaction committed,
# so a read that starts once event n was heard sees everything event n is about: tabs whose
# updates are for event n or earlier may share that read (state/inbox.py does for the list).
_heard = 0
_delivering: contextvars.ContextVar[int] = contextvars.ContextVar("delivering", default=0)


def heard() -> int:
    """How many events this worker has heard so far (the sequence number of the newest)."""
    return _heard


def delivering() -> int:
    """The sequence number of the event the tab being updated hears now (0 outside delivery):
    a read made after that many events were heard is fresh enough for this update."""
    return _delivering.get()


@contextlib.contextmanager
def delivering_event(seq: int):
    token = _delivering.set(seq)
    try:
        yield
    finally:
        _delivering.reset(token)


def note_heard() -> int:
    global _heard
    _heard += 1
    return _heard


async def run_delivery(app: rx.App) -> None:
    """Lifespan task (cancelled at shutdown): hear every event, hand it to the tabs that may see it."""
    async for event in get_bus().events():
        seq = note_heard()
        for listener in _candidates(event):
            entry = _clients.get(listener)
            if entry is not None and receives(entry[0], event):
                _schedule(app, listener, event, seq)


def _schedule(app: rx.App, listener: Listener, event: ChatEvent, seq: int = 0) -> None:
    """One update per tab at a time. Events arriving meanwhile wait and are heard together in
    one more update, so a burst costs each tab two updates, not fifty; of those that only
    restate something (typing, a read marker, a change that reloads the header) the newest
    replaces the one before. A tab's alert listener hears every event meant for it, in order,
    each in its own update (each its own sound)."""
    if listener[1] == LIST:
        _schedule_list_round(app, listener, event, seq)
        return
    if listener in _busy:
        if listener[1] == ALERTS:
            _pending_alerts.setdefault(listener, []).append((event, seq))
        else:
            waiting, newest = _pending.get(listener, ((), 0))
            _pending[listener] = (_joined(waiting, event), max(seq, newest))
        return
    _busy.add(listener)
    asyncio.create_task(_drain(app, listener, ((event,), seq)))


def _joined(waiting: tuple[ChatEvent, ...], event: ChatEvent) -> tuple[ChatEvent, ...]:
    """`event` after those waiting, which it replaces where it restates them. A message is
    never replaced (found by the soak bench: a visitor's read marker replaced the message before
    it, which a marker does not read, and the message stayed unshown until the next resync),
    nor is an event that alerts someone."""
    key = _restates(event)
    if key is not None:
        waiting = tuple(e for e in waiting if _restates(e) != key)
    return (*waiting, event)


def _restates(event: ChatEvent) -> tuple | None:
    """What the event says, where a newer event of the same says it again (None: it counts by itself)."""
    if event.kind == MESSAGE_CREATED or alerted(event):
        return None
    changed = event.detail.get("changed") or ()
    # A typing signal is the visitor's or an agent's: one does not restate the other.
    return (event.kind, event.conversation_id, event.inbox_id, tuple(sorted(changed)), event.detail.get("who"))


async def _drain(app: rx.App, listener: Listener, next_up: tuple[tuple[ChatEvent, ...], int] | None) -> None:
    try:
        while next_up is not None:
            with delivering_event(next_up[1]):
                await _deliver(app, listener, *next_up[0])
            next_up = _pending.pop(listener, None) or _next_alert(listener)
    finally:
        _busy.discard(listener)


def _next_alert(listener: Listener) -> tuple[tuple[ChatEvent, ...], int] | None:
    queued = _pending_alerts.get(listener)
    if not queued:
        return None
    event, seq = queued.pop(0)
    if not queued:
        del _pending_alerts[listener]
    return (event,), seq


# Lists waiting for the next round (the events each heard meanwhile, and the sequence number of
# the newest), and the round. A list takes up to LIST_DELTA_EVENTS events as they are (it changes
# the rows they are about, state/inbox.py); beyond that one "refresh" reads its page afresh,
# which is then cheaper than a row per event.
LIST_DELTA_EVENTS = 3
REFRESH = ChatEvent(kind="refresh", account_id=0, inbox_id=0, conversation_id=0)
_list_waiting: dict[Listener, tuple[tuple[ChatEvent, ...], int]] = {}
_list_round: asyncio.Task | None = None
_list_round_at = 0.0


def _schedule_list_round(app: rx.App, listener: Listener, event: ChatEvent, seq: int) -> None:
    global _list_round
    if event.kind == TYPING:  # a list shows no typing
        return
    heard, newest = _list_waiting.get(listener, ((), 0))
    if event not in heard:
        heard = (*heard, event) if len(heard) < LIST_DELTA_EVENTS and REFRESH not in heard else (REFRESH,)
    _list_waiting[listener] = (heard, max(seq, newest))
    if _list_round is None or _list_round.done():
        _list_round = asyncio.create_task(_run_list_rounds(app))


async def _run_list_rounds(app: rx.App) -> None:
    """Rounds until no list waits: each starts LIST_MIN_INTERVAL after the one before and
    updates every list that heard something meanwhile."""
    global _list_round_at
    while _list_waiting:
        await asyncio.sleep(max(0.0, _list_round_at + LIST_MIN_INTERVAL - time.monotonic()))
        _list_round_at = time.monotonic()
        round_ = dict(_list_waiting)
        _list_waiting.clear()
        yield_until = time.monotonic() + LIST_YIELD_SECONDS
        for listener, (heard, seq) in round_.items():
            while _busy and time.monotonic() < yield_until:
                await asyncio.sleep(0.002)
            # Between two tabs, whatever else is ready runs (a visitor's message waiting to be
            # stored): a round of fifty lists would otherwise hold the worker for its whole length.
            await asyncio.sleep(0)
            with delivering_event(seq):
                await _deliver(app, listener, *heard)


async def _deliver(app: rx.App, listener: Listener, *heard: ChatEvent) -> None:
    """One update of the tab's state with the events it heard (one, but for a list's round)."""
    token, slot = listener
    registered = _clients.get(listener)
    if registered is None:  # the tab moved on meanwhile
        return
    state_cls = registered[1]
    if not _connected(app, token):
        # Not connected right now (closed, or reconnecting). A tab that comes back catches up
        # from the database on its next resync; one that never does is forgotten.
        if time.monotonic() - _seen.get(listener, 0) > FORGET_AFTER_SECONDS:
            unregister(token, slot)
        return
    try:
        async with app.modify_state(rx.BaseStateToken(ident=token, cls=state_cls)) as root:
            state = await root.get_state(state_cls)
            for event in heard:
                await state._on_chat_event(event)
    except Exception:  # one broken tab must not stop the delivery to the others
        log.exception("delivering %s to a tab failed", ", ".join(event.kind for event in heard))


def _connected(app: rx.App, token: str) -> bool:
    """Whether the tab's websocket is on this worker now. Reflex's `token_to_sid` copies its whole
    table into a new dict on every access (O(connected tabs) per delivery); its token manager's
    own table is asked directly where it has one."""
    namespace = app.event_namespace
    if namespace is None:
        return False
    sockets = getattr(getattr(namespace, "_token_manager", None), "token_to_socket", None)
    return token in (sockets if sockets is not None else namespace.token_to_sid)
