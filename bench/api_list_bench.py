"""The API's lists at a large customer's size: one account with 100k conversations (5% open, 2%
pending, 1% snoozed, 92% resolved) and 1M messages (10 each), 100k contacts, 25 agents and
teams, labels. Each list's first page is timed
server side (the Server-Timing header: auth, queries, JSON), beside the floor in the same run:
the bare indexed query of that page's ids.

Usage: python -m bench.api_list_bench [--conversations 100000] [--rounds 200]
"""

import argparse
import os
import random
import time
from datetime import UTC, datetime, timedelta

# Fixture users need a password hash; the bench measures the lists, not argon2.
os.environ.setdefault("KIKO_PASSWORD_MEMORY_KIB", "1024")
os.environ.setdefault("KIKO_PASSWORD_TIME_COST", "1")

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from bench.both_databases import on_both_databases
from bench.timing import percentiles  # noqa: E402
from kiko_livechat import db as db_module  # noqa: E402
from kiko_livechat.api import build_api  # noqa: E402
from kiko_livechat.models import Contact, ContactInbox, Conversation, ConversationLabel, Label, Message, Role  # noqa: E402
from kiko_livechat.services import api_access, inboxes, teams  # noqa: E402
from kiko_livechat.settings import get_settings  # noqa: E402
from tests import databases, factories  # noqa: E402

CHUNK = 5000
# An account that has lived with 100k conversations: most are resolved, a few thousand are not.
STATUSES = ("open",) * 5 + ("pending",) * 2 + ("snoozed",) + ("resolved",) * 92


