"""Conversation search at a large customer's size: the same account as bench/api_list_bench.py
(100k conversations, 1M messages "Nachricht <n> zu Vorgang <number>", 100k contacts "Kunde <i>").
Each search's first page with its counts (Chatwoot's meta: up to the 1,000 conversations the
pages can show) is timed server side (the Server-Timing header of GET
.../conversations/search), beside the floor in the same run: the same full-text index queried
bare (the newest 250 matching message ids: about what a page of 25 conversations reads).

The searches: a word in every message (the worst case for reading matches), a rare number, both
together, a contact's name, a word nowhere (the contact, alias and number checks alone), and
page 10 of the common word.

Usage: python -m bench.search_bench [--conversations 100000] [--rounds 50]
"""

import argparse
import time

import sqlalchemy as sa

from bench.api_list_bench import _server_ms, seeded_account
from bench.both_databases import on_both_databases
from bench.timing import percentiles
from kiko_livechat import db as db_module
from kiko_livechat.models.search import SQLITE_TABLE
from kiko_livechat.services import search

SEARCHES = [
    ("a word in every message", "nachricht", 1),
    ("a rare number", "4711", 1),
    ("common word AND rare number", "vorgang 4711", 1),
    ("a contact's name", "Kunde 99999", 1),
    ("a word nowhere", "zzzzqx", 1),
    ("a word in every message, page 10", "nachricht", 10),
]
FLOOR = {
    "sqlite": f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH :m ORDER BY rowid DESC LIMIT 250",
    # The GIN index alone, its matches sorted (PostgreSQL's own plan for ORDER BY id DESC LIMIT
    # walks the primary key for a prefix term, which is no measure of the index: see search.py).
    "postgresql": "SELECT id FROM (SELECT m.id FROM messages m WHERE "
    + search.PG_MATCH.replace(":match", ":m")
    + " OFFSET 0) m ORDER BY id DESC LIMIT 250",
}


def _floor(engine: sa.Engine, q: str, rounds: int) -> list[float]:
    words = search.words_of(q)
    term = search.tsquery(words) if engine.dialect.name == "postgresql" else search.fts5_match(words)
    samples = []
    with engine.connect() as conn:
        for _ in range(rounds):
            started = time.perf_counter()
            conn.execute(sa.text(FLOOR[engine.dialect.name]), {"m": term}).all()
            samples.append(time.perf_counter() - started)
    return samples


def run(label: str, url: str, count: int, rounds: int) -> None:
    engine, seeded, client = seeded_account(label, url, count)
    base = f"/api/v1/accounts/{seeded['account_id']}/conversations/search"
    for name, q, page in SEARCHES:
        path = f"{base}?q={q.replace(' ', '+')}&page={page}&status=all"
        _server_ms(client, path, seeded["token"], 3)  # warm up
        app = _server_ms(client, path, seeded["token"], rounds)
        meta = client.get(path, headers={"api_access_token": seeded["token"]}).json()["data"]["meta"]
        found = f"{meta['all_count']}{'+' if meta['counts_capped'] else ''}"
        floor = _floor(engine, q, rounds)
        print(f"{label:<11} {name:<36} ({found:>5} found) server {percentiles(app)}   floor {percentiles(floor)}")
    db_module.get_engine().dispose()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    on_both_databases(run, "kiko_bench_search", args.conversations, args.rounds)


if __name__ == "__main__":
    main()
