"""The migrations go down as well as up: `flask db downgrade base` leaves no table behind and
`flask db upgrade` then builds the schema again, on SQLite and on PostgreSQL. A database upgraded
before the revisions were renamed, holding an old id, upgrades as if it held the new one."""

import functools
import json
import os
import uuid
from collections.abc import Iterator

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app

from ap_field import create_app
from ap_field.config import database_url_from
from ap_field.extensions import db
from tests.helpers import config_for_tests, empty_schema

# The ids the revisions had before they were renamed, oldest first; databases upgraded before
# then still hold one.
OLD_REVISION_IDS = [
    "dac30e350fc5",
    "8646bed3838b",
    "d9e3f0plans01",
    "c4d2e0assess",
    "b7a1c0visits",
    "c2parentinv",
    "c3premises",
    "c4push",
    "c1attendance",
    "c5reports",
    "c6sync",
    "c6indexes",
    "c7snapshot",
    "c7alerts",
]
# The last revision renamed: the head of every database upgraded before the renaming.
OLD_HEAD = "0014_indexes_for_the_leads_pages"


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


@pytest.fixture
def own_app(own_database, tmp_path, monkeypatch) -> Iterator[None]:
    """The app on the test's own database, in an app context."""
    monkeypatch.setenv("AP_FIELD_INSTANCE", str(tmp_path / "instance"))
    app = create_app(config_for_tests(own_database))
    with app.app_context():
        try:
            yield
        finally:
            db.engine.dispose()


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def _schema() -> dict:
    """Each table's columns, keys, indexes and checks, as the database describes them; types and
    SQL as their text. Named constraints in name order: SQLite rebuilding a table in batch
    mode may write them in another."""
    inspector = sa.inspect(db.engine)
    by_name = functools.partial(sorted, key=lambda described: str(described["name"]))
    described = {
        table: (
            inspector.get_columns(table),
            inspector.get_pk_constraint(table),
            by_name(inspector.get_foreign_keys(table)),
            by_name(inspector.get_indexes(table)),
            by_name(inspector.get_unique_constraints(table)),
            by_name(inspector.get_check_constraints(table)),
        )
        for table in inspector.get_table_names()
    }
    return json.loads(json.dumps(described, default=str))


def _revisions_in_order() -> list[str]:
    config = current_app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def _stored_revisions() -> list[str]:
    with db.engine.connect() as connection:
        return list(connection.scalars(sa.text("SELECT version_num FROM alembic_version")))


def _store_revision(revision_id: str) -> None:
    """Puts `revision_id` in the version table by hand: `flask db stamp` refuses an id that no
    revision has."""
    with db.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE alembic_version SET version_num = :id"), {"id": revision_id}
        )


@pytest.mark.real_commits
def test_downgrade_to_base_then_upgrade_again(own_app):
    every_table = set(db.metadata.tables) | {"alembic_version"}

    flask_migrate.upgrade()
    assert _tables() == every_table

    flask_migrate.downgrade(revision="base")
    assert _tables() == {"alembic_version"}

    flask_migrate.upgrade()
    assert _tables() == every_table


@pytest.mark.real_commits
def test_every_revision_id_fits_the_version_table(own_app):
    """PostgreSQL refuses an id longer than Alembic's VARCHAR(32); SQLite would store it."""
    flask_migrate.stamp(revision="base")
    (version_num,) = sa.inspect(db.engine).get_columns("alembic_version")
    fits = version_num["type"].length
    assert [revision for revision in _revisions_in_order() if len(revision) > fits] == []


@pytest.mark.real_commits
def test_a_database_holding_the_old_head_id_upgrades_without_a_change(own_app):
    """c7alerts was the id of 0014_indexes_for_the_leads_pages: a database holding it is
    upgraded as one holding 0014 is."""
    flask_migrate.upgrade(revision=OLD_HEAD)
    flask_migrate.upgrade()
    flask_migrate.downgrade(revision=OLD_HEAD)
    flask_migrate.upgrade()
    schema = _schema()
    flask_migrate.downgrade(revision=OLD_HEAD)
    _store_revision("c7alerts")

    flask_migrate.upgrade()

    assert _stored_revisions() == [_revisions_in_order()[-1]]
    assert _schema() == schema


