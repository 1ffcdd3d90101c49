"""Database engine and sessions, shared by the app, the API, the seed and the tests."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import sqlalchemy as sa
from sqlmodel import Session

from kiko_livechat.settings import get_settings

# SQLite: BUSY_TIMEOUT_SECONDS is how long a writer waits for another one, at most.
BUSY_TIMEOUT_SECONDS = 30
_WRITERS: dict[str, threading.Lock] = {}
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def make_engine(url: str) -> sa.Engine:
    """An engine for `url`; SQLite gets foreign keys on, WAL, and its writers take turns."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_SECONDS})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        _take_turns(engine, _WRITERS.setdefault(url, threading.Lock()))
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _take_turns(engine: sa.Engine, writer: threading.Lock) -> None:
    """SQLite has one writer at a time; the others wait in its busy handler, which polls with
    sleeps growing to 100 ms, so under load a write waited far longer than the lock was held
    (one-call handoffs at 8 concurrent requests: p99 over a second). The threads of this process
    take turns on a lock instead, from a transaction's first write to its end: the next writer
    starts the moment the previous one commits. Other processes still meet the busy handler."""

    def first_write(conn, cursor, statement, parameters, context, executemany):
        if "kiko_writer" not in conn.info and statement.lstrip()[:7].upper().startswith(_WRITES):
            conn.info["kiko_writer"] = writer.acquire(timeout=BUSY_TIMEOUT_SECONDS)

    def end(conn, *_):
        if conn.info.pop("kiko_writer", False):
            writer.release()

    def checkin(dbapi_connection, record):  # a connection given back without commit or rollback
        if record.info.pop("kiko_writer", False):
            writer.release()

    sa.event.listen(engine, "before_cursor_execute", first_write)
    sa.event.listen(engine, "commit", end)
    sa.event.listen(engine, "rollback", end)
    sa.event.listen(engine.pool, "checkin", checkin)


@lru_cache
def get_engine() -> sa.Engine:
    """The process-wide engine for the configured database."""
    return make_engine(get_settings().database_url)


@contextmanager
def session_scope(engine: sa.Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
