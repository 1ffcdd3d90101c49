"""Test databases: a migrated SQLite file and, where reachable, a migrated PostgreSQL database."""

import os
import tempfile
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config

from alembic import command
from kiko_livechat.db import make_engine
from kiko_livechat.settings import PROJECT_ROOT

PG_ADMIN_URL = os.environ.get("KIKO_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_TEST_DB = f"kiko_test_{os.getpid()}"
IN_CI = os.environ.get("CI", "").lower() == "true"


def alembic_config(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logging"] = False
    return config


def migrate(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def new_sqlite_url() -> str:
    path = Path(tempfile.mkdtemp(prefix="kiko-test-")) / "kiko.db"
    return f"sqlite:///{path}"


def postgres_unavailable_reason() -> str | None:
    """None if the PostgreSQL server answers, else why not."""
    try:
        engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any connection problem means "not reachable here"
        return f"PostgreSQL at {PG_ADMIN_URL} not reachable: {type(exc).__name__}"


def create_postgres_database(name: str = PG_TEST_DB) -> str:
    """A fresh, empty PostgreSQL database; returns its URL."""
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres_database(name: str = PG_TEST_DB) -> None:
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def migrated_engine(url: str) -> sa.Engine:
    migrate(url)
    return make_engine(url)


def empty_all_tables(engine: sa.Engine) -> None:
    from sqlmodel import SQLModel

    tables = [t.name for t in SQLModel.metadata.sorted_tables]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in reversed(tables):
                connection.execute(sa.text(f"DELETE FROM {name}"))


REDIS_URL = os.environ.get("KIKO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_unavailable_reason() -> str | None:
    """None when the Redis of this machine answers, else why not."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        return f"Redis at {REDIS_URL} unreachable: {exc}"
    return None
