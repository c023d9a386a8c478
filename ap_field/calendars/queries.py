"""Which days are school days, for a school or for the programme, and the calendars' pages.

A day is a school day when it is a weekday, not a bank holiday in England, not closed by the
calendar of the school's local authority (unless the school is open that day) and not one of the
school's own closures. A pupil's school days are their school's; with no school, the calendar
is that of the programme's local authority (`TERM_CALENDAR_LA`), or none, leaving weekends and
bank holidays. Each request reads a school year's closures and the schools' LAESTAB numbers
once, kept in `flask.g`, so asking about every day of a year costs no more queries than asking
about one (docs/architecture.md, "Term calendars").
"""

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import holidays
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, current_app, g, has_app_context

from ap_field.calendars.models import CalendarEvent, EventKind, TermCalendar
from ap_field.extensions import db
from ap_field.pupils.models import Pupil, academic_year_start
from ap_field.schools.models import School

FRIDAY = 4
OPEN = EventKind.OPEN
NO_SCHOOL = 0  # stands for a pupil's missing school in SQL, where NULL never compares equal


@functools.cache
def _bank_holidays_of(year: int) -> dict[date, str]:
    """England's bank holidays, from the `holidays` package's list of the proclamations."""
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year))


def bank_holidays(first: date, last: date) -> dict[date, str]:
    """England's bank holidays from `first` to `last`, with their names."""
    found: dict[date, str] = {}
    for year in range(first.year, last.year + 1):
        found |= {
            day: name for day, name in _bank_holidays_of(year).items() if first <= day <= last
        }
    return found


def easter_monday(year: int) -> date:
    return next(day for day, name in _bank_holidays_of(year).items() if name == "Easter Monday")


@dataclass(frozen=True)
class Closure:
    """A calendar event as the day checks read it."""

    id: int
    la_code: str
    school_id: int | None
    kind: EventKind
    first_day: date
    last_day: date
    description: str

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


def programme_la() -> str | None:
    """The local authority whose calendar a pupil with no school keeps, if one is set."""
    return current_app.config.get("TERM_CALENDAR_LA")


def _cache() -> dict:
    if "term_calendars" not in g:
        g.term_calendars = {"years": {}, "schools": None}
    return g.term_calendars


def _year_closures(year: int) -> list[Closure]:
    """Every calendar's events that touch the school year starting 1 September `year`: one
    query per school year per request."""
    years = _cache()["years"]
    if year not in years:
        rows = db.session.execute(
            sa.select(
                CalendarEvent.id,
                TermCalendar.la_code,
                CalendarEvent.school_id,
                CalendarEvent.kind,
                CalendarEvent.first_day,
                CalendarEvent.last_day,
                CalendarEvent.description,
            )
            .join(TermCalendar)
            .where(
                CalendarEvent.last_day >= date(year, 9, 1),
                CalendarEvent.first_day <= date(year + 1, 8, 31),
            )
        ).all()
        years[year] = [Closure(*row) for row in rows]
    return years[year]


def closures_between(first: date, last: date) -> list[Closure]:
    found = {}
    for year in range(academic_year_start(first), academic_year_start(last) + 1):
        for closure in _year_closures(year):
            if closure.first_day <= last and closure.last_day >= first:
                found[closure.id] = closure
    return list(found.values())


def _school_las() -> dict[int, str | None]:
    """Each school's local authority number, from its LAESTAB: one query per request."""
    cache = _cache()
    if cache["schools"] is None:
        rows = db.session.execute(sa.select(School.id, School.laestab)).all()
        cache["schools"] = {school_id: laestab and laestab[:3] for school_id, laestab in rows}
    return cache["schools"]


def _la_of(school_id: int | None) -> str | None:
    """The local authority whose calendar the school keeps: its own, else the programme's."""
    return (school_id is not None and _school_las().get(school_id)) or programme_la()


