"""Cost of the administration screens at a large customer's size, and of the presence heartbeat.

An account with 300 agents, 30 teams of 10 and 20 inboxes: p50/p99 of the agents list (with
each agent's effective availability), the teams list, the inboxes list, and one heartbeat (every
open dashboard tab sends one every 25 s), next to a bare SELECT of the memberships (the floor).
Usage: python -m bench.admin_bench
"""

import os

# Fixture users need a password hash; the bench measures the screens, not argon2.
os.environ.setdefault("KIKO_PASSWORD_MEMORY_KIB", "1024")
os.environ.setdefault("KIKO_PASSWORD_TIME_COST", "1")

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench.timing import percentiles, timed  # noqa: E402
from kiko_livechat.models import Role  # noqa: E402
from kiko_livechat.services import agents, inboxes, presence, teams  # noqa: E402
from tests import databases, factories  # noqa: E402

AGENTS = 300
TEAMS = 30
INBOXES = 20
ROUNDS = 300


def _populate(db: Session):
    acc = factories.account(db)
    admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    user_ids = [factories.user(db, acc.id).id for _ in range(AGENTS)]
    for t in range(TEAMS):
        team_id = teams.create_team(db, actor=admin, name=f"Team {t}")
        for user_id in user_ids[t * 10 : t * 10 + 10]:
            teams.add_team_member(db, actor=admin, team_id=team_id, user_id=user_id)
    for i in range(INBOXES):
        inboxes.create_web_inbox(db, actor=admin, name=f"Inbox {i}", agent_ids=user_ids[i * 15 : i * 15 + 15])
    return acc, admin


def run(label: str, url: str) -> None:
    engine = databases.migrated_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        acc, admin = _populate(db)
        floor_sql = sa.text("SELECT * FROM account_users WHERE account_id = :a")
        results = {
            "bare SELECT (floor)": timed(lambda: db.execute(floor_sql, {"a": acc.id}).all(), ROUNDS),
            f"list_agents ({AGENTS})": timed(lambda: agents.list_agents(db, actor=admin), ROUNDS),
            f"list_teams ({TEAMS}x10)": timed(lambda: teams.list_teams(db, actor=admin), ROUNDS),
            f"list_inboxes ({INBOXES})": timed(lambda: inboxes.list_inboxes(db, actor=admin), ROUNDS),
            "heartbeat (1 write)": timed(lambda: presence.heartbeat(db, actor=admin), ROUNDS),
        }
    engine.dispose()
    for name, samples in results.items():
        print(f"{label:<11} {name:<24} {percentiles(samples)}")


def main() -> None:
    run("sqlite", databases.new_sqlite_url())
    if databases.postgres_unavailable_reason() is None:
        run("postgresql", databases.create_postgres_database("kiko_bench"))
        databases.drop_postgres_database("kiko_bench")


if __name__ == "__main__":
    main()
