"""Soak: the live chat under a steady load for a long time, minute by minute, to see memory
growth and latency drift that a 30-second bench cannot show.

Starts the real app (1 worker on SQLite, or --workers 3 on PostgreSQL + Redis). --visitors raw
Socket.IO visitors each start a conversation in the website inbox; --agents agents (members of
the website and the bot's inbox) each hold a dashboard tab on one of those conversations with
its alert listener on. Every visitor and every agent writes once per --interval seconds, and the
bot hands a conversation over with POST /handoffs once per --handoff-interval seconds, each
alerting every agent tab.

Per minute (by the minute a message or handoff was sent): visitor -> agent and agent -> visitor
latency p50/p99 (sending the event to the frame that shows the message, on the conversations an
agent has open), messages sent (all visitors), messages lost (not seen by the other side within
--timeout seconds; checked each minute and at the end; the summary says how many of those the
database holds), the handoff request's latency, handoff ->
tab alert latency and alerts lost, the server's RSS (all its processes) and its CPU as a share of
a core, with the bench client's own CPU (it shares the machine) and the load average.

At the end: RSS after --warmup minutes vs at the end (target within 10 %), p99 of the first 5
minutes vs the last 5 (target within 1.2x), messages lost (target 0), and the floor: a bare
websocket echo round trip in the same run. Files: test-artifacts/soak-<date>-w<workers>.csv,
.json, .html (plotly, standalone) and .samples.json.gz (every sample, for a closer look).

Usage: python -m bench.soak [--minutes 30] [--visitors 300] [--agents 30] [--workers 1|3]
       [--interval 5] [--handoff-interval 1] [--timeout 30] [--warmup 3]
The load generator shares the machine's two cores with the server: figures are upper bounds.
"""

import argparse
import asyncio
import gzip
import json
import os
import re
import time
from datetime import datetime
from pathlib import Path

import httpx
from sqlmodel import Session, select

from bench.load_clients import (
    Deliveries,
    agents,
    browser_timers,
    cpu_seconds,
    echo_floor,
    one_call_handoff,
    open_chats,
    rss_kib,
    serving,
    talk,
    visitor,
)
from bench.reflex_socket import CONVERSATION, WIDGET
from bench.soak_report import Samples, per_minute, summary, write_files
from bench.timing import percentiles
from kiko_livechat.db import make_engine
from kiko_livechat.models import Message

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
_ALERT_NUMBER = re.compile(r'"alert_number_rx_state_":"(\d+)"')


class _Alerts:
    """When each agent tab first heard an alert about each conversation (by its number)."""

    def __init__(self) -> None:
        self.heard: dict[str, dict[int, float]] = {}

    def listen(self, tab: int):
        def on_frame(frame: str, at: float) -> None:
            for number in _ALERT_NUMBER.findall(frame):
                self.heard.setdefault(number, {}).setdefault(tab, at)

        return on_frame


def _both(*listeners):
    def on_frame(frame: str, at: float) -> None:
        for listener in listeners:
            listener(frame, at)

    return on_frame


