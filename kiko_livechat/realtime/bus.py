"""The event bus: in-process by default; Redis pub/sub when KIKO_REDIS_URL is set, so every
worker process hears every event and delivers it to the browsers connected to it."""

import asyncio
import logging
from collections.abc import AsyncIterator
from functools import lru_cache

from kiko_livechat.realtime.events import ChatEvent
from kiko_livechat.settings import get_settings

CHANNEL = "kiko:events"
log = logging.getLogger(__name__)


class InProcessBus:
    """One process: publishers and listeners share memory. Safe to publish from any thread."""

    def __init__(self) -> None:
        self._listeners: list[tuple[asyncio.AbstractEventLoop, asyncio.Queue]] = []

    def publish_all(self, events: list[ChatEvent]) -> None:
        for event in events:
            self.publish(event)

    def publish(self, event: ChatEvent) -> None:
        for loop, queue in list(self._listeners):
            try:
                loop.call_soon_threadsafe(queue.put_nowait, event)
            except RuntimeError:  # that listener's loop has closed
                self._listeners.remove((loop, queue))

    async def events(self) -> AsyncIterator[ChatEvent]:
        """Every event published from now on, until the caller stops iterating."""
        entry = (asyncio.get_running_loop(), asyncio.Queue())
        self._listeners.append(entry)
        try:
            while True:
                yield await entry[1].get()
        finally:
            self._listeners.remove(entry)


class RedisBus:
    """Several processes: a PUBLISH reaches the listener of every worker."""

    def __init__(self, url: str) -> None:
        import redis

        self._url = url
        self._client = redis.Redis.from_url(url)

    def publish(self, event: ChatEvent) -> None:
        self._client.publish(CHANNEL, event.to_json())

    def publish_all(self, events: list[ChatEvent]) -> None:
        """Several events in one round trip, in order (a handoff commits about ten)."""
        pipeline = self._client.pipeline(transaction=False)
        for event in events:
            pipeline.publish(CHANNEL, event.to_json())
        pipeline.execute()

    async def events(self) -> AsyncIterator[ChatEvent]:
        import redis.asyncio

        client = redis.asyncio.Redis.from_url(self._url)
        pubsub = client.pubsub()
        await pubsub.subscribe(CHANNEL)
        try:
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    try:
                        yield ChatEvent.from_json(message["data"])
                    except (TypeError, ValueError):
                        log.warning("ignored a malformed event on %s", CHANNEL)
        finally:
            await pubsub.aclose()
            await client.aclose()


@lru_cache
def get_bus() -> InProcessBus | RedisBus:
    """The process's bus, chosen by the settings."""
    url = get_settings().redis_url
    return RedisBus(url) if url else InProcessBus()
