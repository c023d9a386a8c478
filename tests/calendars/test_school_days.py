"""Which days are school days: weekends, England's bank holidays (from the `holidays` package),
the local authority's closures and each school's differences."""

from datetime import date

from ap_field.attendance import clock as register_clock
from ap_field.calendars.models import EventKind
from ap_field.calendars.queries import (
    bank_holidays,
    closure_on,
    half_term_starts,
    is_pupils_school_day,
    is_school_day,
    school_days_between,
    schools_closed_on,
)
from ap_field.extensions import db
from tests.calendars.conftest import Statements
from tests.helpers import school_named

HALF_TERM = (date(2026, 10, 26), date(2026, 10, 30))
INSET = date(2026, 11, 20)  # a Friday


def test_bank_holidays_come_from_the_holidays_package(app):
    assert not is_school_day(date(2026, 12, 25))
    assert not is_school_day(date(2026, 8, 31))  # the late summer bank holiday, a Monday
    assert not is_school_day(date(2026, 12, 28))  # Boxing Day falls on a Saturday: moved
    assert closure_on(date(2026, 12, 25)) == "Christmas Day (bank holiday)"
    assert is_school_day(date(2026, 9, 1))
    assert date(2027, 5, 3) in bank_holidays(date(2027, 1, 1), date(2027, 12, 31))


def test_weekends_are_never_school_days(app):
    assert not is_school_day(date(2026, 11, 21))
    assert closure_on(date(2026, 11, 22)) == "Weekend"


def test_the_local_authoritys_closure_closes_every_school_of_it(app, close, northside, riverside):
    close(EventKind.HALF_TERM, *HALF_TERM, description="Autumn half term")

    for school in (northside, riverside):
        assert closure_on(date(2026, 10, 28), school) == "Autumn half term"
        assert is_school_day(date(2026, 11, 2), school)
    assert len(school_days_between(date(2026, 10, 19), date(2026, 11, 1), northside)) == 5


def test_an_extra_inset_day_closes_that_school_only(app, close, northside, riverside):
    close(EventKind.INSET_DAY, INSET, school=riverside, description="Staff training")

    assert not is_school_day(INSET, riverside)
    assert closure_on(INSET, riverside) == "Staff training"
    assert is_school_day(INSET, northside)


def test_a_school_open_in_the_local_authoritys_closure_is_open(app, close, northside, riverside):
    close(EventKind.HALF_TERM, *HALF_TERM)
    close(EventKind.OPEN, date(2026, 10, 26), date(2026, 10, 27), school=northside)

    assert is_school_day(date(2026, 10, 26), northside)
    assert not is_school_day(date(2026, 10, 28), northside)
    assert not is_school_day(date(2026, 10, 26), riverside)


def test_another_local_authoritys_school_keeps_its_own_calendar(app, close):
    elsewhere = school_named("Southmoor High", laestab="8609001")
    close(EventKind.HALF_TERM, *HALF_TERM)

    assert is_school_day(date(2026, 10, 28), elsewhere)


def test_a_pupil_keeps_their_schools_days(app, close, make_pupil, northside, riverside):
    close(EventKind.INSET_DAY, INSET, school=riverside, description="Staff training")
    at_riverside = make_pupil(school_id=riverside.id)
    at_northside = make_pupil(school_id=northside.id)

    assert not is_pupils_school_day(at_riverside, INSET)
    assert is_pupils_school_day(at_northside, INSET)
    assert schools_closed_on(INSET) == [riverside.id]


def test_with_no_school_the_programme_keeps_its_local_authoritys_calendar(app, close):
    close(EventKind.HALF_TERM, *HALF_TERM)

    assert register_clock.is_school_day(date(2026, 10, 28))
    app.config["TERM_CALENDAR_LA"] = "881"
    db.session.commit()  # a new question reads the calendars afresh
    assert not register_clock.is_school_day(date(2026, 10, 28))
    assert register_clock.previous_session(date(2026, 11, 2), register_clock.AM) == (
        date(2026, 10, 23),
        register_clock.PM,
    )


def test_a_year_of_questions_reads_the_calendars_once(app, close, northside):
    close(EventKind.HALF_TERM, *HALF_TERM)
    close(EventKind.INSET_DAY, INSET, school=northside)
    db.session.refresh(northside)
    with Statements() as statements:
        days = school_days_between(date(2026, 9, 1), date(2027, 7, 20), northside)

    assert date(2026, 10, 28) not in days and INSET not in days
    assert statements.count == 1


def test_half_terms_start_after_each_break_in_the_schools_calendar(
    app, close, northside, riverside
):
    close(EventKind.HALF_TERM, *HALF_TERM, description="Autumn half term")
    close(EventKind.HOLIDAY, date(2026, 12, 21), date(2027, 1, 1), description="Christmas")
    close(EventKind.HALF_TERM, date(2027, 2, 15), date(2027, 2, 19), school=riverside)
    day = date(2026, 11, 18)
    assert half_term_starts(day, northside.id) == (date(2026, 11, 2), date(2027, 1, 4))
    assert half_term_starts(day, riverside.id) == (
        date(2026, 11, 2),
        date(2027, 1, 4),
        date(2027, 2, 22),
    )


def test_without_a_calendar_the_half_terms_are_the_setting(app, northside):
    assert half_term_starts(date(2026, 11, 18), northside.id) == tuple(
        app.config["HALF_TERM_STARTS"]
    )
