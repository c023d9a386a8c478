"""Compulsory school age, as the law sets it (docs/architecture.md, "Compulsory school age").

A child begins to be of compulsory school age on the first prescribed day (31 December,
31 March or 31 August) on or after their fifth birthday (Education Act 1996, section 8(2); The
Education (Start of Compulsory School Age) Order 1998), and stops at the end of the school
leaving date, the last Friday in June, of the school year (1 September to 31 August) in which
they turn sixteen (section 8(3); The Education (School Leaving Date) Order 1997).

Both ends move with the date of birth in the same direction, so on any day the children of
compulsory school age are those born between two dates: `births_of_school_age` gives them, for
a query, and `is_of_compulsory_school_age` asks it of one child.
"""

from datetime import date, timedelta

FRIDAY = 4
PRESCRIBED_DAYS = ((3, 31), (8, 31), (12, 31))  # (month, day), in the calendar year's order


def school_leaving_date(year: int) -> date:
    """The last Friday in June of `year`."""
    last = date(year, 6, 30)
    return last - timedelta(days=(last.weekday() - FRIDAY) % 7)


def _latest_prescribed_day(on: date) -> date:
    """The latest 31 March, 31 August or 31 December on or before `on`."""
    passed = [date(on.year, month, day) for month, day in PRESCRIBED_DAYS]
    passed = [day for day in passed if day <= on]
    return passed[-1] if passed else date(on.year - 1, 12, 31)


def births_of_school_age(on: date) -> tuple[date, date]:
    """(earliest, latest) date of birth of a child of compulsory school age on `on`.

    Latest: the child's fifth birthday falls on or before the latest prescribed day. Earliest:
    the leaving date of the school year in which they turn sixteen is not yet past, that is
    they turn sixteen on or after 1 September of the school year whose leaving date is the
    next one from `on`.
    """
    started = _latest_prescribed_day(on)
    latest = started.replace(year=started.year - 5)
    leaving_year = on.year if on <= school_leaving_date(on.year) else on.year + 1
    earliest = date(leaving_year - 17, 9, 1)
    return earliest, latest


def is_of_compulsory_school_age(date_of_birth: date, on: date) -> bool:
    earliest, latest = births_of_school_age(on)
    return earliest <= date_of_birth <= latest
