"""Helpers the tests share: the test configuration, signing in, and fetching pages."""

import contextvars
import itertools
import uuid
from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pyotp
import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask import has_app_context
from flask.testing import FlaskClient
from stdnum.gb import upn

from ap_field.auth.models import RecoveryCode, Role, User
from ap_field.auth.two_factor import recovery_code_hash
from ap_field.common.time import LONDON, utcnow
from ap_field.extensions import db
from ap_field.pupils.models import Ethnicity, Gender, PupilStatus
from ap_field.pupils.services import create_pupil
from ap_field.schools.models import Phase, School
from tests.mail_server import HOST as SMTP_HOST

PASSWORD = "correct-staple-meadow"
# A Wednesday in term: the day the clock fixture sets unless told another.
WEDNESDAY = date(2026, 11, 18)

# Where each role lands after signing in, and the heading it sees there.
LANDING = {
    Role.TEACHER: ("/today", "Today"),
    Role.ASSESSOR: ("/site-checks", "Site checks"),
    Role.PARENT: ("/my-child", "My child"),
    Role.SCHOOL: ("/school", "Northside Academy"),
    Role.LEAD: ("/programme", "Programme"),
    Role.ADMIN: ("/programme", "Programme"),
}


IDLE_LOCK_IN_TESTS = 400 * 24 * 60


