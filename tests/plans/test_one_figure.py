"""One figure, one source: a review's attendance is the register's, whatever the session
notes say, and the sessions where the two disagree are listed to be put right."""

import uuid
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from ap_field.attendance.models import AttendanceMark, RegisterSession
from ap_field.attendance.services import MarkValues, record_mark
from ap_field.auth.models import Role
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.plans.models import Review
from ap_field.plans.queries import disagreements_of
from ap_field.pupils.services import assign
from tests.helpers import text_of, write_demo_plan, write_test_note
from tests.plans.test_reviews import review_form, timetable_slot

AM, PM = RegisterSession.AM, RegisterSession.PM


@pytest.fixture
def teacher(make_user, auth):
    user = make_user(Role.TEACHER)
    auth.login(user)
    return user


@pytest.fixture
def monday():
    """Monday of last week: inside a review period that began 13 days ago."""
    today = london_today()
    return today - timedelta(days=today.weekday() + 7)


@pytest.fixture
def pupil(make_pupil, teacher, monday):
    """Timetabled 10:00-12:00 Monday to Thursday. Last week the notes and the register
    disagree twice: Monday morning has a note but is marked O (absent), Tuesday morning is
    marked present with no note. Wednesday agrees (a note and present), Wednesday afternoon
    is an approved activity elsewhere (B, no note expected), Thursday an illness (I)."""
    pupil = make_pupil(legal_name="Jordan Ellis", preferred_name="Jo")
    assign(pupil, teacher, None)
    write_demo_plan(pupil, teacher, starts_on=london_today() - timedelta(days=13))
    for weekday in range(4):
        timetable_slot(pupil, weekday, 10, 12)
    for day, session, code in [
        (0, AM, "O"),
        (1, AM, "/"),
        (2, AM, "/"),
        (2, PM, "B"),
        (3, AM, "I"),
    ]:
        values = MarkValues(monday + timedelta(days=day), session, code, None, None)
        record_mark(pupil, values, teacher, None, uuid.uuid4())
    for day in (0, 2):
        write_test_note(pupil, teacher, held_on=monday + timedelta(days=day), starts_at=time(10))
    return pupil


def listed(page) -> list[str]:
    return [" ".join(row.get_text().split()) for row in page.select("#disagreements > li")]


def test_the_review_form_counts_attendance_from_the_register_and_lists_disagreements(
    client_request, pupil, monday
):
    page = client_request.get(f"/pupils/{pupil.id}/reviews/new")

    assert text_of(page, "#attendance") == "3 of 5 possible sessions (60.0%)"
    tuesday = monday + timedelta(days=1)
    assert listed(page) == [
        f"Jo: {tuesday:%A %-d %B %Y} AM Marked present (/: Present (AM)) but there is no session"
        " note Register of "
        + f"{tuesday:%A %-d %B %Y} AM Write the note of Jo, {tuesday:%A %-d %B %Y}",
        f"Jo: {monday:%A %-d %B %Y} AM A session note says it was taught, but the register has O:"
        " Absent in other or unknown circumstances Register of "
        + f"{monday:%A %-d %B %Y} AM Session note of Jo, {monday:%A %-d %B %Y}",
    ]
    links = [link["href"] for link in page.select("#disagreements a")]
    assert f"/register?date={tuesday.isoformat()}&session=am" in links
    assert f"/pupils/{pupil.id}/notes/new?date={tuesday.isoformat()}" in links


def test_a_held_review_reads_attendance_from_the_register_as_it_is_now(
    client_request, pupil, teacher, monday
):
    plan = pupil_plan(pupil)
    response = client_request.post(
        f"/pupils/{pupil.id}/reviews/new", review_form(plan, london_today())
    )
    page = client_request.get(response.location)
    assert text_of(page, "#attendance") == "3 of 5 possible sessions (60.0%)"
    assert len(listed(page)) == 2
    reviews = client_request.get(f"/pupils/{pupil.id}/reviews")
    assert "Attendance 60.0% (register)" in text_of(reviews, ".app-card__meta")

    absent = db.session.scalar(
        sa.select(AttendanceMark).where(
            AttendanceMark.pupil_id == pupil.id, AttendanceMark.date == monday
        )
    )
    corrected = MarkValues(monday, AM, "/", None, "The note shows the session was taught")
    record_mark(pupil, corrected, teacher, absent.version, uuid.uuid4())

    page = client_request.get(response.location)
    assert text_of(page, "#attendance") == "4 of 5 possible sessions (80.0%)"
    assert [row.split(" AM ")[1][:6] for row in listed(page)] == ["Marked"]


def test_notes_and_marks_that_agree_are_not_listed(pupil, monday):
    wednesday = monday + timedelta(days=2)
    found = disagreements_of(pupil, monday, monday + timedelta(days=4))
    assert [(item.day, item.session, item.code) for item in found] == [
        (monday + timedelta(days=1), AM, "/"),
        (monday, AM, "O"),
    ]
    assert all(item.day != wednesday for item in found)


def test_a_note_in_the_afternoon_belongs_to_the_pm_register(pupil, teacher, monday):
    """A note from 13:00 on Tuesday matches Tuesday's PM mark, not the AM one."""
    tuesday = monday + timedelta(days=1)
    write_test_note(pupil, teacher, held_on=tuesday, starts_at=time(13), ends_at=time(14))
    record_mark(pupil, MarkValues(tuesday, PM, "N", None, None), teacher, None, uuid.uuid4())
    found = disagreements_of(pupil, tuesday, tuesday)
    assert [(item.session, item.code, item.note_id is not None) for item in found] == [
        (PM, "N", True),
        (AM, "/", False),
    ]


def pupil_plan(pupil):
    from ap_field.plans.queries import current_plan

    return current_plan(pupil)


def test_no_review_is_saved_halfway(client_request, pupil):
    form = review_form(pupil_plan(pupil), london_today(), participants=[])
    client_request.post(f"/pupils/{pupil.id}/reviews/new", form, expected_status=200)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 0
