"""Runs the app's own webhook delivery worker(s) in a test, as every app process runs them."""

import asyncio
import time
from collections.abc import Callable

from kiko_livechat import workers


def run_delivery_workers(until: Callable[[], bool], *, count: int = 1, limit: float = 30.0) -> None:
    """Run `count` delivery workers side by side until `until()` holds (at most `limit` seconds).
    Each claims through its own sessions, as separate processes would."""

    async def main() -> None:
        tasks = [asyncio.create_task(workers.deliver_webhooks()) for _ in range(count)]
        try:
            deadline = time.monotonic() + limit
            while not until() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(main())
