"""What the live-chat benches share: the real app in either setup, signed-in agents, raw
Socket.IO visitors and agent tabs on their conversations, timed messages, the bot's one-call
handoff, the server's CPU and memory, and the bare websocket echo floor.

Used by bench/chat_load.py, alert_bench.py, handoff_bench.py and soak.py.
"""

import asyncio
import contextlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# Fixture users need a password hash; the benches measure the chat, not argon2.
os.environ.setdefault("KIKO_PASSWORD_MEMORY_KIB", "1024")
os.environ.setdefault("KIKO_PASSWORD_TIME_COST", "1")

import httpx  # noqa: E402
import redis  # noqa: E402
import websockets  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from bench.reflex_socket import ALERTS, CONVERSATION, WIDGET, ReflexSocket  # noqa: E402
from kiko_livechat.db import make_engine  # noqa: E402
from kiko_livechat.models import Conversation, Inbox, InboxMember  # noqa: E402
from kiko_livechat.services import auth, provisioning  # noqa: E402
from kiko_livechat.state.live import RESYNC_SECONDS  # noqa: E402
from tests import databases  # noqa: E402
from tests.e2e.conftest import running_app  # noqa: E402

CONNECT_CONCURRENCY = 50
_REF = re.compile(r'"conversation_ref_rx_state_":(\d+)')

# The bot's transcript and reason for handing over (bench/handoff_bench.py's floor writes the same rows).
TRANSCRIPT = [("incoming", "Hallo, mein Paket fehlt"), ("outgoing", "Ich schaue nach."),
              ("incoming", "Bestellung 4711"), ("outgoing", "Ich finde sie nicht."),
              ("incoming", "Bitte einen Menschen")]  # fmt: skip
REASON = "Bot weiß nicht weiter"


@contextlib.contextmanager
def serving(workers: int, database: str, env: dict[str, str] | None = None, prefix: str = "kiko-bench-"):
    """The real app: one worker on SQLite, or `workers` workers on PostgreSQL (a database named
    `database`, dropped afterwards) + Redis."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    env = dict(env or {})
    if workers > 1:
        redis.Redis.from_url(databases.REDIS_URL).flushdb()
        url = databases.create_postgres_database(database)
        env |= {"KIKO_REDIS_URL": databases.REDIS_URL, "GRANIAN_WORKERS": str(workers)}
    else:
        url = f"sqlite:///{workdir / 'kiko.db'}"
    try:
        with running_app(workdir, url, env) as app:
            yield app
    finally:
        if workers > 1:
            databases.drop_postgres_database(database)


def cpu_seconds(session_pid: int) -> float:
    """CPU time (user + system) the server's processes have used so far."""
    out = subprocess.run(["ps", "-o", "pid=", "-s", str(session_pid)], capture_output=True, text=True).stdout
    ticks = 0
    for pid in out.split():
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def rss_kib(session_pid: int) -> int:
    """Resident memory of all the server's processes."""
    out = subprocess.run(["ps", "-o", "rss=", "-s", str(session_pid)], capture_output=True, text=True).stdout
    return sum(int(x) for x in out.split())


def agents(db_url: str, count: int, inbox_names: tuple[str, ...] = ("Website",)) -> list[str]:
    """`count` agents who work the inboxes, signed in; their session tokens."""
    engine = make_engine(db_url)
    tokens = []
    with Session(engine) as db:
        inboxes = [db.exec(select(Inbox).where(Inbox.name == name)).first() for name in inbox_names]
        account_id = inboxes[0].account_id
        for i in range(count):
            user = provisioning.create_user(
                db, account_id=account_id, email=f"bench{i}@agents.example", name=f"Bench {i}",
                password="bench password",
            )  # fmt: skip
            for inbox in inboxes:
                db.add(InboxMember(account_id=account_id, inbox_id=inbox.id, user_id=user.id))
            db.commit()
            tokens.append(auth.login(db, email=user.email, password="bench password").token)
    engine.dispose()
    return tokens


def _display_ids(db_url: str, conversation_ids: list[int]) -> dict[int, int]:
    engine = make_engine(db_url)
    with Session(engine) as db:
        rows = db.exec(select(Conversation.id, Conversation.display_id).where(Conversation.id.in_(conversation_ids)))
        found = dict(rows.all())
    engine.dispose()
    return found


async def gather_limited(coroutines) -> None:
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(coroutine):
        async with gate:
            await coroutine

    await asyncio.gather(*(one(c) for c in coroutines))


async def connect(client: ReflexSocket) -> None:
    await client.connect()
    await asyncio.wait_for(client.hydrated.wait(), 60)


def visitor(base: str, inbox_token: str) -> ReflexSocket:
    path = f"/widget/{inbox_token}"
    return ReflexSocket(
        base, path, {"inbox_token": inbox_token}, {f"{WIDGET}.visitor_token_rx_state_": f"bench-{random.random()}-xyz"}
    )


