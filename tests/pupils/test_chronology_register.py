"""The pupil page's chronology gives a day's register one line, however many marks and
changes it had, and lists every other event on its own."""

import uuid
from contextlib import contextmanager
from datetime import date, datetime, time

import pytest
from flask import current_app, g

from ap_field.attendance.models import RegisterSession
from ap_field.attendance.queries import find_mark
from ap_field.attendance.services import MarkValues, record_mark
from ap_field.auth.models import Role
from ap_field.common.time import LONDON
from ap_field.pupils.services import assign
from tests.attendance.helpers import put_marks

MONDAY, TUESDAY = date(2026, 11, 16), date(2026, 11, 17)
AM, PM = RegisterSession.AM, RegisterSession.PM


@pytest.fixture
def teacher(make_user):
    return make_user(Role.TEACHER, name="Tom Okafor")


@pytest.fixture
def pupil(make_pupil, teacher, clock):
    clock.set(datetime.combine(date(2026, 9, 1), time(9), LONDON))
    pupil = make_pupil(legal_name="Amara Bello")
    assign(pupil, teacher, None, on=date(2026, 9, 1))
    return pupil


def at(day: date, hour: int, clock) -> None:
    clock.set(datetime.combine(day, time(hour), LONDON))


@contextmanager
def by(user):
    """What is done inside is done by `user`, as their request would: the audit trail names
    them."""
    with current_app.test_request_context():
        g._login_user = user
        yield
    g.pop("_login_user")


def mark_days(pupil, teacher, codes: list[str], first: date) -> None:
    with by(teacher):
        put_marks(pupil, teacher, codes, first)


def change(pupil, marker, day: date, session: RegisterSession, code: str) -> None:
    mark = find_mark(pupil.id, day, session)
    values = MarkValues(day, session, code, None, "Phoned in")
    with by(marker):
        record_mark(pupil, values, marker, mark.version, uuid.uuid4())


def chronology(client_request, pupil) -> list[str]:
    page = client_request.get(f"/pupils/{pupil.id}")
    return [" ".join(line.get_text().split()) for line in page.select("h2 + ol li")]


def test_a_days_register_is_one_line_of_the_chronology(
    client_request, auth, make_user, pupil, teacher, clock
):
    at(MONDAY, 9, clock)
    mark_days(pupil, teacher, ["L", "O", "/", "I"], MONDAY)
    at(TUESDAY, 15, clock)
    change(pupil, teacher, MONDAY, PM, "I")
    at(TUESDAY, 16, clock)
    assign(pupil, make_user(Role.TEACHER, name="Tia Ward"), None, on=TUESDAY)

    auth.login(make_user(Role.LEAD))
    lines = chronology(client_request, pupil)

    assert not [line for line in lines if "Attendance mark" in line]
    assert lines[:4] == [
        "17 Nov 2026, 16:00: Assigned to a community teacher (Tia Ward)",
        "17 Nov 2026, 16:00: Left a community teacher's caseload (Tom Okafor)",
        "17 Nov 2026, 15:00: Register for Monday 16 November 2026: AM late (L, 5 minutes late), "
        "PM absent, unauthorised (O), PM changed from absent, unauthorised (O) to ill (I), "
        "by Tom Okafor",
        "16 Nov 2026, 09:00: Register for Tuesday 17 November 2026: PM ill (I), by Tom Okafor",
    ]
    assert "Assigned to a community teacher (Tom Okafor)" in lines[4]


def test_a_register_day_with_many_changes_is_counted(
    client_request, auth, make_user, pupil, teacher, clock
):
    at(MONDAY, 9, clock)
    mark_days(pupil, teacher, ["N", "N"], MONDAY)
    lead = make_user(Role.LEAD, name="Lena Brooks")
    for hour, (session, code) in enumerate([(AM, "I"), (PM, "M"), (PM, "I")], start=10):
        at(MONDAY, hour, clock)
        change(pupil, lead if session == PM else teacher, MONDAY, session, code)

    auth.login(lead)
    assert chronology(client_request, pupil)[0] == (
        "16 Nov 2026, 12:00: Register for Monday 16 November 2026: 2 sessions marked, 3 changes"
    )


def test_the_chronology_shows_its_latest_lines_counting_each_register_day_once(
    client_request, auth, make_user, pupil, teacher, clock, monkeypatch
):
    monkeypatch.setattr("ap_field.pupils.queries.CHRONOLOGY_SHOWN", 4)
    for number, day in enumerate(range(9, 14)):
        at(date(2026, 11, day), 9, clock)
        mark_days(pupil, teacher, ["O", "O"], date(2026, 11, day))
        if number == 2:
            at(date(2026, 11, day), 10, clock)
            assign(pupil, make_user(Role.TEACHER, name="Tia Ward"), None, on=date(2026, 11, day))

    auth.login(make_user(Role.LEAD))
    lines = chronology(client_request, pupil)

    assert [line.split(": ", 2)[1] for line in lines] == [
        "Register for Friday 13 November 2026",
        "Register for Thursday 12 November 2026",
        "Assigned to a community teacher (Tia Ward)",
        "Left a community teacher's caseload (Tom Okafor)",
    ]
