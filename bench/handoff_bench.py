"""Bot handoffs per second over HTTP against the real app (`reflex run --env prod`): Chatwoot
style (contact, conversation, 5 messages, toggle_status = 8 requests) and Kiko's one-call
/handoffs. Reports handoffs/s, latency per handoff p50/p99 and the server's CPU per handoff
(all its processes, user + system) with its share of one core.

Setups: `sqlite` is the embedded default (one process, SQLite); `cluster` is the scale-out
setup (PostgreSQL, Redis, --workers worker processes). Beside each figure, the floor: the same
rows (contact, contact_inbox, the account's conversation number, conversation, the transcript
and the reason and activity lines, the reporting event) inserted bare with plain SQL through the
database driver, one transaction per handoff, from --concurrency threads, in the same run.

Usage: python -m bench.handoff_bench [--setup sqlite|cluster|both] [--workers 3]
       [--handoffs 600] [--concurrency 16] [--runs 1] [--style both|chatwoot|one-call]
The load generator shares the machine's two cores with the server: figures are upper bounds.
"""

import argparse
import asyncio
import json
import sqlite3
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg
import redis

from bench.load_clients import REASON, TRANSCRIPT, cpu_seconds, one_call_handoff
from bench.timing import percentiles
from tests import databases
from tests.e2e.conftest import running_app

CLUSTER_DB = "kiko_bench_handoff"


async def _chatwoot_style(client: httpx.AsyncClient, inbox_id: int, n: int) -> None:
    source = f"cw-{n}-{time.monotonic_ns()}"
    (
        await client.post("/contacts", json={"name": f"Kunde {n}", "inbox_id": inbox_id, "source_id": source})
    ).raise_for_status()
    conv = await client.post("/conversations", json={"source_id": source, "inbox_id": inbox_id, "status": "pending"})
    number = conv.raise_for_status().json()["id"]
    for kind, text in TRANSCRIPT:
        sent = await client.post(f"/conversations/{number}/messages", json={"content": text, "message_type": kind})
        sent.raise_for_status()
    (await client.post(f"/conversations/{number}/toggle_status", json={"status": "open"})).raise_for_status()


STYLES = {
    "chatwoot": ("chatwoot-style (8 requests)", _chatwoot_style),
    "one-call": ("one call /handoffs", one_call_handoff),
}


async def _run(app: dict, style, handoffs: int, concurrency: int) -> tuple[float, list[float], float, float]:
    """handoffs/s, seconds per handoff, the server's CPU seconds over the run, and the bench
    client's own (it shares the machine)."""
    demo = app["demo"]
    base = f"{app['base']}/api/v1/accounts/{demo['account_id']}"
    headers = {"api_access_token": demo["api_token"]}
    samples: list[float] = []
    queue = iter(range(handoffs))
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as client:

        async def worker():
            for n in queue:
                start = time.perf_counter()
                await style(client, demo["api_inbox_id"], n)
                samples.append(time.perf_counter() - start)

        await style(client, demo["api_inbox_id"], -1)  # warm: every worker's first request pays imports
        cpu_before, client_before = cpu_seconds(app["pid"]), time.process_time()
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
        cpu, client = cpu_seconds(app["pid"]) - cpu_before, time.process_time() - client_before
    return handoffs / elapsed, samples, cpu, client


async def _stack_floor(app: dict, requests: int = 1000, concurrency: int = 8) -> float:
    """The server's CPU per request for GET /api/health (one SELECT): what any API request costs
    in HTTP, ASGI and the thread hop before it does anything. Milliseconds."""
    queue = iter(range(requests))
    async with httpx.AsyncClient(base_url=app["base"], timeout=30) as client:
        await client.get("/api/health")

        async def worker():
            for _ in queue:
                (await client.get("/api/health")).raise_for_status()

        before = cpu_seconds(app["pid"])
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return (cpu_seconds(app["pid"]) - before) / requests * 1000


# --- the floor: the same rows, bare SQL through the driver ---------------------------------