async def open_chats(app: dict, visitors: list[ReflexSocket], agent_tokens: list[str]) -> list[ReflexSocket]:
    """Connect the visitors, each starting its conversation with a first message; then one agent
    tab per token on the conversation of the visitor with the same index, listening for alerts
    as a browser tab does. The agent tabs."""
    await gather_limited(connect(v) for v in visitors)
    refs: dict[int, int] = {}
    for i, client in enumerate(visitors):
        client.on_frame = lambda frame, at, i=i: (
            refs.setdefault(i, int(m.group(1))) if (m := _REF.search(frame)) else None
        )
    await gather_limited(
        client.emit(f"{WIDGET}.send", {"form_data": {"content": f"hello {i}"}}) for i, client in enumerate(visitors)
    )
    deadline = time.monotonic() + 60
    while len(refs) < len(visitors) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    numbers = _display_ids(app["db_url"], list(refs.values()))

    tabs = []
    for i, token in enumerate(agent_tokens):
        number = str(numbers[refs[i]])
        tabs.append(ReflexSocket(app["base"], f"/app/conversations/{number}", {"conversation_number": number},
                                 session=token))  # fmt: skip
    await gather_limited(connect(a) for a in tabs)
    # As in a browser, each dashboard tab also listens for alerts.
    await gather_limited(a.emit(f"{ALERTS}.start", {}) for a in tabs)
    await asyncio.sleep(2)
    return tabs


class Deliveries:
    """Messages on their way: each timed one is pending from its sending until a frame of the
    other side shows it; every sending, timed or not, is counted with its time."""

    def __init__(self) -> None:
        self.pending: dict[str, float] = {}
        self.sent_at: list[float] = []

    def sent(self, content: str, timed: bool) -> None:
        now = time.perf_counter()
        self.sent_at.append(now)
        if timed:
            self.pending[content] = now

    def watch(self, samples: list[tuple[float, float]], prefix: str) -> Callable[[str, float], None]:
        """A frame listener that moves the pending messages starting with `prefix` it shows
        into `samples` as (sent at, latency)."""

        def on_frame(frame: str, at: float) -> None:
            for content in [c for c in self.pending if c.startswith(prefix) and c in frame]:
                sent_at = self.pending.pop(content)
                samples.append((sent_at, at - sent_at))

        return on_frame

    def expire(self, before: float) -> list[tuple[str, float]]:
        """Give up on the messages sent before `before`: (content, sent at) of each."""
        gone = [content for content, at in self.pending.items() if at < before]
        return [(content, self.pending.pop(content)) for content in gone]


async def talk(
    client: ReflexSocket, handler: str, prefix: str, interval: float, duration: float,
    deliveries: Deliveries, timed: bool,
) -> int:  # fmt: skip
    """One message every `interval` seconds for `duration` seconds (after a random start within
    the first interval); how many were sent."""
    await asyncio.sleep(random.uniform(0, interval))
    count, stop = 0, time.monotonic() + duration
    while time.monotonic() < stop:
        content = f"{prefix}{count}-"
        deliveries.sent(content, timed)
        await client.emit(handler, {"form_data": {"content": content}})
        count += 1
        await asyncio.sleep(interval)
    return count


async def browser_timers(visitors: list[ReflexSocket], tabs: list[ReflexSocket], duration: float) -> None:
    """For `duration` seconds, call every RESYNC_SECONDS the handlers a browser's page timers
    call: the widget's resync, the conversation page's resync and the alerts' start, each
    client's at its own phase as tabs opened at different times. The worker forgets a tab that
    has not re-registered for FORGET_AFTER_SECONDS, so a client without them stops hearing its
    events after a few minutes."""
    stop = time.monotonic() + duration

    async def timer(client: ReflexSocket, handlers: tuple[str, ...]) -> None:
        await asyncio.sleep(random.uniform(0, RESYNC_SECONDS))
        while time.monotonic() < stop:
            for handler in handlers:
                await client.emit(handler, {})
            await asyncio.sleep(RESYNC_SECONDS)

    await asyncio.gather(
        *(timer(v, (f"{WIDGET}.resync",)) for v in visitors),
        *(timer(t, (f"{CONVERSATION}.resync", f"{ALERTS}.start")) for t in tabs),
    )


async def one_call_handoff(client: httpx.AsyncClient, inbox_id: int, n: int) -> int:
    """The bot hands a conversation over with Kiko's one call POST /handoffs: its number."""
    body = {
        "inbox_id": inbox_id,
        "contact": {"name": f"Kunde {n}", "source_id": f"oc-{n}-{time.monotonic_ns()}"},
        "transcript": [{"message_type": kind, "content": text} for kind, text in TRANSCRIPT],
        "reason": REASON,
    }
    return (await client.post("/handoffs", json=body)).raise_for_status().json()["id"]


async def echo_floor(rounds: int = 500) -> list[float]:
    """Round trips through a bare websocket echo server in another process (the floor)."""
    server = subprocess.Popen(
        [sys.executable, "-c", (
            "import asyncio, websockets\n"
            "async def echo(ws):\n    async for m in ws: await ws.send(m)\n"
            "async def main():\n    async with websockets.serve(echo, '127.0.0.1', 8765): await asyncio.Future()\n"
            "asyncio.run(main())\n")],
    )  # fmt: skip
    try:
        for _ in range(50):
            with contextlib.suppress(OSError):
                async with websockets.connect("ws://127.0.0.1:8765") as ws:
                    samples = []
                    payload = json.dumps({"content": "x" * 150})
                    for _ in range(rounds):
                        start = time.perf_counter()
                        await ws.send(payload)
                        await ws.recv()
                        samples.append(time.perf_counter() - start)
                    return samples
            await asyncio.sleep(0.1)
        raise RuntimeError("echo server did not start")
    finally:
        server.terminate()