def config_for_tests(url: str, smtp_port: int | None = None, **overrides) -> dict:
    """The tests' configuration on the database at `url`, with mail to the run's SMTP server
    on loopback at `smtp_port`."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "RATELIMIT_STORAGE_URI": "swept-memory://",
        # Hashing is slow on purpose; the tests make hundreds of accounts.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "DEMO_DATA_ALLOWED": True,
        # The tests' own push service listens on loopback over plain http.
        "PUSH_ALLOW_LOOPBACK_HTTP": True,
        "VAPID_SUBJECT": "mailto:reminders@example.org",
        # Tests move the clock by hours and days between one request and the next, which is
        # not a phone left idle; the idle lock's own tests set the real limit.
        "IDLE_LOCK_MINUTES": IDLE_LOCK_IN_TESTS,
        **mail_settings(smtp_port),
        **overrides,
    }


def mail_settings(smtp_port: int | None) -> dict:
    """Mail to the run's SMTP server (tests/mail_server.py) whatever the environment says; an
    app made without one keeps its mail in memory (Flask-Mailman's locmem), so no test's mail
    ever leaves the machine."""
    if smtp_port is None:
        return {"MAIL_BACKEND": "locmem"}
    return {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": SMTP_HOST,
        "MAIL_PORT": smtp_port,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_DEFAULT_SENDER": "ap-field <no-reply@ap-field.example.org>",
        "MAIL_TIMEOUT": 5,
    }


class SeparateContextClient(FlaskClient):
    """Runs each request in its own app context, as a real server does.

    The tests keep an app context open for database work; without this, requests
    would share its `g` (and Flask-Login's cached user) and its database session.
    """

    def open(self, *args, **kwargs):
        _settle_the_tests_session()
        # A streamed body is read inside the request's context too, as a server reads it.
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


def _settle_the_tests_session() -> None:
    """What the test wrote is committed before its request starts, and its objects keep the
    state they had. With each test's writes inside one rolled-back transaction
    (tests/transactions.py), a request would otherwise nest inside the test's own SAVEPOINT,
    and a later rollback of the test's session would undo the request as well."""
    if not has_app_context() or not (session := db.session()).in_transaction():
        return
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


class AuthActions:
    """Signs in as a person does, with their second factor where they have one or must."""

    def __init__(self, client):
        self._client = client

    def login(self, user: User, password: str = PASSWORD, **extra):
        response = self._client.post(
            "/sign-in", data={"email": user.email, "password": password, **extra}
        )
        if response.status_code != 302:
            return response
        if response.location == "/sign-in/code":
            return self._client.post("/sign-in/code", data={"code": second_factor_code(user)})
        if response.location == "/sign-in/set-up-two-factor":
            return self.set_up_two_factor(response.location)
        return response

    def set_up_two_factor(self, path: str):
        """Set up the authenticator the set-up page offers, as a person with an app does."""
        page = BeautifulSoup(self._client.get(path).text, "html.parser")
        secret = "".join(page.select_one("#authenticator-key").get_text().split())
        return self._client.post(path, data={"code": pyotp.TOTP(secret).at(utcnow())})

    def logout(self):
        return self._client.post("/sign-out")


def signed_in_cookie(app, user: User, password: str = PASSWORD) -> str:
    """The session cookie of `user` signed in through the forms, for a module that asks
    something of the same people in hundreds of tests: each test's client starts with it
    (`client.set_cookie`) instead of signing in again. Made inside the module's transaction,
    the signed-in device lasts as long as the module's data."""
    client = app.test_client()
    AuthActions(client).login(user, password)
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


class ClientRequest:
    """Fetches a page, checks its status, parses it and checks its ids are unique."""

    def __init__(self, client):
        self.client = client

    def get(self, path: str, expected_status: int = 200, **kwargs) -> BeautifulSoup:
        response = self.client.get(path, **kwargs)
        return self._page(response, expected_status)

    def post(self, path: str, data: dict, expected_status: int = 302, **kwargs):
        response = self.client.post(path, data=data, **kwargs)
        assert response.status_code == expected_status, response.text[:2000]
        if response.mimetype == "text/html" and expected_status != 302:
            return self._page(response, expected_status)
        return response

    @staticmethod
    def _page(response, expected_status: int) -> BeautifulSoup:
        assert response.status_code == expected_status, response.text[:2000]
        page = BeautifulSoup(response.text, "html.parser")
        ids = Counter(element["id"] for element in page.find_all(id=True))
        duplicates = [element_id for element_id, count in ids.items() if count > 1]
        assert not duplicates, f"duplicate ids: {duplicates}"
        return page


def text_of(page: BeautifulSoup, selector: str) -> str:
    element = page.select_one(selector)
    assert element is not None, f"nothing matches {selector}"
    return " ".join(element.get_text().split())


def server_cursors_open() -> int:
    """The cursors PostgreSQL holds open for this session: what a streamed read that stops part
    way must close. SQLite keeps no cursor on a server, so a test of them is skipped there."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite holds no cursor on a server")
    return db.session.scalar(sa.text("SELECT count(*) FROM pg_cursors"))


def valid_upn(serial: int) -> str:
    """A different valid UPN for each serial: LA 886, then the establishment and serial."""
    establishment, number = divmod(serial, 1000)
    body = f"886{4001 + establishment:04d}24{number:03d}"
    return upn.calc_check_digit(body) + body


def write_test_note(pupil, author, **values):
    """A session note written through the service: an hour of English at home yesterday,
    unless `values` say otherwise."""
    from ap_field.common.time import london_today
    from ap_field.plans.models import Focus, Mode
    from ap_field.sessions.services import write_note

    note = {
        "held_on": london_today() - timedelta(days=1),
        "starts_at": time(10),
        "ends_at": time(11),
        "mode": Mode.FACE_TO_FACE,
        "focus": Focus.ENGLISH,
        "place": "Home",
        "planned_minutes": 60,
        "engagement": 4,
    }
    return write_note(pupil, author, note | values, [], uuid.uuid4())


def write_demo_plan(pupil, author, starts_on=None):
    """A plan with one academic and one wider target, for tests that need one."""
    from ap_field.plans.models import TargetKind
    from ap_field.plans.services import write_plan

    starts_on = starts_on or date.today() - timedelta(days=14)
    return write_plan(
        pupil,
        {
            "aims": "Return to a school building",
            "success_criteria": "Attends a mainstream timetable",
            "transition_plan": "Phased return from the spring term",
            "starts_on": starts_on,
            "ends_on": None,
        },
        [
            {
                "kind": TargetKind.ACADEMIC,
                "description": "L1 Functional Skills English",
                "baseline": "Entry Level 3",
                "goal": "Pass",
                "measure": "Exam result",
                "due_on": starts_on + timedelta(days=180),
            },
            {
                "kind": TargetKind.WIDER,
                "description": "Attendance",
                "baseline": "60%",
                "goal": "95%",
                "measure": "Register",
                "due_on": starts_on + timedelta(days=90),
            },
        ],
        author,
    )


_emails = itertools.count(1)
_serials = itertools.count(100)


def next_serial() -> int:
    """A number no other pupil of the run has, for case numbers and UPNs."""
    return next(_serials)


def new_user(role: Role = Role.TEACHER, *, password: str = PASSWORD, **fields) -> User:
    """An account of `role`, committed, with an authenticator set up where the role needs
    one; the `make_user` fixture, and for module-wide data."""
    number = next(_emails)
    fields.setdefault("email", f"{role.value}{number}@example.org")
    fields.setdefault("name", f"{role.label} {number}")
    if role == Role.SCHOOL:
        fields.setdefault("school", school_named("Northside Academy"))
    user = User(role=role, **fields)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    if user.two_factor_required and "totp_secret" not in fields:
        user.totp_secret, user.two_factor_since = pyotp.random_base32(), utcnow()
    db.session.commit()
    return user


def second_factor_code(user: User) -> str:
    """A code that signs `user` in now: their authenticator's, or, once this step's and the
    next's are taken, a new recovery code (a code counts once)."""
    secret, last_step = db.session.execute(
        sa.select(User.totp_secret, User.totp_last_step).where(User.id == user.id)
    ).one()
    totp = pyotp.TOTP(secret)
    step = totp.timecode(utcnow())
    if last_step is None or last_step < step + 1:
        return totp.generate_otp(step if last_step is None else max(step, last_step + 1))
    code = f"test-{uuid.uuid4().hex[:10]}"
    db.session.add(RecoveryCode(user_id=user.id, code_hash=recovery_code_hash(code)))
    db.session.commit()
    return code


def school_named(name: str, **values) -> School:
    """The school of that name, made complete (numbers and contacts) the first time it is
    asked for; `values` are set on it either way."""
    school = db.session.scalar(sa.select(School).where(School.name == name))
    if school is None:
        number = next_serial()
        school = School(
            name=name,
            urn=f"{100000 + number}",
            laestab=f"881{number % 10000:04d}",
            local_authority="Northshire Council",
            phase=Phase.SECONDARY,
            attendance_email=f"attendance{number}@school.example.org",
        )
        db.session.add(school)
    for field, value in values.items():
        setattr(school, field, value)
    db.session.commit()
    return school


def new_pupil(**values):
    """A pupil on the programme, committed; the `make_pupil` fixture, and for module-wide data."""
    serial = next_serial()
    record = {
        "case_number": f"AP-{serial:04d}",
        "legal_name": f"Pupil {serial}",
        "date_of_birth": date(2011, 5, 1),
        "gender": Gender.FEMALE,
        "ethnicity": Ethnicity.WBRI,
        "upn": valid_upn(serial),
        "reasons": ["mental_health"],
        "planned_hours_per_week": Decimal("25"),
        "status": PupilStatus.ACTIVE,
        "providers": [],
    }
    if "school_id" not in values:
        values["school_id"] = school_named("Northside Academy").id
    return create_pupil(record | values)


def detached(*records):
    """The records with every column loaded, out of their session, for data a whole module
    shares: each test reads them after the session that made them is gone."""
    for record in records:
        db.session.refresh(record)
    db.session.expunge_all()
    return records


class Clock:
    """The time the whole app sees, set by a test: ap_field.common.time is the app's one
    source of now, and it reads `datetime.now`, which this replaces there."""

    def __init__(self, monkeypatch):
        self._monkeypatch = monkeypatch

    def set(self, moment: datetime) -> datetime:
        class Frozen(datetime):
            @classmethod
            def now(cls, tz=None):
                return moment.astimezone(tz)

        self._monkeypatch.setattr("ap_field.common.time.datetime", Frozen)
        return moment

    def __call__(self, hour: int, minute: int = 0, on: date = WEDNESDAY) -> datetime:
        """clock(9, 5) is 09:05, London time, on WEDNESDAY."""
        return self.set(datetime.combine(on, time(hour, minute), tzinfo=LONDON))


def empty_schema(url: str, schema: str) -> str:
    """`schema` of the PostgreSQL database at `url`, dropped and made anew; the URL of a
    connection that works in it."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    if schema == "public":
        return url
    with_schema = sa.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return with_schema.render_as_string(hide_password=False)
