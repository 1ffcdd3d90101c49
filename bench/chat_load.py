"""Live-chat load on loopback: N visitors (raw Socket.IO clients of the widget page) and M agents
(raw clients of the conversation page), against the real app, 1 worker or 3 workers + Redis.

Reports visitor->agent and agent->visitor delivery latency p50/p99 (from sending the event to
receiving the frame that shows the message), messages/s, and resident memory per connected
client; a bare websocket echo round trip in the same run is the floor.

Usage: python -m bench.chat_load [--workers 1|3] [--conversations 200] [--agents 20]
       [--interval 5] [--duration 30] [--idle-visitors 0] [--idle-agents 0]
The load generator shares the machine's two cores with the server: figures are upper bounds.
"""

import argparse
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
from pathlib import Path

# Fixture users need a password hash; the bench measures the chat, not argon2.
os.environ.setdefault("KIKO_PASSWORD_MEMORY_KIB", "1024")
os.environ.setdefault("KIKO_PASSWORD_TIME_COST", "1")

import redis  # noqa: E402
import websockets  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from bench.reflex_socket import ALERTS, CONVERSATION, WIDGET, ReflexSocket  # noqa: E402
from bench.timing import percentiles  # noqa: E402
from kiko_livechat.db import make_engine  # noqa: E402
from kiko_livechat.models import Conversation, Inbox, InboxMember  # noqa: E402
from kiko_livechat.services import auth, provisioning  # noqa: E402
from tests import databases  # noqa: E402
from tests.e2e.conftest import running_app  # noqa: E402

CONNECT_CONCURRENCY = 50
_REF = re.compile(r'"conversation_ref_rx_state_":(\d+)')


def _cpu_seconds(session_pid: int) -> float:
    """CPU time (user + system) the server's processes have used so far."""
    out = subprocess.run(["ps", "-o", "pid=", "-s", str(session_pid)], capture_output=True, text=True).stdout
    ticks = 0
    for pid in out.split():
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _rss_kib(session_pid: int) -> int:
    out = subprocess.run(["ps", "-o", "rss=", "-s", str(session_pid)], capture_output=True, text=True).stdout
    return sum(int(x) for x in out.split())


def _agents(db_url: str, count: int, inbox_name: str = "Website") -> list[str]:
    """`count` agents who work the inbox, signed in; their session tokens."""
    engine = make_engine(db_url)
    tokens = []
    with Session(engine) as db:
        inbox = db.exec(select(Inbox).where(Inbox.name == inbox_name)).first()
        for i in range(count):
            user = provisioning.create_user(
                db, account_id=inbox.account_id, email=f"bench{i}@agents.example", name=f"Bench {i}",
                password="bench password",
            )  # fmt: skip
            db.add(InboxMember(account_id=inbox.account_id, inbox_id=inbox.id, user_id=user.id))
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


async def _gather_limited(coroutines) -> None:
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(coroutine):
        async with gate:
            await coroutine

    await asyncio.gather(*(one(c) for c in coroutines))


async def _connect(client: ReflexSocket) -> None:
    await client.connect()
    await asyncio.wait_for(client.hydrated.wait(), 60)


def _visitor(base: str, inbox_token: str) -> ReflexSocket:
    path = f"/widget/{inbox_token}"
    return ReflexSocket(
        base, path, {"inbox_token": inbox_token}, {f"{WIDGET}.visitor_token_rx_state_": f"bench-{random.random()}-xyz"}
    )


async def _echo_floor(rounds: int = 500) -> list[float]:
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


