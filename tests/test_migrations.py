"""The migrations go down as well as up: `flask db downgrade base` leaves no table behind and
`flask db upgrade` then builds the schema again, on SQLite and on PostgreSQL."""

import os
from collections.abc import Iterator

import flask_migrate
import pytest
import sqlalchemy as sa

from ap_field import create_app
from ap_field.config import database_url_from
from ap_field.extensions import db
from tests.helpers import config_for_tests, empty_schema


@pytest.fixture
def own_database(tmp_path) -> Iterator[str]:
    """A database of the test's own: a new SQLite file, or, when TEST_DATABASE_URL is set, a
    new schema of the test database, dropped after."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    url = database_url_from(url)
    assert "test" in sa.make_url(url).database, f"not a test database: {url}"
    schema = f"migrations_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    yield empty_schema(url, schema)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


@pytest.mark.real_commits
def test_downgrade_to_base_then_upgrade_again(own_database, tmp_path, monkeypatch):
    monkeypatch.setenv("AP_FIELD_INSTANCE", str(tmp_path / "instance"))
    app = create_app(config_for_tests(own_database))
    with app.app_context():
        try:
            every_table = set(db.metadata.tables) | {"alembic_version"}

            flask_migrate.upgrade()
            assert _tables() == every_table

            flask_migrate.downgrade(revision="base")
            assert _tables() == {"alembic_version"}

            flask_migrate.upgrade()
            assert _tables() == every_table
        finally:
            db.engine.dispose()
