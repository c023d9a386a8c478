"""Each page reads a fixed number of queries however many pupils and records there are: the
same programme built at two sizes by `flask demo scale` must cost the same queries."""

import contextvars

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from ap_field.auth.models import User
from ap_field.demo import DEMO_PASSWORD
from ap_field.extensions import db
from ap_field.pupils.models import CaseloadAssignment
from tests.helpers import AuthActions

SIZES = (6, 16)


@pytest.fixture
def app_config() -> dict:
    return {"LOGIN_ATTEMPTS_PER_MINUTE": 100}


def first_pupil() -> int:
    teacher = db.session.scalar(sa.select(User).where(User.email == "teacher1@example.org"))
    return db.session.scalar(
        sa.select(CaseloadAssignment.pupil_id)
        .where(CaseloadAssignment.teacher_id == teacher.id)
        .order_by(CaseloadAssignment.slot)
        .limit(1)
    )


def pages(pupil: int) -> list[tuple[str, str]]:
    return [
        ("teacher1@example.org", "/today"),
        ("teacher1@example.org", "/caseload"),
        ("teacher1@example.org", f"/pupils/{pupil}"),
        ("teacher1@example.org", f"/pupils/{pupil}/final-report"),
        ("teacher1@example.org", "/register"),
        ("lead@example.org", "/programme"),
        ("lead@example.org", "/attendance"),
        ("lead@example.org", "/pupils?status=active&show=under-25-hours"),
        ("lead@example.org", "/exports?export=tracking-sheet&format=csv"),
        ("lead@example.org", "/exports?export=central-record&format=csv"),
        ("assessor@example.org", "/site-checks"),
    ]


def query_counts(app) -> dict[str, int]:
    statements = []

    def count(*_args) -> None:
        statements.append(1)

    counts = {}
    signed_in = {}
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        pupil = first_pupil()
        for email, path in pages(pupil):
            if email not in signed_in:
                signed_in[email] = FlaskClient(app, app.response_class, use_cookies=True)
                user = db.session.scalar(sa.select(User).where(User.email == email))
                contextvars.Context().run(AuthActions(signed_in[email]).login, user, DEMO_PASSWORD)
            read(signed_in[email], path)
            statements.clear()
            assert read(signed_in[email], path) == 200, path
            counts[path.replace(str(pupil), "<pupil>")] = len(statements)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return counts


def read(client: FlaskClient, path: str) -> int:
    """The page's status, with its whole body read in the request's own context (exports
    stream), as a server does."""

    def fetch() -> int:
        response = client.get(path)
        response.get_data()
        return response.status_code

    return contextvars.Context().run(fetch)


def empty_database() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.mark.real_commits
def test_pages_read_as_many_queries_for_more_pupils_and_a_year_of_records(app, runner):
    measured = []
    for size in SIZES:
        empty_database()
        result = runner.invoke(args=["demo", "scale", "--pupils", str(size)])
        assert result.exit_code == 0, result.output
        measured.append(query_counts(app))

    small, large = measured
    assert small == large
