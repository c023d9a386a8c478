"""The benchmark's databases: SQLite in a throwaway instance folder, or a database of its own
on a PostgreSQL server, migrated and filled with `flask demo scale`."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Database:
    kind: str
    size: int
    url: str | None  # None: SQLite in the instance folder
    instance: Path

    def env(self) -> dict:
        """The environment of a command or server over this database. Nothing is shared
        through the disk but what the instance folder holds: no photo folder of its own."""
        env = os.environ.copy()
        env.update(
            AP_FIELD_INSTANCE=str(self.instance),
            AP_FIELD_ENV="development",
            FLASK_APP="app.py",
            PYTHONPATH=str(ROOT),
            SECRET_KEY="bench-" + "k" * 32,
        )
        env.pop("DATABASE_URL", None)
        env.pop("AP_FIELD_PHOTO_DIR", None)
        if self.url:
            env["DATABASE_URL"] = self.url
        return env

    def engine(self) -> sa.Engine:
        url = self.url or f"sqlite:///{self.instance / 'ap_field.sqlite3'}"
        return sa.create_engine(_psycopg(url))


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def postgres_reachable(base_url: str) -> bool:
    try:
        engine = sa.create_engine(_psycopg(base_url))
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
        return True
    except sa.exc.OperationalError:
        return False


def fresh_postgres(base_url: str, name: str) -> str:
    """The database `name` on the server of `base_url`, made if missing, its schema emptied."""
    admin = sa.create_engine(_psycopg(base_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = base_url.rsplit("/", 1)[0] + "/" + name
    engine = sa.create_engine(_psycopg(url))
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def build(database: Database) -> tuple[float, list[str]]:
    """Migrate and fill the database; returns the seconds `flask demo scale` took and what
    it said of each stage."""
    database.instance.mkdir(parents=True, exist_ok=True)
    flask = [str(BIN / "flask")]
    subprocess.run([*flask, "db", "upgrade"], env=database.env(), cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip
    started = time.perf_counter()
    made = subprocess.run(
        [*flask, "demo", "scale", str(database.size), "--force"],
        env=database.env(),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - started, made.stdout.splitlines()


TEACHER_PUPILS = (
    "SELECT a.pupil_id FROM caseload_assignments a JOIN users u ON u.id = a.teacher_id"
    " WHERE u.email = 'teacher1@example.org' AND a.ended_on IS NULL ORDER BY a.slot"
)


def known_ids(database: Database) -> dict:
    """The records the measured pages are about: the first teacher's pupils, a site check
    and the last school day with marks."""
    engine = database.engine()
    with engine.connect() as connection:
        teacher_pupils = list(connection.scalars(sa.text(TEACHER_PUPILS)))
        ids = {
            "pupil": teacher_pupils[0],
            "teacher_pupils": teacher_pupils,
            "check": connection.scalar(sa.text("SELECT min(id) FROM site_checks")),
            "last_school_day": str(
                connection.scalar(sa.text("SELECT max(date) FROM attendance_marks"))
            ),
        }
    engine.dispose()
    return ids
