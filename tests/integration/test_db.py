"""SQLite writers of one process take turns on a lock (kiko_livechat/db.py) instead of polling
SQLite's busy handler: the next writer starts as soon as the previous one ends, and the turn is
given back however a transaction ends."""

import threading
import time

import sqlalchemy as sa

from kiko_livechat import db as db_module
from tests import databases


def _write(connection, value: str) -> None:
    connection.execute(sa.text("INSERT INTO labels_probe (value) VALUES (:v)"), {"v": value})


def test_a_waiting_writer_starts_when_the_previous_one_commits():
    engine = db_module.make_engine(databases.new_sqlite_url())
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE labels_probe (value TEXT)"))
    waits = []
    for round_ in range(5):
        first_written, done = threading.Event(), {}

        def first(first_written=first_written, done=done, hold=0.2 + round_ * 0.013):
            with engine.begin() as connection:
                _write(connection, "first")
                first_written.set()
                time.sleep(hold)  # holds SQLite's write lock until the commit
            done["at"] = time.perf_counter()

        thread = threading.Thread(target=first)
        thread.start()
        first_written.wait(5)
        with engine.begin() as connection:
            _write(connection, "second")
        waits.append(time.perf_counter() - done["at"])
        thread.join()
    # SQLite's busy handler sleeps in steps of up to 100 ms: it waited 17-101 ms here.
    assert sorted(waits)[2] < 0.015, waits
    engine.dispose()


def test_the_turn_is_given_back_on_rollback_and_when_a_connection_is_returned():
    engine = db_module.make_engine(databases.new_sqlite_url())
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE labels_probe (value TEXT)"))
    with engine.connect() as connection:
        _write(connection, "rolled back")
        connection.rollback()
    with engine.connect() as connection:
        _write(connection, "never committed")  # returned to the pool without commit or rollback
    start = time.perf_counter()
    with engine.begin() as connection:
        _write(connection, "kept")
    assert time.perf_counter() - start < 1
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT value FROM labels_probe")).scalars().all() == ["kept"]
    engine.dispose()
