"""Loading a published .ics file and downloading one: all-day closures in, the same out, and a
bad file refused with a message next to the field and nothing saved."""

import io
from datetime import date

import sqlalchemy as sa

from ap_field.calendars.models import CalendarEvent, EventKind
from ap_field.extensions import db
from tests.helpers import text_of

PUBLISHED = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Northshire Council//Term dates//EN\r
BEGIN:VEVENT\r
UID:1@northshire.example.org\r
DTSTAMP:20260601T120000Z\r
DTSTART;VALUE=DATE:20261026\r
DTEND;VALUE=DATE:20261031\r
SUMMARY:Autumn half term\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:2@northshire.example.org\r
DTSTAMP:20260601T120000Z\r
DTSTART;VALUE=DATE:20261221\r
DTEND;VALUE=DATE:20270102\r
SUMMARY:Christmas holiday\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:3@northshire.example.org\r
DTSTAMP:20260601T120000Z\r
DTSTART;VALUE=DATE:20270104\r
SUMMARY:INSET day\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:4@northshire.example.org\r
DTSTAMP:20260601T120000Z\r
DTSTART;VALUE=DATE:20260902\r
SUMMARY:Autumn term starts\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:5@northshire.example.org\r
DTSTAMP:20260601T120000Z\r
DTSTART:20261112T180000Z\r
DTEND:20261112T200000Z\r
SUMMARY:Parents' evening\r
END:VEVENT\r
END:VCALENDAR\r
"""


def _upload(client_request, calendar, data: bytes, name="term-dates.ics", school="0", status=302):
    return client_request.post(
        f"/calendars/{calendar.id}/import",
        {"calendar_file": (io.BytesIO(data), name), "school_id": school},
        expected_status=status,
        content_type="multipart/form-data",
    )


def _events() -> list[tuple]:
    return db.session.execute(
        sa.select(
            CalendarEvent.kind,
            CalendarEvent.first_day,
            CalendarEvent.last_day,
            CalendarEvent.description,
            CalendarEvent.school_id,
        ).order_by(CalendarEvent.first_day)
    ).all()


LOADED = [
    (EventKind.HALF_TERM, date(2026, 10, 26), date(2026, 10, 30), "Autumn half term", None),
    (EventKind.HOLIDAY, date(2026, 12, 21), date(2027, 1, 1), "Christmas holiday", None),
    (EventKind.INSET_DAY, date(2027, 1, 4), date(2027, 1, 4), "INSET day", None),
]


def test_a_published_calendar_loads_its_closures_only(client_request, lead, northshire):
    _upload(client_request, northshire, PUBLISHED)

    assert _events() == LOADED
    page = client_request.get(f"/calendars/{northshire.id}")
    message = text_of(page, ".govuk-notification-banner")
    assert "3 closures loaded" in message
    assert "Autumn term starts" in message and "Parents' evening" in message


def test_loading_the_same_file_again_adds_nothing(client_request, lead, northshire):
    _upload(client_request, northshire, PUBLISHED)
    _upload(client_request, northshire, PUBLISHED)

    assert _events() == LOADED


def test_a_corrected_file_replaces_what_the_last_one_said_over_its_dates(
    client_request, lead, northshire, close
):
    close(EventKind.CLOSURE, date(2027, 5, 6), description="Polling day")
    _upload(client_request, northshire, PUBLISHED)
    client_request.get(f"/calendars/{northshire.id}")
    moved = PUBLISHED.replace(b"DTSTART;VALUE=DATE:20270104", b"DTSTART;VALUE=DATE:20270105")
    _upload(client_request, northshire, moved)

    assert _events() == [
        *LOADED[:2],
        (EventKind.INSET_DAY, date(2027, 1, 5), date(2027, 1, 5), "INSET day", None),
        (EventKind.CLOSURE, date(2027, 5, 6), date(2027, 5, 6), "Polling day", None),
    ], "the INSET day moved; the polling day, after the file's last day, stays"
    page = client_request.get(f"/calendars/{northshire.id}")
    message = text_of(page, ".govuk-notification-banner")
    assert "1 closure loaded. 2 the calendar already had." in message
    assert "Removed, as the file no longer has them: INSET day." in message


def test_a_schools_file_loads_as_that_schools_differences(
    client_request, lead, northshire, riverside
):
    _upload(client_request, northshire, PUBLISHED, school=str(riverside.id))

    assert {school_id for *_, school_id in _events()} == {riverside.id}


def test_the_download_loads_back_the_same_closures(client_request, lead, northshire, close):
    close(EventKind.HALF_TERM, date(2026, 10, 26), date(2026, 10, 30), description="Half term")
    close(EventKind.CLOSURE, date(2027, 5, 6), description="Polling day")
    close(EventKind.INSET_DAY, date(2027, 1, 4), description="Staff training")
    before = _events()

    response = client_request.client.get(f"/calendars/{northshire.id}/calendar.ics")
    assert response.mimetype == "text/calendar"
    assert "term-dates-881.ics" in response.headers["Content-Disposition"]
    db.session.execute(sa.delete(CalendarEvent))
    db.session.commit()
    _upload(client_request, northshire, response.data)

    assert _events() == before


def test_bad_files_are_refused_next_to_the_field_and_nothing_is_saved(
    client_request, lead, northshire
):
    no_events = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nEND:VCALENDAR\r\n"
    no_closures = (
        PUBLISHED.replace(b"Autumn half term", b"Sports day")
        .replace(b"Christmas holiday", b"Concert")
        .replace(b"INSET day", b"Fair")
    )
    cases = [
        (b"%PDF-1.4 not a calendar", "The file must be an iCalendar file (.ics)"),
        (no_events, "The file has no events"),
        (b"X" * (200 * 1024 + 1), "The file must be smaller than 200 KB"),
        (
            no_closures,
            "The file has no all-day holidays, half terms, INSET days or closures to load",
        ),
    ]
    for data, message in cases:
        page = _upload(client_request, northshire, data, status=200)
        assert message in text_of(page, "#calendar_file-error")
        assert message in text_of(page, ".govuk-error-summary")
    page = client_request.post(
        f"/calendars/{northshire.id}/import",
        {"school_id": "0"},
        expected_status=200,
        content_type="multipart/form-data",
    )
    assert "Choose the .ics file to load" in text_of(page, "#calendar_file-error")
    assert _events() == []
