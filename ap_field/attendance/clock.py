"""Which register is open now, on the London clock, and which sessions are past or future."""

from datetime import date, datetime, time, timedelta

from flask import current_app

from ap_field.attendance.models import RegisterSession
from ap_field.calendars import queries as calendars

AM, PM = RegisterSession.AM, RegisterSession.PM


def pm_from() -> time:
    return current_app.config["REGISTER_PM_FROM"]


def due_by(session: RegisterSession) -> time:
    return current_app.config["REGISTER_AM_DUE" if session == AM else "REGISTER_PM_DUE"]


def is_school_day(day: date) -> bool:
    """A school day of the programme's own calendar: a weekday that is not a bank holiday, nor
    closed by the calendar of the programme's local authority, if one is set. A pupil's school
    days are their school's: see calendars.queries (docs/architecture.md, "Term calendars")."""
    return calendars.is_school_day(day)


def school_days_after(day: date, count: int) -> date:
    """The school day `count` school days after `day`."""
    while count:
        day += timedelta(days=1)
        count -= is_school_day(day)
    return day


def session_of_time(moment: time) -> RegisterSession:
    """The register a session starting at `moment` belongs to."""
    return AM if moment < pm_from() else PM


def session_at(now: datetime) -> RegisterSession:
    return session_of_time(now.time())


def current_session(now: datetime) -> tuple[date, RegisterSession]:
    """The session a register opens at: the one under way, or on a day with no school the last
    school day's PM."""
    day = now.date()
    if not is_school_day(day):
        return previous_session(day, AM)
    return day, session_at(now)


def _order(day: date, session: RegisterSession) -> tuple[date, int]:
    return day, 0 if session == AM else 1


def has_started(day: date, session: RegisterSession, now: datetime) -> bool:
    return _order(day, session) <= _order(now.date(), session_at(now))


def is_past(day: date, session: RegisterSession, now: datetime) -> bool:
    """Before the session under way now: marking it needs a reason."""
    return _order(day, session) < _order(now.date(), session_at(now))


def previous_session(day: date, session: RegisterSession) -> tuple[date, RegisterSession]:
    if session == PM:
        return day, AM
    day -= timedelta(days=1)
    while not is_school_day(day):
        day -= timedelta(days=1)
    return day, PM


def next_session(day: date, session: RegisterSession) -> tuple[date, RegisterSession]:
    if session == AM:
        return day, PM
    day += timedelta(days=1)
    while not is_school_day(day):
        day += timedelta(days=1)
    return day, AM