def _seed(engine: sa.Engine, count: int, per_conversation: int) -> dict:
    rng = random.Random(7)
    with Session(engine, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
        agent_ids = [factories.user(db, acc.id).id for _ in range(25)]
        bot = inboxes.create_api_inbox(db, actor=admin, name="Bot", agent_ids=agent_ids)
        team_ids = [teams.create_team(db, actor=admin, name=f"Team {i}") for i in range(25)]
        token = api_access.issue_personal_token(db, actor=admin)
    inbox_id, account_id = bot.inbox.inbox_id, acc.id
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        label_ids = [
            conn.execute(
                sa.insert(Label).values(account_id=account_id, title=f"thema-{i}").returning(Label.id)
            ).scalar()
            for i in range(20)
        ]
        for base in range(0, count, CHUNK):
            ids = range(base, min(count, base + CHUNK))
            contact_ids = (
                conn.execute(
                    sa.insert(Contact).returning(Contact.id, sort_by_parameter_order=True),
                    [{"account_id": account_id, "name": f"Kunde {i}", "email": f"k{i}@example.org"} for i in ids],
                )
                .scalars()
                .all()
            )
            source_ids = conn.execute(
                sa.insert(ContactInbox).returning(ContactInbox.id, sort_by_parameter_order=True),
                [{"account_id": account_id, "contact_id": c, "inbox_id": inbox_id, "source_id": f"s{c}"}
                 for c in contact_ids],
            ).scalars().all()  # fmt: skip
            rows = []
            for i, contact_id, source_id in zip(ids, contact_ids, source_ids, strict=True):
                at = start + timedelta(seconds=i * 60)
                rows.append({
                    "account_id": account_id, "display_id": i + 1, "alias_key": "1-2-3456", "inbox_id": inbox_id,
                    "contact_id": contact_id, "contact_inbox_id": source_id, "status": rng.choice(STATUSES),
                    "assignee_id": rng.choice([None, *agent_ids]), "team_id": rng.choice([None, *team_ids]),
                    "last_activity_at": at, "created_at": at, "updated_at": at,
                })  # fmt: skip
            conversation_ids = (
                conn.execute(sa.insert(Conversation).returning(Conversation.id, sort_by_parameter_order=True), rows)
                .scalars()
                .all()
            )
            messages = []
            for conversation_id, row in zip(conversation_ids, rows, strict=True):
                for n in range(per_conversation):
                    agent = n % 2 == 1
                    messages.append({
                        "account_id": account_id, "conversation_id": conversation_id,
                        "message_type": "outgoing" if agent else "incoming",
                        "sender_type": "agent" if agent else "contact",
                        "sender_id": rng.choice(agent_ids) if agent else row["contact_id"],
                        "content": f"Nachricht {n} zu Vorgang {row['display_id']}",
                        "created_at": row["created_at"] + timedelta(seconds=n),
                    })  # fmt: skip
            conn.execute(sa.insert(Message), messages)
            conn.execute(
                sa.insert(ConversationLabel),
                [{"account_id": account_id, "conversation_id": c, "label_id": rng.choice(label_ids)}
                 for c in conversation_ids[::3]],
            )  # fmt: skip
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    return {"account_id": account_id, "token": token, "display_id": count // 2}


def _server_ms(client: TestClient, url: str, token: str, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        answer = client.get(url, headers={"api_access_token": token})
        answer.raise_for_status()
        samples.append(float(answer.headers["server-timing"].split("dur=")[1]) / 1000)
    return samples


def _floor(engine: sa.Engine, sql: str, params: dict, rounds: int) -> list[float]:
    samples = []
    with engine.connect() as conn:
        for _ in range(rounds):
            started = time.perf_counter()
            conn.execute(sa.text(sql), params).all()
            samples.append(time.perf_counter() - started)
    return samples


def api_client(url: str) -> TestClient:
    """The app's HTTP API in-process on `url`, its rate limits out of the way."""
    os.environ["KIKO_DATABASE_URL"] = url
    os.environ["KIKO_API_RATE_PER_SECOND"] = os.environ["KIKO_API_RATE_BURST"] = "1000000"
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()
    return TestClient(build_api())


def seeded_account(label: str, url: str, count: int) -> tuple[sa.Engine, dict, TestClient]:
    """A migrated database on `url` with an account of `count` conversations (10 messages
    each), and the API client; prints how long the seeding took."""
    engine = databases.migrated_engine(url)
    started = time.perf_counter()
    seeded = _seed(engine, count, 10)
    print(f"{label}: seeded {count} conversations, {count * 10} messages in {time.perf_counter() - started:.0f} s")
    return engine, seeded, api_client(url)


def run(label: str, url: str, count: int, rounds: int) -> None:
    engine, seeded, client = seeded_account(label, url, count)
    base = f"/api/v1/accounts/{seeded['account_id']}"
    page_ids = "SELECT id FROM conversations WHERE account_id = :a AND status = :s ORDER BY last_activity_at DESC, id DESC LIMIT 25"  # noqa: E501
    cases = [
        ("GET conversations (open, page 1)", "/conversations?status=open", page_ids, {"s": "open"}),
        ("GET conversations (page 40)", "/conversations?status=open&page=40", page_ids + " OFFSET 975", {"s": "open"}),
        ("GET conversations/meta", "/conversations/meta?status=open", page_ids, {"s": "open"}),
        # The worst case: the counts run over the 92k resolved conversations.
        ("GET conversations (resolved, page 1)", "/conversations?status=resolved", page_ids, {"s": "resolved"}),
        (
            "GET conversations/{id}/messages",
            f"/conversations/{seeded['display_id']}/messages",
            "SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id "
            "WHERE c.account_id = :a AND c.display_id = :d ORDER BY m.id LIMIT 200",
            {"d": seeded["display_id"]},
        ),
        ("GET agents", "/agents", "SELECT user_id FROM account_users WHERE account_id = :a", {}),
    ]
    for name, path, floor_sql, params in cases:
        _server_ms(client, base + path, seeded["token"], 5)  # warm up
        app = _server_ms(client, base + path, seeded["token"], rounds)
        floor = _floor(engine, floor_sql, {"a": seeded["account_id"], **params}, rounds)
        print(f"{label:<11} {name:<34} server {percentiles(app)}   floor {percentiles(floor)}")
    db_module.get_engine().dispose()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    on_both_databases(run, "kiko_bench_api_lists", args.conversations, args.rounds)


if __name__ == "__main__":
    main()
