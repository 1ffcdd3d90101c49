"""Bot handoffs per second over HTTP against the real app (`reflex run --env prod`), on SQLite
and PostgreSQL: Chatwoot style (contact, conversation, 5 messages, toggle_status = 8 requests)
and Kiko's one-call /handoffs. Reports handoffs/s and latency per handoff p50/p99.

Usage: python -m bench.handoff_bench [--handoffs 600] [--concurrency 16]
"""

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import httpx

from bench.timing import percentiles
from tests import databases
from tests.e2e.conftest import running_app

TRANSCRIPT = [("incoming", "Hallo, mein Paket fehlt"), ("outgoing", "Ich schaue nach."),
              ("incoming", "Bestellung 4711"), ("outgoing", "Ich finde sie nicht."),
              ("incoming", "Bitte einen Menschen")]  # fmt: skip


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


async def _one_call(client: httpx.AsyncClient, inbox_id: int, n: int) -> None:
    body = {
        "inbox_id": inbox_id,
        "contact": {"name": f"Kunde {n}", "source_id": f"oc-{n}-{time.monotonic_ns()}"},
        "transcript": [{"message_type": kind, "content": text} for kind, text in TRANSCRIPT],
        "reason": "Bot weiß nicht weiter",
    }
    (await client.post("/handoffs", json=body)).raise_for_status()


async def _run(app: dict, style, handoffs: int, concurrency: int) -> tuple[float, list[float]]:
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

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return handoffs / elapsed, samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--handoffs", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    setups = [("sqlite", None)]
    if databases.postgres_unavailable_reason() is None:
        setups.append(("postgresql", databases.create_postgres_database("kiko_bench_handoff")))
    for label, url in setups:
        workdir = Path(tempfile.mkdtemp(prefix="kiko-handoff-"))
        # The bench is one bot sending as fast as it can: no rate limit for it.
        env = {"KIKO_API_RATE_PER_SECOND": "1000000", "KIKO_API_RATE_BURST": "1000000"}
        with running_app(workdir, url or f"sqlite:///{workdir / 'kiko.db'}", env) as app:
            for name, style in (("chatwoot-style (8 requests)", _chatwoot_style), ("one call /handoffs", _one_call)):
                rate, samples = asyncio.run(_run(app, style, args.handoffs, args.concurrency))
                print(f"{label:<11} {name:<28} {rate:7.1f} handoffs/s  per handoff {percentiles(samples)}")
    if len(setups) > 1:
        databases.drop_postgres_database("kiko_bench_handoff")


if __name__ == "__main__":
    main()