_FLOOR_SQL = {
    "contact": "INSERT INTO contacts (account_id, name, alias_key, additional_attributes, custom_attributes, "
    "blocked, created_at) VALUES ({p}, {p}, {p}, '{{}}', '{{}}', false, {p}) RETURNING id",
    "contact_inbox": "INSERT INTO contact_inboxes (account_id, contact_id, inbox_id, source_id, created_at) "
    "VALUES ({p}, {p}, {p}, {p}, {p}) RETURNING id",
    "number": "UPDATE accounts SET conversation_seq = conversation_seq + 1 WHERE id = {p} RETURNING conversation_seq",
    "conversation": "INSERT INTO conversations (account_id, display_id, alias_key, inbox_id, contact_id, "
    "contact_inbox_id, status, last_activity_at, waiting_since, handed_off_at, created_at, updated_at) "
    "VALUES ({p}, {p}, {p}, {p}, {p}, {p}, 'open', {p}, {p}, {p}, {p}, {p}) RETURNING id",
    "reporting": "INSERT INTO reporting_events (account_id, name, value, conversation_id, inbox_id, "
    "event_start_time, event_end_time, created_at) VALUES ({p}, 'conversation_handoff', 0, {p}, {p}, {p}, {p}, {p})",
}
_MESSAGE_ROW = "({p}, {p}, {p}, {p}, {p}, {p}, 'text', {p}, {p})"
_MESSAGES = (
    "INSERT INTO messages (account_id, conversation_id, message_type, sender_type, private, content, "
    "content_type, content_attributes, created_at) VALUES "
)


def _floor_handoff(connection, counter, p: str, account_id: int, inbox_id: int, n: int) -> None:
    sql = {name: text.format(p=p) for name, text in _FLOOR_SQL.items()}
    now = datetime.now(UTC).replace(tzinfo=None) if p == "?" else datetime.now(UTC)
    cursor = connection.cursor()
    contact_id = cursor.execute(sql["contact"], (account_id, f"Kunde {n}", "a1", now)).fetchone()[0]
    source = f"floor-{n}-{time.monotonic_ns()}"
    identity = (account_id, contact_id, inbox_id, source, now)
    contact_inbox_id = cursor.execute(sql["contact_inbox"], identity).fetchone()[0]
    # As services/numbering.py: on PostgreSQL the number is taken in a transaction of its own.
    number = (counter or connection).execute(sql["number"], (account_id,)).fetchone()[0]
    conversation_id = cursor.execute(
        sql["conversation"], (account_id, number, "a1", inbox_id, contact_id, contact_inbox_id, now, now, now, now, now)
    ).fetchone()[0]
    lines = [(kind, "contact" if kind == "incoming" else "bot", False, text, "{}") for kind, text in TRANSCRIPT]
    lines += [("outgoing", "bot", True, REASON, '{"handoff_reason": true}'),
              ("activity", "system", False, "", '{"activity": "activity.handoff", "params": {}}')]  # fmt: skip
    values = ", ".join(_MESSAGE_ROW.format(p=p) for _ in lines)
    params = [v for kind, sender, private, text, attrs in lines
              for v in (account_id, conversation_id, kind, sender, private, text, attrs, now)]  # fmt: skip
    cursor.execute(_MESSAGES + values, params)
    cursor.execute(sql["reporting"], (account_id, conversation_id, inbox_id, now, now, now))
    connection.commit()


