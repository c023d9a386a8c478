"""Changes to term calendars, each committed with its audit event (docs/architecture.md,
"Term calendars"). A calendar belongs to no pupil, so its events carry none."""

import uuid
from dataclasses import dataclass

from ap_field.audit.models import record
from ap_field.calendars.ics import Entry
from ap_field.calendars.models import CalendarEvent, TermCalendar
from ap_field.common.writes import add_recorded
from ap_field.extensions import db
from ap_field.schools.models import School


def add_calendar(values: dict, client_uuid: uuid.UUID) -> TermCalendar:
    return add_recorded(
        TermCalendar(client_uuid=client_uuid, **values),
        "calendar.added",
        lambda calendar: {
            "pupil_id": None,
            "calendar_id": calendar.id,
            "la_code": calendar.la_code,
            "name": calendar.name,
        },
    )


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
    return add_recorded(
        CalendarEvent(calendar=calendar, client_uuid=client_uuid, **values),
        "calendar.event_added",
        lambda event: {"pupil_id": None, **_event_details(event)},
    )


def remove_event(event: CalendarEvent) -> None:
    record("calendar.event_removed", pupil_id=None, **_event_details(event))
    db.session.delete(event)
    db.session.commit()


@dataclass
class Imported:
    added: int
    held: int
    # What the calendar said between the file's first and last day that the file no longer
    # does (a closure moved or cancelled since the last version was loaded).
    removed: list[str]


def import_events(calendar: TermCalendar, school: School | None, entries: list[Entry]) -> Imported:
    """The file's closures in place of the calendar's (for `school`, or for the whole local
    authority) between the file's first and last day, in one transaction: all or none."""
    held = list(
        db.session.scalars(
            calendar.events.select().where(
                CalendarEvent.school_id.is_(None)
                if school is None
                else CalendarEvent.school_id == school.id
            )
        )
    )
    wanted = {_key(entry) for entry in entries}
    first = min(entry.first_day for entry in entries)
    last = max(entry.last_day for entry in entries)
    gone = [
        event
        for event in held
        if _key(event) not in wanted and first <= event.first_day and event.last_day <= last
    ]
    kept = {_key(event) for event in held}
    new = [entry for entry in entries if _key(entry) not in kept]
    for event in gone:
        db.session.delete(event)
    for entry in new:
        db.session.add(CalendarEvent(calendar=calendar, school=school, **entry.values()))
    record(
        "calendar.imported",
        pupil_id=None,
        calendar_id=calendar.id,
        school_id=school.id if school else None,
        events=len(new),
        removed=[f"{event.description}: {event.first_day} to {event.last_day}" for event in gone],
    )
    db.session.commit()
    return Imported(len(new), len(entries) - len(new), [event.description for event in gone])


def _key(event: Entry | CalendarEvent) -> tuple:
    return event.kind, event.first_day, event.last_day
