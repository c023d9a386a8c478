"""Reading and writing iCalendar files (RFC 5545) of closures, with the `icalendar` package.

A school's or local authority's published calendar holds all-day events; an all-day event's
DTEND is the day after its last day. Only events that say the school is closed are closures:
holidays, half terms, INSET and training days, closures. Term starts and ends, bank holidays
(which come from the `holidays` package) and events with a time of day are left out and
counted, so the person loading the file is told (docs/architecture.md, "Term calendars").
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import icalendar

from ap_field.calendars.models import CalendarEvent, EventKind, TermCalendar

MAX_BYTES = 200 * 1024  # a year of a local authority's dates is a few kilobytes
MAX_EVENT_DAYS = 366
FIRST_YEAR, LAST_YEAR = 2000, 2100
PRODUCT = "-//ap-field//Term calendars//EN"

# Words a closure's summary uses, most particular first; the first match gives the kind.
KIND_WORDS = (
    (EventKind.HALF_TERM, re.compile(r"half[ -]?term", re.IGNORECASE)),
    (
        EventKind.INSET_DAY,
        re.compile(
            r"\binset\b|training day|staff (development|training)|professional development"
            r"|teacher day|non[ -]pupil day",
            re.IGNORECASE,
        ),
    ),
    (EventKind.HOLIDAY, re.compile(r"holiday|christmas|easter|summer break", re.IGNORECASE)),
    (EventKind.CLOSURE, re.compile(r"\bclosed\b|closure|occasional day", re.IGNORECASE)),
)
NOT_CLOSURES = re.compile(r"bank holiday|term (starts|begins|ends)|(first|last) day", re.IGNORECASE)
KINDS_BY_LABEL = {kind.label.lower(): kind for kind in EventKind if kind is not EventKind.OPEN}


class UnreadableCalendar(ValueError):
    """The file cannot be loaded; the message says what to do."""


@dataclass(frozen=True)
class Entry:
    kind: EventKind
    first_day: date
    last_day: date
    description: str

    def values(self) -> dict:
        return {
            "kind": self.kind,
            "first_day": self.first_day,
            "last_day": self.last_day,
            "description": self.description,
        }


@dataclass
class Read:
    entries: list[Entry]
    left_out: list[str]


def read_closures(data: bytes) -> Read:
    """The closures in an .ics file, or UnreadableCalendar saying what is wrong with it."""
    if len(data) > MAX_BYTES:
        raise UnreadableCalendar(f"The file must be smaller than {MAX_BYTES // 1024} KB")
    try:
        calendar = icalendar.Calendar.from_ical(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise UnreadableCalendar(
            "The file must be an iCalendar file (.ics), as a calendar app exports it"
        ) from error
    events = calendar.walk("VEVENT")
    if not events:
        raise UnreadableCalendar("The file has no events: choose a calendar with term dates")
    found, left_out = [], []
    for event in events:
        entry = _entry(event)
        if isinstance(entry, Entry):
            found.append(entry)
        else:
            left_out.append(entry)
    if not found:
        raise UnreadableCalendar(
            "The file has no all-day holidays, half terms, INSET days or closures to load"
        )
    return Read(sorted(set(found), key=lambda e: (e.first_day, e.last_day)), left_out)


def _entry(event) -> Entry | str:
    """The event as a closure, or its summary when it is not one."""
    summary = " ".join(str(event.get("SUMMARY", "")).split())[:120]
    start = event.get("DTSTART")
    if start is None or isinstance(start.dt, datetime) or not isinstance(start.dt, date):
        return summary or "An event with a time of day"
    first = start.dt
    if event.get("DTEND") is not None:
        last = event["DTEND"].dt - timedelta(days=1)
    elif event.get("DURATION") is not None:
        last = first + event["DURATION"].dt - timedelta(days=1)
    else:
        last = first
    if isinstance(last, datetime):
        return summary or "An event with a time of day"
    last = max(first, last)
    if not FIRST_YEAR <= first.year <= LAST_YEAR or (last - first).days >= MAX_EVENT_DAYS:
        return summary or "An event too long for a closure"
    kind = _kind(event, summary)
    if kind is None:
        return summary or "An event with no summary"
    return Entry(kind, first, last, summary or kind.label)


def _kind(event, summary: str) -> EventKind | None:
    categories = event.get("CATEGORIES")
    if categories is not None:
        for listed in categories if isinstance(categories, list) else [categories]:
            for category in listed.cats:
                if kind := KINDS_BY_LABEL.get(str(category).strip().lower()):
                    return kind
    if NOT_CLOSURES.search(summary):
        return None
    return next((kind for kind, words in KIND_WORDS if words.search(summary)), None)


def write_calendar(calendar: TermCalendar, events: list[CalendarEvent]) -> bytes:
    """The calendar's closures as all-day events, each with its kind as its category and a
    UID that stays the same, so that a calendar app updates what it loaded before."""
    written = icalendar.Calendar()
    written.add("prodid", PRODUCT)
    written.add("version", "2.0")
    written.add("x-wr-calname", calendar.name)
    for event in events:
        entry = icalendar.Event()
        entry.add("uid", f"{event.client_uuid}@ap-field")
        entry.add("dtstamp", event.updated_at)
        entry.add("dtstart", event.first_day)
        entry.add("dtend", event.last_day + timedelta(days=1))
        entry.add("summary", event.description)
        entry.add("categories", [event.kind.label])
        entry.add("transp", "TRANSPARENT")
        written.add_component(entry)
    return written.to_ical()