async def _latency_run(app: dict, args) -> None:
    base, inbox_token = app["base"], app["demo"]["web_inbox_token"]
    agent_tokens = _agents(app["db_url"], args.agents)
    visitors = [_visitor(base, inbox_token) for _ in range(args.conversations)]
    rss_before = _rss_kib(app["pid"])
    await _gather_limited(_connect(v) for v in visitors)

    refs: dict[int, int] = {}
    for i, visitor in enumerate(visitors):
        visitor.on_frame = lambda frame, at, i=i: (
            refs.setdefault(i, int(m.group(1))) if (m := _REF.search(frame)) else None
        )
    await _gather_limited(
        visitor.emit(f"{WIDGET}.send", {"form_data": {"content": f"hello {i}"}}) for i, visitor in enumerate(visitors)
    )
    deadline = time.monotonic() + 60
    while len(refs) < len(visitors) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    numbers = _display_ids(app["db_url"], list(refs.values()))

    agents = []
    for i, token in enumerate(agent_tokens):
        number = str(numbers[refs[i]])
        agents.append(ReflexSocket(base, f"/app/conversations/{number}", {"conversation_number": number},
                                   session=token))  # fmt: skip
    await _gather_limited(_connect(a) for a in agents)
    # As in a browser, each dashboard tab also listens for alerts.
    await _gather_limited(a.emit(f"{ALERTS}.start", {}) for a in agents)
    await asyncio.sleep(2)
    rss_connected = _rss_kib(app["pid"])

    sent: dict[str, float] = {}
    to_agent, to_visitor = [], []

    def watch(samples: list, prefix: str):
        def on_frame(frame: str, at: float) -> None:
            for content in [c for c in sent if c.startswith(prefix) and c in frame]:
                samples.append(at - sent.pop(content))

        return on_frame

    for i, agent in enumerate(agents):
        agent.on_frame = watch(to_agent, f"v{i}-")
        visitors[i].on_frame = watch(to_visitor, f"a{i}-")

    async def talk(client: ReflexSocket, handler: str, prefix: str, watched: bool) -> int:
        await asyncio.sleep(random.uniform(0, args.interval))
        count, stop = 0, time.monotonic() + args.duration
        while time.monotonic() < stop:
            content = f"{prefix}{count}-"
            if watched:  # only conversations an agent has open are timed; the rest is load
                sent[content] = time.perf_counter()
            await client.emit(handler, {"form_data": {"content": content}})
            count += 1
            await asyncio.sleep(args.interval)
        return count

    started = time.monotonic()
    cpu_before = _cpu_seconds(app["pid"])
    counts = await asyncio.gather(
        *(talk(v, f"{WIDGET}.send", f"v{i}-", i < len(agents)) for i, v in enumerate(visitors)),
        *(talk(a, f"{CONVERSATION}.send", f"a{i}-", True) for i, a in enumerate(agents)),
    )
    elapsed = time.monotonic() - started
    cpu = _cpu_seconds(app["pid"]) - cpu_before
    # Lost means not shown within 15 s: a late one still counts in the latencies.
    deadline = time.monotonic() + 15
    while sent and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    floor = await _echo_floor()
    clients = len(visitors) + len(agents)
    print(f"workers={args.workers} conversations={args.conversations} agents={args.agents} "
          f"interval={args.interval}s duration={args.duration}s")  # fmt: skip
    print(f"  messages sent           {sum(counts)} ({sum(counts) / elapsed:.1f}/s)")
    print(f"  visitor -> agent        {percentiles(to_agent)}  (n={len(to_agent)})")
    print(f"  agent -> visitor        {percentiles(to_visitor)}  (n={len(to_visitor)})")
    print(f"  not delivered           {len(sent)}")
    print(f"  server CPU              {cpu / max(1, sum(counts)) * 1000:.1f} ms per message, "
          f"{cpu / elapsed * 100:.0f} % of a core")  # fmt: skip
    print(f"  bare websocket echo     {percentiles(floor)}")
    print(f"  server RSS              {rss_before / 1024:.0f} MB idle -> {rss_connected / 1024:.0f} MB with "
          f"{clients} clients ({(rss_connected - rss_before) / clients:.0f} KiB per client)")  # fmt: skip
    await asyncio.gather(*(c.close() for c in visitors + agents))


async def _idle_run(app: dict, args) -> None:
    base, inbox_token = app["base"], app["demo"]["web_inbox_token"]
    agent_tokens = _agents(app["db_url"], args.idle_agents)
    rss_before = _rss_kib(app["pid"])
    visitors = [_visitor(base, inbox_token) for _ in range(args.idle_visitors)]
    agents = [ReflexSocket(base, "/app/inbox", {}, session=t) for t in agent_tokens]
    started = time.monotonic()
    await _gather_limited(_connect(c) for c in visitors + agents)
    connected = time.monotonic() - started
    await asyncio.sleep(5)
    rss = _rss_kib(app["pid"])
    clients = len(visitors) + len(agents)
    print(f"workers={args.workers} idle visitors={len(visitors)} agents on the list page={len(agents)}")
    print(f"  connected in            {connected:.1f} s")
    print(f"  server RSS              {rss_before / 1024:.0f} MB idle -> {rss / 1024:.0f} MB "
          f"({(rss - rss_before) / clients:.0f} KiB per client)")  # fmt: skip
    await asyncio.gather(*(c.close() for c in visitors + agents))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--interval", type=float, default=5)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--idle-visitors", type=int, default=0)
    parser.add_argument("--idle-agents", type=int, default=0)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kiko-bench-"))
    if args.workers > 1:
        redis.Redis.from_url(databases.REDIS_URL).flushdb()
        url = databases.create_postgres_database("kiko_bench_cluster")
        env = {"KIKO_REDIS_URL": databases.REDIS_URL, "GRANIAN_WORKERS": str(args.workers)}
    else:
        url, env = f"sqlite:///{workdir / 'kiko.db'}", {}
    try:
        with running_app(workdir, url, env) as app:
            asyncio.run(_idle_run(app, args) if args.idle_visitors else _latency_run(app, args))
    finally:
        if args.workers > 1:
            databases.drop_postgres_database("kiko_bench_cluster")


if __name__ == "__main__":
    main()
