"""Cost of the session check that runs on every state handler, and of a login.

Prints p50/p99 of `resolve_session` next to a bare indexed SELECT (the floor) and of one
argon2id login, on SQLite and, where reachable, PostgreSQL.   Usage: python -m bench.auth_bench
"""

import sqlalchemy as sa
from sqlmodel import Session

from bench.timing import percentiles, timed
from kiko_livechat.services import auth
from tests import databases, factories

ROUNDS = 2000


def run(label: str, url: str) -> None:
    engine = databases.migrated_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        acc = factories.account(db)
        user = factories.user(db, acc.id)
        token = factories.login(db, user).token
        floor = timed(lambda: db.execute(sa.text("SELECT id FROM auth_sessions WHERE token_hash = 'x'")).all(), ROUNDS)
        resolve = timed(lambda: auth.resolve_session(db, token=token), ROUNDS)
        login = timed(lambda: auth.login(db, email=user.email, password=factories.PASSWORD), 20)
    engine.dispose()
    print(f"{label:<11} bare SELECT (floor)   {percentiles(floor)}")
    print(f"{label:<11} resolve_session       {percentiles(resolve)}")
    print(f"{label:<11} login (argon2id)      {percentiles(login)}")


def main() -> None:
    run("sqlite", databases.new_sqlite_url())
    if databases.postgres_unavailable_reason() is None:
        run("postgresql", databases.create_postgres_database("kiko_bench"))
        databases.drop_postgres_database("kiko_bench")


if __name__ == "__main__":
    main()
