"""Counting the SQL statements a block runs, to keep pages at a constant number of queries."""

from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db


@contextmanager
def counted_statements():
    """Yields a list that collects each SQL statement run inside the block."""
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
