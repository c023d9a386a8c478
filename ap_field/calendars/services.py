"""Changes to term calendars, each committed with its audit event (docs/architecture.md,
"Term calendars"). A calendar belongs to no pupil, so its events carry none."""

import uuid

from ap_field.audit.models import record
from ap_field.calendars.ics import Entry
from ap_field.calendars.models import CalendarEvent, TermCalendar
from ap_field.extensions import db
from ap_field.schools.models import School


def add_calendar(values: dict, client_uuid: uuid.UUID) -> TermCalendar:
    calendar = TermCalendar(client_uuid=client_uuid, **values)
    db.session.add(calendar)
    db.session.flush()
    record(
        "calendar.added",
        pupil_id=None,
        calendar_id=calendar.id,
        la_code=calendar.la_code,
        name=calendar.name,
    )
    db.session.commit()
    return calendar


def _event_details(event: CalendarEvent) -> dict:
    return {
        "calendar_id": event.calendar_id,
        "event_id": event.id,
        "kind": event.kind,
        "first_day": event.first_day,
        "last_day": event.last_day,
        "school_id": event.school_id,
    }


def add_event(calendar: TermCalendar, values: dict, client_uuid: uuid.UUID) -> CalendarEvent:
    event = CalendarEvent(calendar=calendar, client_uuid=client_uuid, **values)
    db.session.add(event)
    db.session.flush()
    record("calendar.event_added", pupil_id=None, **_event_details(event))
    db.session.commit()
    return event


def remove_event(event: CalendarEvent) -> None:
    record("calendar.event_removed", pupil_id=None, **_event_details(event))
    db.session.delete(event)
    db.session.commit()


def import_events(calendar: TermCalendar, school: School | None, entries: list[Entry]) -> int:
    """Every entry the calendar does not hold yet, in one transaction: all of them or none."""
    held = {
        (event.kind, event.first_day, event.last_day)
        for event in db.session.scalars(
            calendar.events.select().where(
                CalendarEvent.school_id.is_(None)
                if school is None
                else CalendarEvent.school_id == school.id
            )
        )
    }
    new = [entry for entry in entries if (entry.kind, entry.first_day, entry.last_day) not in held]
    for entry in new:
        db.session.add(CalendarEvent(calendar=calendar, school=school, **entry.values()))
    record(
        "calendar.imported",
        pupil_id=None,
        calendar_id=calendar.id,
        school_id=school.id if school else None,
        events=len(new),
    )
    db.session.commit()
    return len(new)
