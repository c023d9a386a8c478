"""Each test's writes inside a transaction that is rolled back at its end.

The test's own session and the session of every request it makes are bound to one
connection whose transaction is never committed: a `commit()` in the app releases a
SAVEPOINT instead (SQLAlchemy's "joining a session into an external transaction"). Data a
whole module shares is written once inside that transaction, and each test works inside a
SAVEPOINT of its own on top of it.

Tests that need other connections to see their writes (threads racing each other, a live
server for the browser, a second engine) are marked `real_commits` instead: they commit,
and the tables are emptied after them.
"""

import contextlib
import sqlite3

import sqlalchemy as sa
from flask_sqlalchemy.session import Session

from ap_field.extensions import db


class BoundSession(Session):
    """A session on the test's connection, which Flask-SQLAlchemy would otherwise replace
    with its engine."""

    def get_bind(self, *args, **kwargs) -> sa.Connection:
        return self.bind


def allow_savepoints(engine: sa.Engine) -> None:
    """pysqlite begins transactions itself, late, and breaks SAVEPOINT; SQLAlchemy's recipe
    hands the BEGIN to SQLAlchemy."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _no_pysqlite_transactions(dbapi_connection, _record) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN")


@contextlib.contextmanager
def sessions_bound_to(connection: sa.Connection):
    """Every `db.session` made inside, in any app context, works on `connection`."""
    unbound = db.session
    db.session = db._make_scoped_session(
        {"class_": BoundSession, "bind": connection, "join_transaction_mode": "create_savepoint"}
    )
    try:
        yield
    finally:
        db.session = unbound


@contextlib.contextmanager
def rolled_back(engine: sa.Engine):
    """A connection in a transaction that is rolled back at the end, with sessions bound to it."""
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            with sessions_bound_to(connection):
                yield connection
        finally:
            transaction.rollback()


@contextlib.contextmanager
def savepoint(connection: sa.Connection):
    """A SAVEPOINT rolled back at the end, for one test over its module's shared data."""
    nested = connection.begin_nested()
    try:
        yield
    finally:
        db.session.remove()
        if nested.is_active:
            nested.rollback()


def empty_tables() -> None:
    """After a test that committed: every table emptied, children first, and its connections
    closed with whatever they held (temporary tables)."""
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    db.engine.dispose()