def _floor(db_url: str, account_id: int, inbox_id: int, handoffs: int, concurrency: int) -> tuple[float, list[float]]:
    """The same rows a handoff writes, as bare SQL: handoffs/s and seconds per handoff."""
    samples: list[float] = []
    numbers = iter(range(handoffs))
    lock = threading.Lock()

    def connect():
        if db_url.startswith("sqlite"):
            connection = sqlite3.connect(db_url.removeprefix("sqlite:///"), timeout=30, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA foreign_keys=ON")
            return connection, None, "?"
        url = db_url.replace("postgresql+psycopg://", "postgresql://")
        return psycopg.connect(url), psycopg.connect(url, autocommit=True), "%s"

    def worker():
        connection, counter, p = connect()
        try:
            while True:
                with lock:
                    n = next(numbers, None)
                if n is None:
                    return
                start = time.perf_counter()
                _floor_handoff(connection, counter, p, account_id, inbox_id, n)
                samples.append(time.perf_counter() - start)
        finally:
            connection.close()
            if counter is not None:
                counter.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return handoffs / (time.perf_counter() - started), samples


def _setup(name: str, workers: int, workdir: Path) -> tuple[str, str, dict]:
    """(label, database URL, extra environment) of a setup."""
    # The bench is one bot sending as fast as it can: no rate limit for it.
    env = {"KIKO_API_RATE_PER_SECOND": "1000000", "KIKO_API_RATE_BURST": "1000000"}
    if name == "sqlite":
        return "SQLite, 1 process", f"sqlite:///{workdir / 'kiko.db'}", env
    redis.Redis.from_url(databases.REDIS_URL).flushdb()
    url = databases.create_postgres_database(CLUSTER_DB)
    env |= {"KIKO_REDIS_URL": databases.REDIS_URL, "GRANIAN_WORKERS": str(workers)}
    return f"PostgreSQL + Redis, {workers} workers", url, env


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--setup", choices=("sqlite", "cluster", "both"), default="both")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--handoffs", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--style", choices=("chatwoot", "one-call", "both"), default="both")
    args = parser.parse_args()
    setups = ["sqlite", "cluster"] if args.setup == "both" else [args.setup]
    if "cluster" in setups and (databases.postgres_unavailable_reason() or databases.redis_unavailable_reason()):
        print("cluster skipped:", databases.postgres_unavailable_reason() or databases.redis_unavailable_reason())
        setups.remove("cluster")
    styles = list(STYLES) if args.style == "both" else [args.style]
    results = []
    for setup in setups:
        workdir = Path(tempfile.mkdtemp(prefix="kiko-handoff-"))
        label, url, env = _setup(setup, args.workers, workdir)
        try:
            with running_app(workdir, url, env) as app:
                demo = app["demo"]
                stack = asyncio.run(_stack_floor(app))
                print(f"{label}: server CPU per bare request (GET /api/health) {stack:.2f} ms", flush=True)
                for run in range(1, args.runs + 1):
                    for style in styles:
                        name, fn = STYLES[style]
                        rate, samples, cpu, client = asyncio.run(_run(app, fn, args.handoffs, args.concurrency))
                        elapsed = args.handoffs / rate
                        floor_rate, floor_samples = _floor(
                            url, demo["account_id"], demo["api_inbox_id"], args.handoffs, args.concurrency
                        )
                        line = {
                            "setup": label, "style": name, "run": run, "handoffs_per_s": round(rate, 1),
                            "latency": percentiles(samples), "cpu_ms_per_handoff": round(cpu / args.handoffs * 1000, 2),
                            "core_share": round(cpu / elapsed * 100), "floor_per_s": round(floor_rate, 1),
                            "client_cpu_ms_per_handoff": round(client / args.handoffs * 1000, 2),
                            "stack_floor_ms_per_request": round(stack, 2),
                            "floor_latency": percentiles(floor_samples),
                        }  # fmt: skip
                        results.append(line)
                        print(
                            f"{label:<30} {name:<28} run {run}: {rate:7.1f} handoffs/s  per handoff "
                            f"{line['latency']}  server CPU {line['cpu_ms_per_handoff']:.2f} ms/handoff "
                            f"({line['core_share']} % of a core), client {line['client_cpu_ms_per_handoff']:.2f} ms"
                            f"  | floor (bare SQL, same rows) "
                            f"{floor_rate:7.1f} handoffs/s, {line['floor_latency']}",
                            flush=True,
                        )
        finally:
            if setup == "cluster":
                databases.drop_postgres_database(CLUSTER_DB)
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
