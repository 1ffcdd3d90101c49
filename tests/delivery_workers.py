"""Runs the app's own webhook delivery worker(s) in a test, as every app process runs them."""

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from kiko_livechat import workers
from kiko_livechat.settings import PROJECT_ROOT


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


@contextmanager
def delivery_worker_processes(count: int) -> Iterator[None]:
    """`count` separate processes each running the app's delivery worker against the database
    and settings of this test's environment (KIKO_* variables), stopped afterwards."""
    command = [
        sys.executable,
        "-c",
        "import asyncio; from kiko_livechat import workers; asyncio.run(workers.deliver_webhooks())",
    ]
    processes = [subprocess.Popen(command, cwd=PROJECT_ROOT, env=dict(os.environ)) for _ in range(count)]
    try:
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


def wait_until(condition: Callable[[], bool], *, limit: float) -> None:
    deadline = time.monotonic() + limit
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
