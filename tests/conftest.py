"""Fixtures: one app for the run on a migrated database (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), each test's writes rolled back after it (tests/transactions.py),
an SMTP server on loopback and the `mailbox` it fills, a client, a CLI runner, users of each
role and an `auth` helper."""

import os
from datetime import timedelta

import flask_migrate
import pytest
import sqlalchemy as sa

from ap_field import create_app
from ap_field.auth.models import Role
from ap_field.common.time import london_today
from ap_field.config import database_url_from
from ap_field.extensions import db, limiter, mailman
from ap_field.parents.models import ParentLink
from tests.helpers import (
    AuthActions,
    ClientRequest,
    Clock,
    SeparateContextClient,
    config_for_tests,
    empty_schema,
    new_pupil,
    new_user,
    next_serial,
    school_named,
    valid_upn,
)
from tests.mail_server import Mailbox, SmtpServer
from tests.transactions import allow_savepoints, empty_tables, rolled_back, savepoint


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The browser tests first, their modules in the order pytest-randomly shuffled them to:
    they are the long modules, and `--dist loadscope` hands modules to the workers in this
    order, so none is left to run alone at the end while the other worker waits."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A clean database for this run: a fresh SQLite file, or, when TEST_DATABASE_URL names a
    PostgreSQL database whose name says it is for tests, that database's schema emptied. Each
    pytest-xdist worker has a schema of its own."""
    if url := os.environ.get("TEST_DATABASE_URL"):
        url = database_url_from(url)
        if "test" not in sa.make_url(url).database:
            pytest.exit(f"TEST_DATABASE_URL must name a test database, not {url}", returncode=2)
        return empty_schema(url, os.environ.get("PYTEST_XDIST_WORKER", "public"))
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'ap_field.sqlite3'}"


@pytest.fixture(scope="session")
def migrated(database_url, tmp_path_factory) -> str:
    """The schema built by the migrations, once per run, as `flask db upgrade` builds it."""
    app = create_app(config_for_tests(database_url))
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    return database_url


@pytest.fixture(scope="session")
def smtp_server():
    """The run's SMTP server on loopback (one per pytest-xdist worker), which the apps send to."""
    server = SmtpServer().start()
    yield server
    server.stop()


def _app_for_the_run(migrated, tmp_path_factory, smtp_server, savepoints: bool):
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("AP_FIELD_INSTANCE", str(tmp_path_factory.mktemp("instance")))
        app = create_app(config_for_tests(migrated, smtp_port=smtp_server.port))
    app.test_client_class = SeparateContextClient
    with app.app_context():
        if savepoints:
            allow_savepoints(db.engine)
    yield app
    with app.app_context():
        db.engine.dispose()


def _engine_of(app):
    with app.app_context():
        return db.engine


@pytest.fixture(scope="session")
def rollback_app(migrated, tmp_path_factory, smtp_server):
    """The app of the tests whose writes are rolled back."""
    yield from _app_for_the_run(migrated, tmp_path_factory, smtp_server, savepoints=True)


@pytest.fixture(scope="session")
def committing_app(migrated, tmp_path_factory, smtp_server):
    """The app of the tests marked `real_commits`, with the database's own transactions."""
    yield from _app_for_the_run(migrated, tmp_path_factory, smtp_server, savepoints=False)


@pytest.fixture(scope="module")
def module_transaction(rollback_app):
    """A transaction for a module's shared data; a module opts in by making its `transaction`
    fixture module-scoped and returning this."""
    with rolled_back(_engine_of(rollback_app)) as connection:
        yield connection


@pytest.fixture
def transaction(request, rollback_app):
    """The test's transaction, rolled back after it; None for a test marked `real_commits`."""
    if request.node.get_closest_marker("real_commits"):
        yield None
        return
    with rolled_back(_engine_of(rollback_app)) as connection:
        yield connection


@pytest.fixture
def app_config() -> dict:
    """Per-test overrides of the test configuration."""
    return {}


@pytest.fixture
def app(transaction, rollback_app, committing_app, app_config, tmp_path, monkeypatch):
    """The app, in an app context, with an instance folder and configuration of the test's own
    (whatever the test changes in its config is put back); what the test writes is gone after it."""
    app = committing_app if transaction is None else rollback_app
    instance = tmp_path / "instance"
    instance.mkdir()
    monkeypatch.setenv("AP_FIELD_INSTANCE", str(instance))
    monkeypatch.setattr(app, "instance_path", str(instance))
    config = dict(app.config)
    app.config.update(app_config)
    # Flask-Mailman reads its settings once, when the app is made.
    mailman.init_app(app)
    with app.app_context():
        if transaction is None:
            yield app
            empty_tables()
        else:
            with savepoint(transaction):
                yield app
    app.config.clear()
    app.config.update(config)
    mailman.init_app(app)
    limiter.reset()


@pytest.fixture
def make_app(transaction, migrated, smtp_server):
    """Another app on the test database, for tests of configuration; what it writes goes as the
    test's own writes go, and its engine is closed after."""
    made = []

    def make(**overrides):
        other = create_app(config_for_tests(migrated, smtp_port=smtp_server.port, **overrides))
        other.test_client_class = SeparateContextClient
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    """The mail the run's SMTP server receives during the test: `mailbox.messages`,
    `mailbox.to(address)`, `mailbox.wait_for(count)` for mail sent from another thread;
    `mailbox.refuse(address)` and `mailbox.delay` (seconds) change how the server answers."""
    smtp_server.mailbox.reset()
    return smtp_server.mailbox


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Sets the time the app sees: `clock(9, 5)` is 09:05 on a Wednesday in term,
    `clock.set(moment)` any moment."""
    return Clock(monkeypatch)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    return new_user


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def teacher(make_user, auth):
    """A community teacher, Tom Okafor, signed in on `client`."""
    user = make_user(Role.TEACHER, name="Tom Okafor")
    auth.login(user)
    return user


@pytest.fixture
def client_request(client) -> ClientRequest:
    return ClientRequest(client)


@pytest.fixture
def make_pupil(app):
    return new_pupil


@pytest.fixture
def pupil_form(app):
    """The fields of a valid pupil form, as a browser sends them."""
    school_id = str(school_named("Northside Academy").id)

    def form(**overrides) -> dict:
        serial = next_serial()
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
            "school_id": school_id,
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
