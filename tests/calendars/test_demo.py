"""The demo's calendar: Northshire Council's school year, once however often it is seeded."""

from datetime import date

import sqlalchemy as sa

from ap_field.calendars.demo import school_year_closures, seed_calendars
from ap_field.calendars.models import CalendarEvent, EventKind
from ap_field.calendars.queries import is_school_day
from ap_field.extensions import db
from tests.helpers import school_named


def test_the_2026_to_2027_closures_fall_where_northshire_would_put_them():
    closures = {text: (first, last) for _, first, last, text in school_year_closures(2026)}

    assert closures["Autumn half term"] == (date(2026, 10, 26), date(2026, 10, 30))
    assert closures["Christmas holiday"] == (date(2026, 12, 21), date(2027, 1, 3))
    assert closures["Easter holiday"] == (date(2027, 3, 22), date(2027, 4, 4))
    assert closures["Summer half term"] == (date(2027, 5, 31), date(2027, 6, 4))


def test_seeding_twice_makes_one_calendar(app, clock):
    clock(9, 5)
    riverside = school_named("Riverside High School", laestab="8814003")
    seed_calendars()
    seed_calendars()

    kinds = db.session.scalars(sa.select(CalendarEvent.kind)).all()
    assert len(kinds) == 8
    assert kinds.count(EventKind.INSET_DAY) == 2
    assert not is_school_day(date(2026, 10, 28), riverside)
    assert not is_school_day(date(2027, 2, 22), riverside)
