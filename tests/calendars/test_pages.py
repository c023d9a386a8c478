"""The calendars' pages: leads and admins add calendars and closures, see them by term, remove
one after asking, and the register shows # for a pupil whose school is closed."""

import uuid
from datetime import date

import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.calendars.models import CalendarEvent, EventKind, TermCalendar
from ap_field.extensions import db
from ap_field.pupils.services import assign
from tests.helpers import WEDNESDAY, text_of


def _event_form(**fields) -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "kind": "half_term",
        "first_day": "2027-02-15",
        "last_day": "2027-02-19",
        "description": "Spring half term",
        "school_id": "0",
    } | fields


def test_a_lead_adds_a_calendar(client_request, lead):
    client_request.post(
        "/calendars/new",
        {"client_uuid": str(uuid.uuid4()), "la_code": "881", "name": "Northshire Council"},
    )

    page = client_request.get("/calendars")
    assert "Northshire Council" in text_of(page, ".app-card-list")


def test_a_calendar_needs_an_english_local_authoritys_number(client_request, lead, northshire):
    for number, message in [
        ("88", "A local authority number is 3 digits, like 881"),
        ("999", "999 is not the number of an English local authority"),
        ("881", "This local authority already has a calendar"),
    ]:
        page = client_request.post(
            "/calendars/new",
            {"client_uuid": str(uuid.uuid4()), "la_code": number, "name": "Elsewhere"},
            expected_status=200,
        )
        assert message in text_of(page, ".govuk-error-summary")
        assert message in text_of(page, "#la_code-error")
        assert page.select_one("#name")["value"] == "Elsewhere"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TermCalendar)) == 1


def test_a_lead_adds_a_closure_and_sees_it_in_its_term(client_request, lead, northshire):
    client_request.post(f"/calendars/{northshire.id}/events/new", _event_form())

    page = client_request.get(f"/calendars/{northshire.id}")
    assert text_of(page, "h2.govuk-heading-m") == "Spring term 2027"
    assert "Spring half term" in text_of(page, ".app-card-list")
    assert "Christmas Day" in text_of(page, ".govuk-list")


def test_a_bad_closure_is_refused_next_to_its_field(client_request, lead, northshire, riverside):
    page = client_request.post(
        f"/calendars/{northshire.id}/events/new",
        _event_form(last_day="2027-02-01"),
        expected_status=200,
    )
    assert "The last day must be the same as or after the first day" in text_of(
        page, "#last_day-error"
    )
    assert page.select_one("#description")["value"] == "Spring half term"

    page = client_request.post(
        f"/calendars/{northshire.id}/events/new",
        _event_form(kind="open"),
        expected_status=200,
    )
    assert "Choose the school that is open on these days" in text_of(page, ".govuk-error-summary")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarEvent)) == 0


def test_a_schools_difference_names_the_school(client_request, lead, northshire, riverside):
    client_request.post(
        f"/calendars/{northshire.id}/events/new",
        _event_form(
            kind="inset_day",
            first_day="2026-11-20",
            last_day="",
            description="",
            school_id=str(riverside.id),
        ),
    )

    page = client_request.get(f"/calendars/{northshire.id}")
    assert "INSET day" in text_of(page, ".app-card__title")
    assert "Riverside School only" in text_of(page, ".app-card__meta")


def test_removing_a_closure_asks_first(client_request, lead, northshire, close):
    event = close(EventKind.HOLIDAY, date(2026, 12, 21), date(2027, 1, 1), description="Christmas")
    path = f"/calendars/{northshire.id}/events/{event.id}/remove"

    page = client_request.get(path)
    assert "Remove Christmas?" in text_of(page, "h1")
    client_request.post(path, {})

    assert (
        db.session.scalar(sa.select(CalendarEvent.id).where(CalendarEvent.id == event.id)) is None
    )


def test_teachers_do_not_reach_the_calendars(client, make_user, auth, northshire):
    auth.login(make_user(Role.TEACHER))
    assert client.get(f"/calendars/{northshire.id}").status_code == 403


def test_the_register_shows_a_closed_school_and_does_not_ask(
    clock, client_request, make_user, auth, make_pupil, close, riverside, northside
):
    teacher = make_user(Role.TEACHER)
    closed = make_pupil(legal_name="Amara Bello", school_id=riverside.id)
    open_ = make_pupil(legal_name="Ben Carter", school_id=northside.id)
    for pupil in (closed, open_):
        assign(pupil, teacher, None, on=date(2026, 9, 1))
    close(EventKind.INSET_DAY, WEDNESDAY, school=riverside, description="Staff training")
    auth.login(teacher)

    page = client_request.get("/register")

    row = page.select_one(f"#pupil-{closed.id}")
    assert "# School closed: Staff training." in " ".join(row.text.split())
    assert row.select("form") == []
    assert page.select_one(f"#pupil-{open_.id} form") is not None
    assert text_of(page, "[data-register-count]") == "0 of 1 pupils marked."
