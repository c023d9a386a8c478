"""Pupils closed before the closing day was kept get it from the best evidence there is, never
an earlier day than the real one (0021_retention), and the revision goes down again."""

import uuid
from datetime import UTC, date, datetime

import flask_migrate
import pytest
import sqlalchemy as sa

from ap_field.extensions import db
from tests.test_migrations import own_app, own_database  # noqa: F401 (fixtures)

BEFORE = "0020_dispute_replies"
MADE_AT = datetime(2019, 9, 2, 9, 0, tzinfo=UTC)


def _insert(table: str, **values) -> int:
    rows = sa.Table(table, sa.MetaData(), autoload_with=db.engine)
    with db.engine.begin() as connection:
        return connection.execute(rows.insert().values(values)).inserted_primary_key[0]


def _teacher() -> int:
    return _insert(
        "users",
        email="teacher@example.org",
        name="Tom Okafor",
        role="teacher",
        safeguarding_role="none",
        password_hash="not-used",
        active=True,
        created_at=MADE_AT,
    )


def _pupil(case_number: str, status: str, changed_at: datetime = MADE_AT) -> int:
    made = uuid.uuid4()
    return _insert(
        "pupils",
        case_number=case_number,
        legal_name=f"Pupil {case_number}",
        date_of_birth=date(2009, 5, 1),
        send_status="none",
        looked_after=False,
        free_school_meals=False,
        exclusion_type="none",
        reasons=["mental_health"],
        status=status,
        client_uuid=made.hex if db.engine.dialect.name == "sqlite" else made,
        version=1,
        created_at=MADE_AT,
        updated_at=changed_at,
    )


def _event(pupil_id: int, event: str, at: datetime, **details) -> None:
    _insert("audit_events", pupil_id=pupil_id, event=event, occurred_at=at, details=details)


def _caseload(pupil_id: int, teacher_id: int, ended_on: date | None) -> None:
    _insert(
        "caseload_assignments",
        pupil_id=pupil_id,
        teacher_id=teacher_id,
        slot=1,
        started_on=date(2019, 9, 2),
        ended_on=ended_on,
        client_uuid=uuid.uuid4().hex if db.engine.dialect.name == "sqlite" else uuid.uuid4(),
        version=1,
        created_at=MADE_AT,
        updated_at=MADE_AT,
    )


def _closed_on() -> dict[str, date | None]:
    with db.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT case_number, closed_on FROM pupils"))
        return {case: _as_date(closed_on) for case, closed_on in rows}


def _as_date(value) -> date | None:
    """SQLite gives a date column back as text to a query written in SQL."""
    return date.fromisoformat(value) if isinstance(value, str) else value


@pytest.mark.real_commits
def test_pupils_already_closed_get_the_day_they_were_closed(own_app):  # noqa: F811
    flask_migrate.upgrade(revision=BEFORE)
    teacher = _teacher()
    reopened = _pupil("AP-1", "closed")
    _event(reopened, "pupil.created", MADE_AT, after={"status": "active"})
    _event(reopened, "pupil.updated", datetime(2020, 7, 17, 12, tzinfo=UTC),
           before={"status": "active"}, after={"status": "closed"})  # fmt: skip
    _event(reopened, "pupil.updated", datetime(2020, 9, 1, 12, tzinfo=UTC),
           before={"status": "closed"}, after={"status": "active"})  # fmt: skip
    # Just before midnight UTC in summer is the next day in London.
    _event(reopened, "pupil.updated", datetime(2021, 7, 20, 23, 30, tzinfo=UTC),
           before={"status": "active"}, after={"status": "closed"})  # fmt: skip
    _event(reopened, "pupil.updated", datetime(2022, 1, 5, 12, tzinfo=UTC),
           before={"review_date": None}, after={"review_date": "2022-02-01"})  # fmt: skip
    closed_when_made = _pupil("AP-2", "closed")
    _event(closed_when_made, "pupil.created", MADE_AT, after={"status": "closed"})
    no_event = _pupil("AP-3", "closed", changed_at=datetime(2020, 7, 10, 12, tzinfo=UTC))
    _caseload(no_event, teacher, date(2020, 7, 17))
    only_changed = _pupil("AP-4", "closed", changed_at=datetime(2020, 6, 30, 23, 30, tzinfo=UTC))
    _caseload(only_changed, teacher, date(2020, 3, 1))
    _pupil("AP-5", "active")
    db.session.remove()

    flask_migrate.upgrade()

    assert _closed_on() == {
        "AP-1": date(2021, 7, 21),
        "AP-2": date(2019, 9, 2),
        "AP-3": date(2020, 7, 17),
        "AP-4": date(2020, 7, 1),
        "AP-5": None,
    }
    flask_migrate.downgrade(revision=BEFORE)
    columns = {column["name"] for column in sa.inspect(db.engine).get_columns("pupils")}
    assert not columns & {"closed_on", "anonymised_at"}
