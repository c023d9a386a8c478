"""Two people marking the same pupil and session at once: one mark wins, the other is told
what it is, and the database never holds two. Run on PostgreSQL with TEST_DATABASE_URL."""

import threading
import uuid
from datetime import date

import pytest
import sqlalchemy as sa

from ap_field.attendance import services
from ap_field.attendance.clock import next_session
from ap_field.attendance.models import AttendanceMark, RegisterSession
from ap_field.attendance.services import MarkConflict, MarkValues, record_mark
from ap_field.auth.models import Role, User
from ap_field.extensions import db
from ap_field.pupils.models import Pupil

pytestmark = pytest.mark.real_commits

ROUNDS = 8


def test_two_connections_marking_at_once_make_one_mark(app, block, teacher, make_user):
    lead = make_user(Role.LEAD)
    pupil_id, people = block[0].id, [(teacher.id, "/"), (lead.id, "I")]
    day, session = date(2026, 11, 2), RegisterSession.AM
    sessions = []
    for _ in range(ROUNDS):
        sessions.append((day, session))
        day, session = next_session(day, session)
    outcomes: list[tuple[int, str]] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(2)

    def phone(user_id: int, code: str) -> None:
        with app.app_context():
            try:
                user, pupil = db.session.get(User, user_id), db.session.get(Pupil, pupil_id)
                for day, session in sessions:
                    barrier.wait(timeout=10)
                    values = MarkValues(day, session, code, None, None)
                    try:
                        record_mark(pupil, values, user, None, uuid.uuid4())
                        outcomes.append((sessions.index((day, session)), "won"))
                    except MarkConflict as conflict:
                        assert conflict.mark.code in ("/", "I")
                        outcomes.append((sessions.index((day, session)), "told"))
            except BaseException as error:
                failures.append(error)
                barrier.abort()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=phone, args=person) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    for number in range(ROUNDS):
        assert sorted(result for n, result in outcomes if n == number) == ["told", "won"]
    counts = db.session.execute(
        sa.select(AttendanceMark.date, AttendanceMark.session, sa.func.count()).group_by(
            AttendanceMark.date, AttendanceMark.session
        )
    ).all()
    assert len(counts) == ROUNDS
    assert all(count == 1 for _, _, count in counts)


def test_the_unique_constraint_settles_a_race_the_first_look_missed(
    app, block, teacher, make_user, monkeypatch
):
    """Another phone's mark lands between this phone's look and its insert: the insert hits
    the unique constraint, and this phone is told of the other mark instead."""
    lead = make_user(Role.LEAD)
    values = MarkValues(date(2026, 11, 2), RegisterSession.AM, "I", None, None)
    record_mark(block[0], values, lead, None, uuid.uuid4())
    real_find = services.find_mark
    looks = iter([None])
    monkeypatch.setattr(services, "find_mark", lambda *args: next(looks, None) or real_find(*args))

    with pytest.raises(MarkConflict) as told:
        record_mark(
            block[0],
            values.__class__(**{**values.__dict__, "code": "/"}),
            teacher,
            None,
            uuid.uuid4(),
        )
    assert told.value.mark.code == "I"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceMark)) == 1


def test_the_database_refuses_a_second_mark_and_a_late_without_minutes(app, block, teacher):
    def add(**fields) -> None:
        mark = {
            "pupil_id": block[0].id,
            "date": date(2026, 11, 2),
            "session": RegisterSession.AM,
            "code": "/",
            "taken_by_id": teacher.id,
        } | fields
        db.session.add(AttendanceMark(**mark))
        db.session.commit()

    add()
    for fields in (
        {},
        {"session": RegisterSession.PM, "code": "L"},
        {"session": RegisterSession.PM, "code": "H"},
    ):
        with pytest.raises(sa.exc.IntegrityError):
            add(**fields)
        db.session.rollback()