@pytest.mark.real_commits
def test_each_old_id_is_read_as_the_revision_it_named(own_app):
    """Step by step up the chain, each revision's old id put back in place of its new one."""
    revisions = _revisions_in_order()

    for old_id, revision in zip(OLD_REVISION_IDS, revisions[: len(OLD_REVISION_IDS)], strict=True):
        flask_migrate.upgrade(revision="+1")
        assert _stored_revisions() == [revision]
        _store_revision(old_id)

    flask_migrate.upgrade()
    assert _stored_revisions() == [revisions[-1]]
    assert _tables() == set(db.metadata.tables) | {"alembic_version"}


@pytest.mark.real_commits
def test_schools_on_roll_become_schools_and_come_back(own_app):
    """Each pupil's free-text school becomes one school of that name, holding the DSL email a
    pupil gave it; going down, each pupil takes both back."""
    flask_migrate.upgrade(revision="0021_retention")
    with db.engine.begin() as connection:
        for case_number, school, dsl_email in [
            ("AP-1", "Northside Academy", "dsl@northside.sch.uk"),
            ("AP-2", "Northside Academy", None),
            ("AP-3", "Riverside High School", None),
            ("AP-4", None, None),
        ]:
            connection.execute(
                sa.text(
                    "INSERT INTO pupils (case_number, legal_name, date_of_birth, send_status,"
                    " looked_after, free_school_meals, exclusion_type, reasons, status,"
                    " school_on_roll, school_dsl_email, client_uuid, version, created_at,"
                    " updated_at) VALUES (:case_number, 'A pupil', '2011-05-01', 'none', false,"
                    " false, 'none', '[]', 'active', :school, :dsl_email, :uuid, 1,"
                    " '2026-09-01 09:00:00', '2026-09-01 09:00:00')"
                ),
                {
                    "case_number": case_number,
                    "school": school,
                    "dsl_email": dsl_email,
                    "uuid": uuid.uuid4().hex,
                },
            )

    flask_migrate.upgrade(revision="0022_schools")
    with db.engine.connect() as connection:
        schools = connection.execute(
            sa.text(
                "SELECT pupils.case_number, schools.name, schools.dsl_email FROM pupils"
                " LEFT JOIN schools ON schools.id = pupils.school_id ORDER BY case_number"
            )
        ).all()
    assert [tuple(row) for row in schools] == [
        ("AP-1", "Northside Academy", "dsl@northside.sch.uk"),
        ("AP-2", "Northside Academy", "dsl@northside.sch.uk"),
        ("AP-3", "Riverside High School", None),
        ("AP-4", None, None),
    ]

    flask_migrate.downgrade(revision="0021_retention")
    with db.engine.connect() as connection:
        back = connection.execute(
            sa.text(
                "SELECT case_number, school_on_roll, school_dsl_email FROM pupils"
                " ORDER BY case_number"
            )
        ).all()
    assert [tuple(row) for row in back] == [
        ("AP-1", "Northside Academy", "dsl@northside.sch.uk"),
        ("AP-2", "Northside Academy", "dsl@northside.sch.uk"),
        ("AP-3", "Riverside High School", None),
        ("AP-4", None, None),
    ]


def test_going_back_past_photos_in_the_database_is_refused_while_files_are_kept_there(own_app):
    flask_migrate.upgrade(revision="0031_photo_chunks")
    with db.engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO photo_chunks (name, part, data) VALUES ('a.jpg', 0, :data)"),
            {"data": b"\xff\xd8\xff"},
        )
    with pytest.raises(SystemExit):
        flask_migrate.downgrade(revision="0030_annotated_photos")
    with db.engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM photo_chunks")) == 1
    assert _stored_revisions() == ["0031_photo_chunks"]
