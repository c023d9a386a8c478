"""The demo's term calendar: Northshire Council's (local authority 881) half terms, holidays and
INSET days for the school year under way, worked out from the year's own dates so that the demo
stays right in any year, and one school's extra INSET day."""

import uuid
from datetime import date, timedelta

import sqlalchemy as sa

from ap_field.calendars.models import CalendarEvent, EventKind, TermCalendar
from ap_field.calendars.queries import bank_holidays, calendar_for_la
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.pupils.models import academic_year_start
from ap_field.schools.models import School

NORTHSHIRE = "881"
MONDAY, FRIDAY = 0, 4


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(MONDAY - day.weekday()) % 7)


def _weekday_on_or_after(day: date) -> date:
    return day + timedelta(days=7 - day.weekday()) if day.weekday() > FRIDAY else day


def _bank_holiday(year: int, name: str) -> date:
    listed = bank_holidays(date(year, 1, 1), date(year, 12, 31))
    return next(day for day, called in listed.items() if called == name)


def school_year_closures(year: int) -> list[tuple[EventKind, date, date, str]]:
    """The closures of the school year starting 1 September `year`, as many English local
    authorities set them: a week at each half term, two weeks at Christmas and Easter."""
    autumn_half = _monday_on_or_after(date(year, 10, 25))
    christmas = _monday_on_or_after(date(year, 12, 18))
    february_half = _monday_on_or_after(date(year + 1, 2, 12))
    easter = _bank_holiday(year + 1, "Good Friday") - timedelta(days=4)
    may_half = _bank_holiday(year + 1, "Spring Bank Holiday")
    september = _weekday_on_or_after(date(year, 9, 1))
    return [
        (EventKind.INSET_DAY, september, september, "Staff training day"),
        (EventKind.HALF_TERM, autumn_half, autumn_half + timedelta(days=4), "Autumn half term"),
        (EventKind.HOLIDAY, christmas, christmas + timedelta(days=13), "Christmas holiday"),
        (
            EventKind.HALF_TERM,
            february_half,
            february_half + timedelta(days=4),
            "Spring half term",
        ),
        (EventKind.HOLIDAY, easter, easter + timedelta(days=13), "Easter holiday"),
        (EventKind.HALF_TERM, may_half, may_half + timedelta(days=4), "Summer half term"),
        (EventKind.HOLIDAY, date(year + 1, 7, 22), date(year + 1, 8, 31), "Summer holiday"),
    ]


def seed_calendars() -> None:
    """Northshire Council's calendar for this school year, and Riverside High School's extra
    INSET day after the February half term; running it again changes nothing."""
    calendar = calendar_for_la(NORTHSHIRE)
    if calendar is None:
        calendar = TermCalendar(la_code=NORTHSHIRE, name="Northshire Council term dates")
        db.session.add(calendar)
    year = academic_year_start(london_today())
    wanted = [
        (kind, first, last, text, None) for kind, first, last, text in school_year_closures(year)
    ]
    riverside = db.session.scalar(sa.select(School).where(School.name == "Riverside High School"))
    if riverside is not None:
        extra = wanted[3][2] + timedelta(days=3)
        wanted.append((EventKind.INSET_DAY, extra, extra, "Staff training day", riverside))
    for kind, first, last, text, school in wanted:
        held = sa.select(CalendarEvent.id).where(
            CalendarEvent.calendar_id == calendar.id,
            CalendarEvent.first_day == first,
            CalendarEvent.kind == kind,
        )
        if calendar.id is None or db.session.scalar(held) is None:
            db.session.add(
                CalendarEvent(
                    calendar=calendar,
                    school=school,
                    kind=kind,
                    first_day=first,
                    last_day=last,
                    description=text,
                    client_uuid=uuid.uuid4(),
                )
            )
    db.session.commit()
