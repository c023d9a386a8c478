"""A closure is not a possible session: the 15-day rule, attendance percentages and the
registers due count the school days of the pupil's school only."""

from datetime import date
from decimal import Decimal

from flask import g

from ap_field.attendance.models import reportable_pupils
from ap_field.attendance.queries import pupil_figures, register_statuses, tallies
from ap_field.calendars.models import EventKind
from ap_field.common.time import london_now
from ap_field.config import DEFAULT_HALF_TERM_STARTS, half_term_starts
from ap_field.extensions import db
from ap_field.pupils.services import assign
from tests.attendance.helpers import put_marks
from tests.calendars.conftest import Statements

FIRST = date(2026, 11, 2)  # a Monday; 15 school days run to Friday 20 November
LAST = date(2026, 11, 20)


def _reportable(today: date) -> list[int]:
    return list(db.session.scalars(reportable_pupils(today)))


def test_a_holiday_takes_its_days_out_of_the_15_day_count(
    close, make_pupil, make_user, riverside, northside
):
    teacher = make_user()
    away = make_pupil(school_id=riverside.id)
    put_marks(away, teacher, ["O"] * 30, FIRST)
    assert _reportable(LAST) == [away.id]

    # The school told us late: its Friday was an INSET day, marked O before it was entered.
    close(EventKind.INSET_DAY, LAST, school=riverside)

    assert _reportable(LAST) == []
    assert tallies([away.id], FIRST, LAST)[away.id].days_missed == Decimal("14.0")


def test_a_holiday_changes_the_attendance_percentage(close, make_pupil, make_user, northside):
    """Four days of marks: two present, two absent. 50% until the absent days are found to be
    the school's closure: then 2 days of 2, 100%."""
    teacher = make_user()
    pupil = make_pupil(school_id=northside.id)
    put_marks(pupil, teacher, ["/", "\\"] * 2 + ["O", "O"] * 2, FIRST)
    assert tallies([pupil.id], FIRST, LAST)[pupil.id].attendance_percent == Decimal("50.0")

    close(EventKind.CLOSURE, date(2026, 11, 4), date(2026, 11, 5), description="Polling day")

    assert tallies([pupil.id], FIRST, LAST)[pupil.id].attendance_percent == Decimal("100.0")
    week, *_ = pupil_figures(pupil, date(2026, 11, 6), half_term_starts(DEFAULT_HALF_TERM_STARTS))
    assert week.tally.attendance_percent == Decimal("100.0")
    assert week.tally.possible_sessions == 4


def test_one_schools_inset_day_leaves_the_other_schools_pupils_counted(
    close, make_pupil, make_user, northside, riverside
):
    teacher = make_user()
    at_riverside = make_pupil(school_id=riverside.id)
    at_northside = make_pupil(school_id=northside.id)
    for pupil in (at_riverside, at_northside):
        put_marks(pupil, teacher, ["O", "O"], LAST)
    close(EventKind.INSET_DAY, LAST, school=riverside)

    counted = tallies([at_riverside.id, at_northside.id], LAST, LAST)

    assert counted[at_riverside.id].possible_sessions == 0
    assert counted[at_northside.id].possible_sessions == 2


def test_no_register_is_due_for_a_pupil_whose_school_is_closed(
    clock, close, make_pupil, make_user, northside, riverside
):
    teacher = make_user(name="Tom Okafor")
    pupils = [make_pupil(school_id=riverside.id), make_pupil(school_id=northside.id)]
    for pupil in pupils:
        assign(pupil, teacher, None, on=date(2026, 9, 1))
    today = london_now().date()
    close(EventKind.INSET_DAY, today, school=riverside)
    clock(15, 0)

    (status,) = register_statuses(today, london_now())

    assert status.pupils == 1
    assert status.is_overdue


def test_the_counts_cost_the_same_queries_with_more_pupils_and_closures(
    close, make_pupil, make_user, northside, riverside
):
    teacher = make_user()
    close(EventKind.HALF_TERM, date(2026, 10, 26), date(2026, 10, 30))
    close(EventKind.INSET_DAY, LAST, school=riverside)
    one = [make_pupil(school_id=northside.id)]
    many = [make_pupil(school_id=school.id) for school in (northside, riverside) * 3]

    costs = []
    for pupils in (one, many):
        for pupil in pupils:
            put_marks(pupil, teacher, ["O", "O"], LAST)
        ids = [pupil.id for pupil in pupils]
        db.session.commit()
        g.pop("term_calendars", None)  # as each request starts, with nothing read yet
        with Statements() as statements:
            tallies(ids, date(2026, 9, 1), LAST)
            list(db.session.scalars(reportable_pupils(LAST)))
            register_statuses(LAST, london_now())
        costs.append(statements.count)

    assert costs[0] == costs[1]
