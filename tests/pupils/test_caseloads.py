"""A community teacher holds at most 5 pupils; the database refuses a sixth, even in a race."""

import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.auth.models import Role, User
from ap_field.extensions import db
from ap_field.pupils.models import CaseloadAssignment, Pupil
from ap_field.pupils.queries import current_assignment
from ap_field.pupils.services import CaseloadFull, assign
from tests.helpers import AuthActions, text_of


def caseload_size(teacher: User) -> int:
    held = sa.select(CaseloadAssignment).filter_by(teacher_id=teacher.id, ended_on=None)
    return len(db.session.scalars(held).all())


@pytest.fixture
def lead(make_user, auth):
    user = make_user(Role.LEAD)
    auth.login(user)
    return user


def fill(teacher, make_pupil, lead, count=5):
    pupils = [make_pupil() for _ in range(count)]
    for pupil in pupils:
        assign(pupil, teacher, lead)
    return pupils


def test_a_lead_assigns_a_pupil_and_the_teacher_sees_them(
    app, client_request, lead, make_user, make_pupil
):
    teacher = make_user(Role.TEACHER)
    pupil = make_pupil(legal_name="Casey Jones")
    client_request.post(f"/pupils/{pupil.id}/assign", {"teacher_id": teacher.id})

    phone = app.test_client()
    AuthActions(phone).login(teacher)
    assert "Casey Jones" in phone.get("/caseload").text
    assert "Casey Jones" in phone.get("/today").text


def test_the_sixth_assignment_is_refused_with_the_limit_named(
    client_request, lead, make_user, make_pupil
):
    teacher = make_user(Role.TEACHER, name="Tom Okafor")
    fill(teacher, make_pupil, lead)
    sixth = make_pupil()

    page = client_request.post(
        f"/pupils/{sixth.id}/assign", {"teacher_id": teacher.id}, expected_status=200
    )

    assert text_of(page, "#teacher_id-error") == (
        "Error: Tom Okafor already holds 5 pupils, the most a community teacher may hold. "
        "Move one of their pupils first, or choose another teacher."
    )
    assert current_assignment(sixth) is None
    assert caseload_size(teacher) == 5


def test_reassignment_keeps_the_history(client_request, lead, make_user, make_pupil):
    first = make_user(Role.TEACHER, name="First Teacher")
    second = make_user(Role.TEACHER, name="Second Teacher")
    pupil = make_pupil()
    assign(pupil, first, lead, on=date.today() - timedelta(days=20))
    client_request.post(f"/pupils/{pupil.id}/assign", {"teacher_id": second.id})

    history = db.session.scalars(
        sa.select(CaseloadAssignment)
        .where(CaseloadAssignment.pupil_id == pupil.id)
        .order_by(CaseloadAssignment.id)
    ).all()
    assert [(h.teacher.name, h.ended_on is None) for h in history] == [
        ("First Teacher", False),
        ("Second Teacher", True),
    ]
    page = client_request.get(f"/pupils/{pupil.id}")
    assert "First Teacher: from" in page.get_text()
    assert "Second Teacher: from" in page.get_text()


def test_moving_a_pupil_frees_a_place(lead, make_user, make_pupil):
    full = make_user(Role.TEACHER)
    other = make_user(Role.TEACHER)
    pupils = fill(full, make_pupil, lead)
    assign(pupils[0], other, lead)
    assign(make_pupil(), full, lead)
    assert caseload_size(full) == 5


def test_only_an_active_teacher_is_offered(client_request, lead, make_user, make_pupil):
    make_user(Role.TEACHER, name="Away Teacher", active=False)
    make_user(Role.LEAD, name="Not A Teacher")
    pupil = make_pupil()
    page = client_request.get(f"/pupils/{pupil.id}/assign")
    options = [option.get_text() for option in page.select("#teacher_id option")]
    assert options == ["Choose a teacher"]
    page = client_request.post(
        f"/pupils/{pupil.id}/assign", {"teacher_id": lead.id}, expected_status=200
    )
    assert page.select_one("#teacher_id-error") is not None
    assert current_assignment(pupil) is None


def test_the_database_refuses_a_sixth_open_slot(app, lead, make_user, make_pupil):
    teacher = make_user(Role.TEACHER)
    fill(teacher, make_pupil, lead)
    sixth = make_pupil()
    for slot in (5, 6):
        db.session.add(
            CaseloadAssignment(
                pupil_id=sixth.id, teacher_id=teacher.id, slot=slot, started_on=date.today()
            )
        )
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


@pytest.mark.real_commits
def test_two_leads_assigning_the_last_place_at_once_leave_five(app, lead, make_user, make_pupil):
    """Both requests see one free slot; the database lets only one of them take it."""
    teacher = make_user(Role.TEACHER)
    fill(teacher, make_pupil, lead, count=4)
    contenders = [make_pupil().id, make_pupil().id]
    barrier = threading.Barrier(2, timeout=10)
    outcomes = []
    teacher_id = teacher.id

    def take_the_last_place(pupil_id: int) -> None:
        with app.app_context():
            pupil, own_teacher = db.session.get(Pupil, pupil_id), db.session.get(User, teacher_id)
            barrier.wait()
            try:
                assign(pupil, own_teacher, None)
                outcomes.append("assigned")
            except CaseloadFull:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=take_the_last_place, args=(pid,)) for pid in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["assigned", "refused"]
    db.session.expire_all()
    assert caseload_size(teacher) == 5


@pytest.mark.real_commits
def test_simultaneous_inserts_of_the_same_slot_conflict(app, lead, make_user, make_pupil):
    """Two transactions insert the fifth slot; the second fails once the first commits."""
    teacher = make_user(Role.TEACHER)
    fill(teacher, make_pupil, lead, count=4)
    pupil_ids = [make_pupil().id, make_pupil().id]
    results = []
    first_inserted = threading.Event()
    engine, teacher_id = db.engine, teacher.id

    def insert(pupil_id: int, wait_for_first: bool) -> None:
        with so.Session(engine) as session:
            if wait_for_first:
                assert first_inserted.wait(10)
            session.add(
                CaseloadAssignment(
                    pupil_id=pupil_id, teacher_id=teacher_id, slot=5, started_on=date.today()
                )
            )
            try:
                session.flush()
                if not wait_for_first:
                    first_inserted.set()
                    threading.Event().wait(0.3)
                session.commit()
                results.append("committed")
            except sa.exc.IntegrityError:
                session.rollback()
                results.append("refused")

    threads = [
        threading.Thread(target=insert, args=(pupil_ids[0], False)),
        threading.Thread(target=insert, args=(pupil_ids[1], True)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["committed", "refused"]
    assert caseload_size(teacher) == 5
