"""Counting the SQL statements a piece of code sends (query-count tests)."""

import contextlib

import sqlalchemy as sa


@contextlib.contextmanager
def counted(engine: sa.Engine):
    """The statements sent through `engine` inside the block, in order."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