class _Soak:
    def __init__(self, app: dict, args) -> None:
        self.app, self.args = app, args
        self.samples = Samples()
        self.deliveries = Deliveries()
        self.alerts = _Alerts()
        self.handed_over: list[tuple[float, str]] = []  # (sent at, conversation number)
        self.lost_contents: list[str] = []
        self.t0 = time.perf_counter()

    def _since(self, at: float) -> float:
        return at - self.t0

    async def run(self) -> tuple[list[dict], dict, dict]:
        app, args = self.app, self.args
        tokens = agents(app["db_url"], args.agents, inbox_names=("Website", "Kiko Bot"))
        visitors = [visitor(app["base"], app["demo"]["web_inbox_token"]) for _ in range(args.visitors)]
        tabs = await open_chats(app, visitors, tokens)
        to_agent, to_visitor = self.samples.timed["to_agent"], self.samples.timed["to_visitor"]
        for i, tab in enumerate(tabs):
            tab.on_frame = _both(self.deliveries.watch(to_agent, f"v{i}-"), self.alerts.listen(i))
            visitors[i].on_frame = self.deliveries.watch(to_visitor, f"a{i}-")

        self.t0 = time.perf_counter()
        duration = args.minutes * 60
        talkers = asyncio.gather(
            *(talk(v, f"{WIDGET}.send", f"v{i}-", args.interval, duration, self.deliveries, i < len(tabs))
              for i, v in enumerate(visitors)),
            *(talk(a, f"{CONVERSATION}.send", f"a{i}-", args.interval, duration, self.deliveries, True)
              for i, a in enumerate(tabs)),
        )  # fmt: skip
        await asyncio.gather(talkers, browser_timers(visitors, tabs, duration), self._handoffs(), self._gauges())
        await asyncio.sleep(args.timeout)  # the last messages and alerts get their full time
        self._expire(time.perf_counter())
        self._collect(len(tabs))
        saved = self._saved()
        floor = percentiles(await echo_floor())
        await asyncio.gather(*(c.close() for c in visitors + tabs))
        rows = per_minute(self.samples, args.minutes)
        return rows, summary(self.samples, rows, warmup=args.warmup), {"floor": floor, "lost_saved": saved}

    def raw(self) -> dict:
        """The samples themselves, for a closer look than by the minute (seconds since the start)."""
        return {
            "timed": self.samples.timed,
            "lost": self.samples.lost,
            "handed_over": [(self._since(sent), number) for sent, number in self.handed_over],
            "heard": {n: {tab: self._since(at) for tab, at in tabs.items()} for n, tabs in self.alerts.heard.items()},
        }

    async def _handoffs(self) -> None:
        demo, args = self.app["demo"], self.args
        api = f"{self.app['base']}/api/v1/accounts/{demo['account_id']}"
        tasks: list[asyncio.Task] = []
        async with httpx.AsyncClient(base_url=api, headers={"api_access_token": demo["api_token"]}, timeout=60) as bot:

            async def one(n: int) -> None:
                sent = time.perf_counter()
                self.samples.handoffs.append(self._since(sent))
                try:
                    number = await one_call_handoff(bot, demo["api_inbox_id"], n)
                except httpx.HTTPError as error:
                    print(f"  handoff {n} failed: {error!r}", flush=True)
                    self.samples.lost["handoff"].append(self._since(sent))
                    return
                self.samples.timed["handoff"].append((self._since(sent), time.perf_counter() - sent))
                self.handed_over.append((sent, str(number)))

            n = 0
            while args.handoff_interval > 0 and (due := n * args.handoff_interval) < args.minutes * 60:
                await asyncio.sleep(max(0.0, self.t0 + due - time.perf_counter()))
                tasks.append(asyncio.create_task(one(n)))
                n += 1
            await asyncio.gather(*tasks)

    async def _gauges(self) -> None:
        pid = self.app["pid"]

        async def take() -> None:
            rss, cpu = await asyncio.gather(asyncio.to_thread(rss_kib, pid), asyncio.to_thread(cpu_seconds, pid))
            at = self._since(time.perf_counter())
            self.samples.gauges.append((at, rss, cpu, time.process_time(), os.getloadavg()[0]))

        await take()
        for m in range(1, self.args.minutes + 1):
            await asyncio.sleep(max(0.0, self.t0 + m * 60 - time.perf_counter()))
            await take()
            self._expire(time.perf_counter() - self.args.timeout)
            (_, _, cpu_before, _, _), (_, rss, cpu, _, load) = self.samples.gauges[-2:]
            lost = sum(len(self.samples.lost[name]) for name in ("to_agent", "to_visitor"))
            print(f"  minute {m:>3}: RSS {rss / 1024:6.0f} MB, server CPU {(cpu - cpu_before) / 60 * 100:3.0f} %, "
                  f"sent {len(self.deliveries.sent_at)}, handoffs {len(self.handed_over)}, "
                  f"pending {len(self.deliveries.pending)}, lost {lost}, load {load:.1f}", flush=True)  # fmt: skip

    def _expire(self, before: float) -> None:
        for content, sent in self.deliveries.expire(before):
            self.samples.lost["to_agent" if content.startswith("v") else "to_visitor"].append(self._since(sent))
            self.lost_contents.append(content)

    def _saved(self) -> int:
        """How many of the lost messages the database holds (sent, but not shown in time) at the end."""
        engine = make_engine(self.app["db_url"])
        saved = 0
        with Session(engine) as db:
            for start in range(0, len(self.lost_contents), 500):
                chunk = self.lost_contents[start : start + 500]
                saved += len(db.exec(select(Message.id).where(Message.content.in_(chunk))).all())
        engine.dispose()
        return saved

    def _collect(self, tabs: int) -> None:
        """Sending times of all messages, relative to the start; each (handoff, tab) pair's alert, or its loss."""
        self.samples.sent = [self._since(at) for at in self.deliveries.sent_at]
        for name in ("to_agent", "to_visitor"):
            self.samples.timed[name] = [(self._since(at), latency) for at, latency in self.samples.timed[name]]
        for sent, number in self.handed_over:
            heard = self.alerts.heard.get(number, {})
            for tab in range(tabs):
                at = heard.get(tab)
                if at is not None and at - sent <= self.args.timeout:
                    self.samples.timed["alert"].append((self._since(sent), at - sent))
                else:
                    self.samples.lost["alert"].append(self._since(sent))