def _why_closed(day: date, school_id: int | None, la_code: str | None) -> str | None:
    if day.weekday() > FRIDAY:
        return "Weekend"
    if name := _bank_holidays_of(day.year).get(day):
        return f"{name} (bank holiday)"
    touching = [
        closure for closure in _year_closures(academic_year_start(day)) if closure.covers(day)
    ]
    own = [c for c in touching if school_id is not None and c.school_id == school_id]
    if any(closure.kind == OPEN for closure in own):
        return None
    for closure in own:
        return closure.description
    for closure in touching:
        if closure.school_id is None and closure.la_code == la_code:
            return closure.description
    return None


def closure_on(day: date, school: School | None = None) -> str | None:
    """Why `school` (or the programme, with none) is closed on `day`; None on a school day."""
    if school is None:
        return _why_closed(day, None, programme_la())
    la_code = school.laestab[:3] if school.laestab else programme_la()
    return _why_closed(day, school.id, la_code)


def is_school_day(day: date, school: School | None = None) -> bool:
    return closure_on(day, school) is None


def school_days_between(first: date, last: date, school: School | None = None) -> list[date]:
    """The school days from `first` to `last`, both included."""
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if is_school_day(day, school)]


def school_day_after(day: date, count: int, school_id: int | None) -> date:
    """The `count`th school day after `day` for the school with this id (None: the
    programme's calendar)."""
    counted = 0
    while counted < count:
        day += timedelta(days=1)
        counted += is_school_day_of(school_id, day)
    return day


def half_term_starts(day: date, school_id: int | None = None) -> tuple[date, ...]:
    """Where each half term of the school year of `day` starts for the school with this id
    (None: the programme's calendar): the first school day after each half term or holiday
    in its calendar. Where no calendar has that year's breaks, the HALF_TERM_STARTS setting."""
    la_code = _la_of(school_id)
    starts = {
        school_day_after(closure.last_day, 1, school_id)
        for closure in _year_closures(academic_year_start(day))
        if closure.kind in (EventKind.HALF_TERM, EventKind.HOLIDAY)
        and (
            closure.school_id == school_id
            if closure.school_id is not None
            else closure.la_code == la_code
        )
    }
    return tuple(sorted(starts)) or tuple(current_app.config["HALF_TERM_STARTS"])


def pupil_closure(pupil: Pupil, day: date) -> str | None:
    """Why the pupil's school is closed on `day`, read without loading the school."""
    return _why_closed(day, pupil.school_id, _la_of(pupil.school_id))


def is_school_day_of(school_id: int | None, day: date) -> bool:
    """Whether the school with this id (None: the programme's calendar) is open on `day`."""
    return _why_closed(day, school_id, _la_of(school_id)) is None


def is_pupils_school_day(pupil: Pupil, day: date) -> bool:
    return pupil_closure(pupil, day) is None


def schools_closed_on(day: date) -> list[int]:
    """The ids of the schools closed on `day`, and NO_SCHOOL if the programme's own calendar
    is (for pupils without a school): for SQL that counts pupils by their school's calendar,
    as `sa.func.coalesce(Pupil.school_id, NO_SCHOOL).not_in(...)`."""
    return [
        school_id
        for school_id in [NO_SCHOOL, *_school_las()]
        if _why_closed(day, school_id or None, _la_of(school_id or None)) is not None
    ]


def on_school_days(
    query: sa.Select, day: sa.ColumnElement, pupil_id: sa.ColumnElement, first: date, last: date
) -> sa.Select:
    """`query` narrowed to rows whose `day` (between `first` and `last`) was a school day for
    the school of the pupil `pupil_id`: the calendars' closures are read once and written into
    the query as date ranges, so it stays one query however many pupils and days it counts.
    Weekends are left to the register, which takes no mark on them."""
    if bank := list(bank_holidays(first, last)):
        query = query.where(day.not_in(bank))
    closures = closures_between(first, last)
    if not closures:
        return query
    pupil, school = so.aliased(Pupil), so.aliased(School)
    school_id = sa.func.coalesce(pupil.school_id, NO_SCHOOL)
    la_code = sa.func.coalesce(sa.func.substr(school.laestab, 1, 3), programme_la() or "")
    opens = [closure for closure in closures if closure.kind == OPEN]
    closed = []
    for closure in closures:
        if closure.kind == OPEN:
            continue
        during = day.between(closure.first_day, closure.last_day)
        if closure.school_id is not None:
            closed.append(sa.and_(school_id == closure.school_id, during))
            continue
        open_then = [
            sa.and_(school_id == other.school_id, day.between(other.first_day, other.last_day))
            for other in opens
            if other.la_code == closure.la_code
            and other.first_day <= closure.last_day
            and other.last_day >= closure.first_day
        ]
        closed.append(sa.and_(la_code == closure.la_code, during, *(~term for term in open_then)))
    return (
        query.join(pupil, pupil.id == pupil_id)
        .outerjoin(school, school.id == pupil.school_id)
        .where(~sa.or_(*closed))
    )


