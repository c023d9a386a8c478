"""Weekly hours count school days only: a session timetabled on a day the pupil's school is
closed is neither planned nor missing a note."""

import uuid
from datetime import date, time

from ap_field.calendars.models import EventKind
from ap_field.plans.models import Focus, Mode
from ap_field.plans.services import add_slot
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