def _fmt(p50, p99) -> str:
    return "      -       " if p50 is None else f"{p50:6.1f} /{p99:7.1f}"


def _report(rows: list[dict], result: dict, meta: dict, paths: dict) -> None:
    handoffs = f"a handoff every {meta['handoff_interval']} s" if meta["handoff_interval"] > 0 else "no handoffs"
    print(f"soak {meta['started']}: {meta['setup']}; {meta['visitors']} visitors, {meta['agents']} agents, "
          f"a message each every {meta['interval']} s, {handoffs}, {meta['minutes']} min")  # fmt: skip
    print("  min  visitor->agent   agent->visitor   handoff->alert   handoff req.     sent  lost  RSS MB  CPU %")
    for row in rows:
        lost = row["to_agent_lost"] + row["to_visitor_lost"]
        print(f"  {row['minute']:>3}  {_fmt(row['to_agent_p50_ms'], row['to_agent_p99_ms'])}  "
              f"{_fmt(row['to_visitor_p50_ms'], row['to_visitor_p99_ms'])}  "
              f"{_fmt(row['alert_p50_ms'], row['alert_p99_ms'])}  {_fmt(row['handoff_p50_ms'], row['handoff_p99_ms'])}"
              f"  {row['messages_sent']:>5}  {lost:>4}  {row.get('rss_mb', 0):6.0f}  "
              f"{row.get('server_cpu_pct', 0):5.0f}")  # fmt: skip
    print("  (latencies p50 / p99 in ms, by the minute sent)")
    verdict = {True: "ok", False: "OVER TARGET", None: "(no verdict: the windows overlap)"}
    print(
        f"  RSS                     {result['rss_warm_mb']} MB after minute {result['warmup_minute']} -> "
        f"{result['rss_end_mb']} MB at the end: x{result['rss_ratio']} (target <= 1.10) {verdict[result['rss_ok']]}"
    )
    window = result["window_minutes"]
    for name, label in (("to_agent", "visitor -> agent"), ("to_visitor", "agent -> visitor"),
                        ("alert", "handoff -> alert")):  # fmt: skip
        print(f"  p99 {label:<20}{result[f'{name}_p99_first_ms']} ms first {window} min -> "
              f"{result[f'{name}_p99_last_ms']} ms last {window} min: x{result[f'{name}_p99_ratio']}"
              + (f" (target <= 1.2) {verdict[result['p99_ok']]}" if name != "alert" else ""))  # fmt: skip
    print(f"  messages lost           {result['messages_lost']} of {result['messages_timed']} timed "
          f"(the {meta['agents']} open conversations, both ways; {result['messages_sent']} sent in all; target 0) "
          f"{verdict[result['lost_ok']]}; of them in the database at the end {meta['lost_saved']}")  # fmt: skip
    print(f"  alerts lost             {result['alerts_lost']} (handoff x tab pairs), "
          f"handoff requests failed {result['handoffs_failed']}")  # fmt: skip
    print(f"  bare websocket echo     {meta['floor']}")
    print(f"  files                   {paths['html']} (+ .csv, .json, .samples.json.gz)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=int, default=30)
    parser.add_argument("--visitors", type=int, default=300)
    parser.add_argument("--agents", type=int, default=30)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--interval", type=float, default=5, help="seconds between one client's messages")
    parser.add_argument("--handoff-interval", type=float, default=1, help="seconds between handoffs; 0: none")
    parser.add_argument("--timeout", type=float, default=30, help="seconds after which a message counts as lost")
    parser.add_argument("--warmup", type=int, default=3, help="the minute whose RSS the end is compared with")
    args = parser.parse_args()
    started = datetime.now()
    setup = "1 worker, SQLite" if args.workers == 1 else f"{args.workers} workers, PostgreSQL + Redis"
    with serving(args.workers, "kiko_bench_soak", prefix="kiko-soak-") as app:
        soak = _Soak(app, args)
        rows, result, extra = asyncio.run(soak.run())
    meta = {
        "started": started.strftime("%Y-%m-%d %H:%M"), "setup": setup, "minutes": args.minutes,
        "visitors": args.visitors, "agents": args.agents, "interval": args.interval,
        "handoff_interval": args.handoff_interval, "timeout": args.timeout, **extra,
    }  # fmt: skip
    stem = ARTIFACTS / f"soak-{started:%Y%m%d-%H%M}-w{args.workers}"
    paths = write_files(stem, rows, result, meta)
    with gzip.open(stem.with_suffix(".samples.json.gz"), "wt") as out:
        json.dump(soak.raw(), out)
    _report(rows, result, meta, paths)


if __name__ == "__main__":
    main()
