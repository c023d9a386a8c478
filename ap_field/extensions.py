import bisect
import sqlite3
import threading
import time
from typing import ClassVar

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from limits.storage import MemoryStorage

from ap_field.common.models import render_migration_item

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(so.DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True, render_item=render_migration_item)
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = HTMX()
limiter = Limiter(key_func=get_remote_address)
mailman = Mail()


class SweptMemoryStorage(MemoryStorage):
    """limits' memory storage (`RATELIMIT_STORAGE_URI=swept-memory://`, the default), with
    expired entries swept by the requests that count, at most once a second.

    limits sweeps from a timer thread while requests read and clear the same dictionaries
    without its locks; a sweep that meets a clear (a correct password clears the account's
    count) raises KeyError in that thread.
    """

    STORAGE_SCHEME: ClassVar[list[str]] = ["swept-memory"]
    SWEEP_EVERY = 1.0

    def __init__(self, uri: str | None = None, **options):
        super().__init__(uri, **options)
        self.timer.cancel()
        self._swept_at = 0.0
        self._sweeping = threading.Lock()

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 (limits' private name)
        now = time.time()
        if now - self._swept_at < self.SWEEP_EVERY or not self._sweeping.acquire(blocking=False):
            return
        try:
            self._swept_at = now
            self._sweep(now)
        finally:
            self._sweeping.release()

    def _sweep(self, now: float) -> None:
        for key in list(self.events):
            with self.locks[key]:
                events = self.events.get(key)
                if events:
                    # Newest first: everything from the first expired entry on has expired.
                    del events[bisect.bisect_left(events, -now, key=lambda event: -event.expiry) :]
                if not events:
                    self.events.pop(key, None)
                    self.locks.pop(key, None)
        for key, expiry in list(self.expirations.items()):
            if expiry <= now:
                self.storage.pop(key, None)
                self.expirations.pop(key, None)
                self.locks.pop(key, None)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite enforces foreign keys and uses WAL only when asked on every connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
