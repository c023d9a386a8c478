"""Safeguarding flags written before concerns were kept apart become concerns, linked to the
visit or note they were raised at, with nothing lost (0017_flags_become_concerns)."""

import uuid
from datetime import UTC, date, datetime, time

import flask_migrate
import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.safeguarding.models import Concern, ConcernStatus
from tests.test_migrations import own_app, own_database  # noqa: F401 (fixtures)

BEFORE = "0016_safeguarding_concerns"
VISIT_AT = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)  # in November London keeps GMT
SEEN_AT = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


def _synced(moment: datetime) -> dict:
    """A table read back from SQLite keeps a UUID as its 32 hex digits."""
    made = uuid.uuid4()
    client_uuid = made.hex if db.engine.dialect.name == "sqlite" else made
    return {"client_uuid": client_uuid, "version": 1, "created_at": moment, "updated_at": moment}


def _insert(table: str, **values) -> int:
    metadata = sa.MetaData()
    rows = sa.Table(table, metadata, autoload_with=db.engine)
    with db.engine.begin() as connection:
        return connection.execute(rows.insert().values(values)).inserted_primary_key[0]


def _user(role: Role, email: str) -> int:
    """An account as the schema before these revisions holds one."""
    return _insert(
        "users",
        email=email,
        name=email,
        role=role.value,
        safeguarding_role="none",
        password_hash="not-used",
        active=True,
        session_token="not-used",
        created_at=VISIT_AT,
    )


def _pupil() -> int:
    return _insert(
        "pupils",
        case_number="AP-0001",
        legal_name="Jayden Clarke",
        date_of_birth=date(2011, 5, 1),
        send_status="none",
        looked_after=False,
        free_school_meals=False,
        exclusion_type="none",
        reasons=["mental_health"],
        status="active",
        **_synced(VISIT_AT),
    )


def _visit(pupil_id: int, teacher_id: int, **values) -> int:
    return _insert(
        "home_visits",
        pupil_id=pupil_id,
        teacher_id=teacher_id,
        starts_at=VISIT_AT,
        status="completed",
        place="home",
        address="22 Alder Road",
        purpose="welfare",
        present=["pupil"],
        **_synced(VISIT_AT),
        **values,
    )


@pytest.mark.real_commits
def test_flagged_visits_and_notes_become_linked_concerns(own_app):  # noqa: F811
    flask_migrate.upgrade(revision=BEFORE)
    teacher = _user(Role.TEACHER, "teacher@example.org")
    lead = _user(Role.LEAD, "lead@example.org")
    pupil = _pupil()
    flagged = _visit(
        pupil,
        teacher,
        safeguarding_concern=True,
        safeguarding_details="Bruise on the forearm; said he fell",
        seen_by_lead_at=SEEN_AT,
        seen_by_id=lead,
    )
    plain = _visit(pupil, teacher, safeguarding_concern=False)
    _insert(
        "visit_addenda",
        visit_id=flagged,
        author_id=teacher,
        text="He later said his brother did it",
        **_synced(SEEN_AT),
    )
    note = _insert(
        "session_notes",
        pupil_id=pupil,
        teacher_id=teacher,
        held_on=date(2026, 11, 4),
        starts_at=time(10),
        ends_at=time(11),
        mode="face_to_face",
        focus="english",
        place="Library",
        planned_minutes=60,
        engagement=3,
        progress="",
        wellbeing="",
        next_steps="",
        safeguarding_concern=True,
        safeguarding_details="Hungry again; no breakfast for three days",
        submitted_at=SEEN_AT,
        **_synced(SEEN_AT),
    )
    db.session.remove()

    flask_migrate.upgrade()

    from_visit, from_note = db.session.scalars(sa.select(Concern).order_by(Concern.id)).all()
    assert from_visit.visit_id == flagged
    assert from_visit.recorded_by_id == teacher
    assert from_visit.what_happened == "Bruise on the forearm; said he fell"
    assert from_visit.happened_on == date(2026, 11, 2)
    assert from_visit.place == "22 Alder Road"
    assert from_visit.status == ConcernStatus.SEEN
    assert (from_visit.seen_by_id, from_visit.seen_at) == (lead, SEEN_AT)
    assert [addendum.text for addendum in from_visit.addenda] == [
        "He later said his brother did it"
    ]
    assert from_note.note_id == note
    assert from_note.what_happened == "Hungry again; no breakfast for three days"
    assert from_note.happened_on == date(2026, 11, 4)
    assert from_note.status == ConcernStatus.NEW
    assert from_note.unseen_reminded_at is not None, "old concerns do not all remind at once"
    assert (
        db.session.scalar(sa.select(sa.func.count(Concern.id)).where(Concern.visit_id == plain))
        == 0
    )

    db.session.remove()
    flask_migrate.downgrade(revision=BEFORE)
    with db.engine.connect() as connection:
        details = connection.execute(
            sa.text("SELECT safeguarding_details FROM home_visits WHERE id = :id"), {"id": flagged}
        ).scalar()
    assert details == "Bruise on the forearm; said he fell\n\nHe later said his brother did it"