@sa.event.listens_for(so.Session, "after_flush")
def _forget_calendars(session: so.Session, _context) -> None:
    """A changed calendar, event or school's LAESTAB is read afresh by the next question."""
    if not has_app_context() or "term_calendars" not in g:
        return
    changed = [*session.new, *session.dirty, *session.deleted]
    if any(isinstance(record, CalendarEvent | TermCalendar | School) for record in changed):
        g.pop("term_calendars")


# The calendars' pages.


def calendars() -> list[sa.Row]:
    """Every calendar by local authority number, with how many events it holds."""
    return list(
        db.session.execute(
            sa.select(TermCalendar, sa.func.count(CalendarEvent.id))
            .outerjoin(CalendarEvent)
            .group_by(TermCalendar.id)
            .order_by(TermCalendar.la_code)
        ).all()
    )


def calendar_or_404(calendar_id: int) -> TermCalendar:
    return db.session.get(TermCalendar, calendar_id) or abort(404)


def calendar_for_la(la_code: str) -> TermCalendar | None:
    return db.session.scalar(sa.select(TermCalendar).where(TermCalendar.la_code == la_code))


def event_of_calendar_or_404(calendar: TermCalendar, event_id: int) -> CalendarEvent:
    event = db.session.get(CalendarEvent, event_id)
    if event is None or event.calendar_id != calendar.id:
        abort(404)
    return event


def events_of(calendar: TermCalendar) -> list[CalendarEvent]:
    return list(
        db.session.scalars(
            calendar.events.select()
            .options(so.joinedload(CalendarEvent.school))
            .order_by(CalendarEvent.first_day, CalendarEvent.school_id.nulls_first())
        )
    )


@dataclass
class Term:
    name: str
    events: list[CalendarEvent]


def term_name(day: date) -> str:
    """The English school term a day falls in: autumn from September, spring from January to
    Easter Monday, summer after it; a holiday belongs to the term it starts in."""
    year = academic_year_start(day)
    if day.month >= 9:
        return f"Autumn term {year}"
    if day <= easter_monday(day.year):
        return f"Spring term {year + 1}"
    return f"Summer term {year + 1}"


def events_by_term(events: list[CalendarEvent]) -> list[Term]:
    terms: dict[str, list[CalendarEvent]] = defaultdict(list)
    for event in events:
        terms[term_name(event.first_day)].append(event)
    return [Term(name, listed) for name, listed in terms.items()]


def schools_of_la(la_code: str) -> list[School]:
    """The schools whose LAESTAB starts with the local authority's number, by name."""
    return list(
        db.session.scalars(
            sa.select(School).where(School.laestab.startswith(la_code)).order_by(School.name)
        )
    )


def event_exists(calendar: TermCalendar, values: dict) -> bool:
    """Whether the calendar already holds an event for the same days, kind and school."""
    return db.session.scalar(
        sa.select(
            calendar.events.select()
            .where(
                CalendarEvent.first_day == values["first_day"],
                CalendarEvent.last_day == values["last_day"],
                CalendarEvent.kind == values["kind"],
                CalendarEvent.school_id.is_(None)
                if values.get("school_id") is None
                else CalendarEvent.school_id == values["school_id"],
            )
            .exists()
        )
    )
