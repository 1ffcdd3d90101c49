"""Run a bench on a new SQLite file, then on PostgreSQL where this machine has it."""

from tests import databases


def on_both_databases(run, database: str, *args) -> None:
    """`run(label, url, *args)` for "sqlite", then "postgresql" (a database named `database`,
    dropped afterwards)."""
    run("sqlite", databases.new_sqlite_url(), *args)
    if databases.postgres_unavailable_reason() is not None:
        return
    url = databases.create_postgres_database(database)
    try:
        run("postgresql", url, *args)
    finally:
        databases.drop_postgres_database(database)
