"""Fixtures: an app on a migrated database (SQLite, or PostgreSQL when DATABASE_URL is set),
a client, a CLI runner, users of each role and an `auth` helper."""

import itertools
import os
from datetime import date, timedelta
from decimal import Decimal

import flask_migrate
import pytest
import sqlalchemy as sa

from ap_field import create_app
from ap_field.auth.models import Role, User
from ap_field.common.time import london_today
from ap_field.config import database_url_from
from ap_field.extensions import db
from ap_field.parents.models import ParentLink
from ap_field.pupils.models import Ethnicity, Gender, PupilStatus
from ap_field.pupils.services import create_pupil
from tests.helpers import (
    PASSWORD,
    AuthActions,
    ClientRequest,
    SeparateContextClient,
    config_for_tests,
    valid_upn,
)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A clean database for this run: a fresh SQLite file, or, when TEST_DATABASE_URL names a
    PostgreSQL database whose name says it is for tests, that database's schema emptied."""
    if url := os.environ.get("TEST_DATABASE_URL"):
        url = database_url_from(url)
        if "test" not in sa.make_url(url).database:
            pytest.exit(f"TEST_DATABASE_URL must name a test database, not {url}", returncode=2)
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'ap_field.sqlite3'}"


@pytest.fixture(scope="session")
def migrated(database_url, tmp_path_factory) -> str:
    """The schema built by the migrations, once per run, as `flask db upgrade` builds it."""
    app = create_app(config_for_tests(database_url))
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    return database_url


def empty_tables() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app_config() -> dict:
    """Per-test overrides of the test configuration."""
    return {}


@pytest.fixture
def app(migrated, app_config, tmp_path, monkeypatch):
    monkeypatch.setenv("AP_FIELD_INSTANCE", str(tmp_path / "instance"))
    app = create_app(config_for_tests(migrated, **app_config))
    app.test_client_class = SeparateContextClient
    with app.app_context():
        yield app
        db.session.remove()
        empty_tables()
        db.engine.dispose()


@pytest.fixture
def make_app(migrated):
    """Another app on the test database, for tests of configuration; its engine is closed after."""
    made = []

    def make(**overrides):
        other = create_app(config_for_tests(migrated, **overrides))
        other.test_client_class = SeparateContextClient
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_emails = itertools.count(1)


@pytest.fixture
def make_user(app):
    def make(role: Role = Role.TEACHER, *, password: str = PASSWORD, **fields) -> User:
        number = next(_emails)
        fields.setdefault("email", f"{role.value}{number}@example.org")
        fields.setdefault("name", f"{role.label} {number}")
        user = User(role=role, **fields)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def client_request(client) -> ClientRequest:
    return ClientRequest(client)


_serials = itertools.count(100)


@pytest.fixture
def make_pupil(app):
    def make(**values):
        serial = next(_serials)
        record = {
            "case_number": f"AP-{serial:04d}",
            "legal_name": f"Pupil {serial}",
            "date_of_birth": date(2011, 5, 1),
            "gender": Gender.FEMALE,
            "ethnicity": Ethnicity.WBRI,
            "upn": valid_upn(serial),
            "school_on_roll": "Northside Academy",
            "reasons": ["mental_health"],
            "planned_hours_per_week": Decimal("25"),
            "status": PupilStatus.ACTIVE,
            "providers": [],
        }
        return create_pupil(record | values)

    return make


@pytest.fixture
def pupil_form():
    """The fields of a valid pupil form, as a browser sends them."""

    def form(**overrides) -> dict:
        serial = next(_serials)
        today = london_today()
        return {
            "client_uuid": "",
            "legal_name": "Jordan Ellis",
            "preferred_name": "Jojo",
            "date_of_birth": "2011-05-01",
            "gender": "male",
            "ethnicity": "WBRI",
            "case_number": f"AP-{serial:04d}",
            "upn": valid_upn(serial),
            "school_on_roll": "Northside Academy",
            "commissioner": "Northshire Council",
            "locality_team": "North",
            "send_status": "sen_support",
            "looked_after": "y",
            "exclusion_type": "suspension",
            "reasons": ["suspension", "mental_health"],
            "provision_start_date": (today - timedelta(days=30)).isoformat(),
            "planned_end_date": (today + timedelta(days=150)).isoformat(),
            "planned_hours_per_week": "22.5",
            "review_date": (today + timedelta(days=7)).isoformat(),
            "action_to_be_taken": "Review with the inclusion lead",
            "status": "active",
            "destination": "",
        } | overrides

    return form


@pytest.fixture
def make_parent(make_user):
    """A parent account linked to `pupil`, who may confirm sessions unless told not to."""

    def make(pupil, may_confirm: bool = True, **fields):
        parent = make_user(Role.PARENT, **fields)
        db.session.add(
            ParentLink(
                parent=parent,
                pupil=pupil,
                relationship="Mother",
                may_confirm_attendance=may_confirm,
            )
        )
        db.session.commit()
        return parent

    return make
