"""Weekly hours and marks follow the pupil's school days: a session timetabled on a day the
pupil's school is closed is neither planned nor missing a note, and takes no mark."""

import uuid
from datetime import date, time

from ap_field.attendance.models import AttendanceMark
from ap_field.auth.models import Role
from ap_field.calendars.models import EventKind
from ap_field.extensions import db
from ap_field.plans.models import Focus, Mode
from ap_field.plans.services import add_slot
from ap_field.pupils.services import assign
from ap_field.sessions.queries import delivery_between

MONDAY, FRIDAY = date(2027, 2, 15), date(2027, 2, 19)


def monday_session(pupil):
    values = {
        "weekday": 0,
        "starts_at": time(10),
        "ends_at": time(11),
        "mode": Mode.FACE_TO_FACE,
        "focus": Focus.ENGLISH,
        "place": "Home",
    }
    add_slot(pupil, values, uuid.uuid4())


def test_an_inset_day_takes_its_session_out_of_the_weeks_hours(
    make_pupil, northside, riverside, close
):
    ours = make_pupil(school_id=northside.id)
    theirs = make_pupil(school_id=riverside.id)
    for pupil in (ours, theirs):
        monday_session(pupil)
    close(EventKind.INSET_DAY, MONDAY, school=northside, description="INSET day")

    closed, open_ = delivery_between(ours, MONDAY, FRIDAY), delivery_between(theirs, MONDAY, FRIDAY)
    assert (closed.sessions_timetabled, closed.minutes_planned) == (0, 0)
    assert (open_.sessions_timetabled, open_.minutes_planned) == (1, 60)


def test_a_mark_on_a_day_the_pupils_school_is_closed_is_refused(
    client_request, make_user, make_pupil, auth, northside, close, clock
):
    teacher = make_user(Role.TEACHER)
    pupil = make_pupil(school_id=northside.id)
    assign(pupil, teacher, None, on=date(2026, 9, 1))
    close(EventKind.INSET_DAY, date(2026, 11, 16), school=northside, description="INSET day")
    auth.login(teacher)
    page = client_request.post(
        f"/pupils/{pupil.id}/attendance",
        {"date": "2026-11-16", "session": "am", "code": "/", "version": "", "client_uuid": ""},
        expected_status=200,
    )
    assert "school is closed on this day" in page.text
    assert db.session.query(AttendanceMark).count() == 0
