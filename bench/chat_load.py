"""Live-chat load on loopback: N visitors (raw Socket.IO clients of the widget page) and M agents
(raw clients of the conversation page), against the real app, 1 worker or 3 workers + Redis.

Reports visitor->agent and agent->visitor delivery latency p50/p99 (from sending the event to
receiving the frame that shows the message), messages/s, and resident memory per connected
client; a bare websocket echo round trip in the same run is the floor.

With --file-transfers N, N loops upload and download a file of --file-mb MB each (agents'
upload route and the file route) the whole time beside the chat, as issue 16's check asks; each
at most --file-mbit Mbit/s each way (a client's line; 0, the default: as fast as loopback goes,
which makes the transfers take whatever the two cores have left).

Usage: python -m bench.chat_load [--workers 1|3] [--conversations 200] [--agents 20]
       [--interval 5] [--duration 30] [--idle-visitors 0] [--idle-agents 0]
       [--file-transfers 0] [--file-mb 5] [--file-mbit 0]
The load generator shares the machine's two cores with the server: figures are upper bounds.
"""

import argparse
import asyncio
import time

from bench.file_transfers import Transfers, start_transfers
from bench.load_clients import (
    Deliveries,
    agents,
    browser_timers,
    connect,
    cpu_seconds,
    echo_floor,
    gather_limited,
    open_chats,
    rss_kib,
    serving,
    talk,
    visitor,
)
from bench.reflex_socket import CONVERSATION, WIDGET, ReflexSocket
from bench.timing import percentiles


def _number(tab: ReflexSocket) -> str:
    """The number of the conversation an agent's tab shows."""
    return tab.router["query"]["conversation_number"]


async def _latency_run(app: dict, args) -> None:
    base, inbox_token = app["base"], app["demo"]["web_inbox_token"]
    agent_tokens = agents(app["db_url"], args.agents)
    visitors = [visitor(base, inbox_token) for _ in range(args.conversations)]
    rss_before = rss_kib(app["pid"])
    tabs = await open_chats(app, visitors, agent_tokens)
    rss_connected = rss_kib(app["pid"])

    deliveries = Deliveries()
    to_agent: list[tuple[float, float]] = []
    to_visitor: list[tuple[float, float]] = []
    for i, tab in enumerate(tabs):
        tab.on_frame = deliveries.watch(to_agent, f"v{i}-")
        visitors[i].on_frame = deliveries.watch(to_visitor, f"a{i}-")

    started = time.monotonic()
    cpu_before = cpu_seconds(app["pid"])
    # Only conversations an agent has open are timed; the rest is load.
    jobs = [
        (agent_tokens[i % len(tabs)], _number(tabs[i % len(tabs)])) for i in range(args.file_transfers if tabs else 0)
    ]
    transfers = start_transfers(app["base"], jobs, args.file_mb, args.duration, args.file_mbit) if jobs else None
    counts = await asyncio.gather(
        *(talk(v, f"{WIDGET}.send", f"v{i}-", args.interval, args.duration, deliveries, i < len(tabs))
          for i, v in enumerate(visitors)),
        *(talk(a, f"{CONVERSATION}.send", f"a{i}-", args.interval, args.duration, deliveries, True)
          for i, a in enumerate(tabs)),
        browser_timers(visitors, tabs, args.duration),
    )  # fmt: skip
    counts = counts[: len(visitors) + len(tabs)]
    files = await asyncio.to_thread(transfers[1].get, True, 300) if transfers else Transfers()
    elapsed = time.monotonic() - started
    cpu = cpu_seconds(app["pid"]) - cpu_before
    # Lost means not shown within 15 s: a late one still counts in the latencies.
    deadline = time.monotonic() + 15
    while deliveries.pending and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    floor = await echo_floor()
    clients = len(visitors) + len(tabs)
    print(f"workers={args.workers} conversations={args.conversations} agents={args.agents} "
          f"interval={args.interval}s duration={args.duration}s")  # fmt: skip
    print(f"  messages sent           {sum(counts)} ({sum(counts) / elapsed:.1f}/s)")
    print(f"  visitor -> agent        {percentiles([s for _, s in to_agent])}  (n={len(to_agent)})")
    print(f"  agent -> visitor        {percentiles([s for _, s in to_visitor])}  (n={len(to_visitor)})")
    print(f"  not delivered           {len(deliveries.pending)}")
    print(f"  server CPU              {cpu / max(1, sum(counts)) * 1000:.1f} ms per message, "
          f"{cpu / elapsed * 100:.0f} % of a core")  # fmt: skip
    if args.file_transfers:
        print(f"  file transfers          {args.file_transfers} loops of {args.file_mb} MB "
              f"({f'{args.file_mbit:g} Mbit/s each way' if args.file_mbit else 'unpaced'}): "
              f"{len(files.uploads)} uploads, {len(files.downloads)} downloads, {files.failed} failed, "
              f"{files.moved_bytes / elapsed / 2**20:.1f} MB/s")  # fmt: skip
        print(f"    upload                {percentiles(files.uploads)}")
        print(f"    download              {percentiles(files.downloads)}")
    print(f"  bare websocket echo     {percentiles(floor)}")
    print(f"  server RSS              {rss_before / 1024:.0f} MB idle -> {rss_connected / 1024:.0f} MB with "
          f"{clients} clients ({(rss_connected - rss_before) / clients:.0f} KiB per client)")  # fmt: skip
    await asyncio.gather(*(c.close() for c in visitors + tabs))


async def _idle_run(app: dict, args) -> None:
    base, inbox_token = app["base"], app["demo"]["web_inbox_token"]
    agent_tokens = agents(app["db_url"], args.idle_agents)
    rss_before = rss_kib(app["pid"])
    visitors = [visitor(base, inbox_token) for _ in range(args.idle_visitors)]
    tabs = [ReflexSocket(base, "/app/inbox", {}, session=t) for t in agent_tokens]
    started = time.monotonic()
    await gather_limited(connect(c) for c in visitors + tabs)
    connected = time.monotonic() - started
    await asyncio.sleep(5)
    rss = rss_kib(app["pid"])
    clients = len(visitors) + len(tabs)
    print(f"workers={args.workers} idle visitors={len(visitors)} agents on the list page={len(tabs)}")
    print(f"  connected in            {connected:.1f} s")
    print(f"  server RSS              {rss_before / 1024:.0f} MB idle -> {rss / 1024:.0f} MB "
          f"({(rss - rss_before) / clients:.0f} KiB per client)")  # fmt: skip
    await asyncio.gather(*(c.close() for c in visitors + tabs))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--interval", type=float, default=5)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--idle-visitors", type=int, default=0)
    parser.add_argument("--idle-agents", type=int, default=0)
    parser.add_argument("--file-transfers", type=int, default=0)
    parser.add_argument("--file-mb", type=float, default=5)
    # Each transfer's line (Mbit/s each way); 0: as fast as loopback goes.
    parser.add_argument("--file-mbit", type=float, default=0)
    args = parser.parse_args()
    with serving(args.workers, "kiko_bench_cluster") as app:
        asyncio.run(_idle_run(app, args) if args.idle_visitors else _latency_run(app, args))


if __name__ == "__main__":
    main()
