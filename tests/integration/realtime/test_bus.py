"""Events leave only after COMMIT, through the in-process bus and through Redis."""

import asyncio

import pytest

from kiko_livechat.realtime import events
from kiko_livechat.realtime.bus import InProcessBus, RedisBus, get_bus
from kiko_livechat.services import visitor_chat
from tests import databases, factories


async def _collect(bus, count: int, action, timeout: float = 3.0) -> list:
    received = []

    async def listen():
        async for event in bus.events():
            received.append(event)
            if len(received) >= count:
                return

    task = asyncio.create_task(listen())
    await asyncio.sleep(0.05 if isinstance(bus, InProcessBus) else 0.3)  # subscribed before publishing
    action()
    try:
        await asyncio.wait_for(task, timeout)
    except TimeoutError:
        pass
    return received


async def test_a_committed_message_is_published_once_and_a_rolled_back_one_never(db):
    acc = factories.active_account(db)
    inbox = factories.inbox(db, acc.id)
    bus = get_bus()
    assert isinstance(bus, InProcessBus)

    def send():
        visitor_chat.send_visitor_message(
            db, public_token=inbox.public_token, visitor_token=factories.visitor_token(), content="Hallo"
        )

    received = await _collect(bus, 2, send)
    assert [e.kind for e in received] == [events.CONVERSATION_CREATED, events.MESSAGE_CREATED]
    assert received[1].account_id == acc.id and received[1].message_id

    def refused():
        from kiko_livechat.realtime.outbox import emit

        emit(db, events.ChatEvent(kind=events.MESSAGE_CREATED, account_id=acc.id, inbox_id=inbox.id, conversation_id=1))
        db.rollback()

    assert await _collect(bus, 1, refused, timeout=0.3) == []


async def test_the_redis_bus_reaches_another_listener():
    reason = databases.redis_unavailable_reason()
    if reason:
        if databases.IN_CI:
            pytest.fail(f"CI=true requires Redis: {reason}")
        pytest.skip(reason)
    publisher, listener = RedisBus(databases.REDIS_URL), RedisBus(databases.REDIS_URL)
    event = events.ChatEvent(kind=events.TYPING, account_id=1, inbox_id=2, conversation_id=3, detail={"on": True})
    received = await _collect(listener, 1, lambda: publisher.publish(event))
    assert received == [event]


async def test_the_events_of_one_commit_reach_redis_in_one_round_trip_in_order():
    reason = databases.redis_unavailable_reason()
    if reason:
        if databases.IN_CI:
            pytest.fail(f"CI=true requires Redis: {reason}")
        pytest.skip(reason)
    publisher, listener = RedisBus(databases.REDIS_URL), RedisBus(databases.REDIS_URL)
    sent = [events.ChatEvent(kind=events.TYPING, account_id=1, inbox_id=2, conversation_id=n) for n in range(5)]
    received = await _collect(listener, 5, lambda: publisher.publish_all(sent))
    assert received == sent
