"""Cost of the session check that runs on every state handler, and of a login.

Prints p50/p99 of `resolve_session` next to a bare indexed SELECT (the floor) and of one
argon2id login, on SQLite and, where reachable, PostgreSQL.   Usage: python -m bench.auth_bench
"""

import statistics
import time

import sqlalchemy as sa
from sqlmodel import Session

from kiko_livechat.services import auth
from tests import databases, factories

ROUNDS = 2000


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000
    return f"p50 {p50:.3f} ms  p99 {p99:.3f} ms"


def _time(fn, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def run(label: str, url: str) -> None:
    engine = databases.migrated_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        acc = factories.account(db)
        user = factories.user(db, acc.id)
        token = factories.login(db, user).token
        floor = _time(lambda: db.execute(sa.text("SELECT id FROM auth_sessions WHERE token_hash = 'x'")).all(), ROUNDS)
        resolve = _time(lambda: auth.resolve_session(db, token=token), ROUNDS)
        login = _time(lambda: auth.login(db, email=user.email, password=factories.PASSWORD), 20)
    engine.dispose()
    print(f"{label:<11} bare SELECT (floor)   {_percentiles(floor)}")
    print(f"{label:<11} resolve_session       {_percentiles(resolve)}")
    print(f"{label:<11} login (argon2id)      {_percentiles(login)}")


def main() -> None:
    run("sqlite", databases.new_sqlite_url())
    if databases.postgres_unavailable_reason() is None:
        run("postgresql", databases.create_postgres_database("kiko_bench"))
        databases.drop_postgres_database("kiko_bench")


if __name__ == "__main__":
    main()
