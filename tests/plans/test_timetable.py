"""Weekly timetable: slots, a live weekly total that warns under 25 hours, no overlaps."""

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.plans.models import TimetableSlot
from ap_field.pupils.services import assign
from tests.helpers import text_of


@pytest.fixture
def pupil(make_user, make_pupil, auth):
    teacher = make_user(Role.TEACHER)
    auth.login(teacher)
    pupil = make_pupil()
    assign(pupil, teacher, None)
    return pupil


def slot(**overrides) -> dict:
    return {
        "client_uuid": "",
        "weekday": "0",
        "starts_at": "10:00",
        "ends_at": "12:30",
        "mode": "face_to_face",
        "focus": "english",
        "place": "Home",
    } | overrides


def slots() -> list[TimetableSlot]:
    return list(db.session.scalars(sa.select(TimetableSlot).order_by(TimetableSlot.id)))


def test_adding_sessions_updates_the_weekly_total_and_warns_under_25_hours(
    client, client_request, pupil
):
    client_request.post(f"/pupils/{pupil.id}/timetable", slot())
    page = client_request.get(f"/pupils/{pupil.id}/timetable")
    assert text_of(page, "#weekly-total p") == "2 h 30 min a week"
    assert "22.5 hours short of full-time" in text_of(page, "#weekly-total")

    response = client.post(
        f"/pupils/{pupil.id}/timetable",
        data=slot(weekday="1", starts_at="09:00", ends_at="15:00"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="timetable">')
    fragment = BeautifulSoup(response.text, "html.parser")
    assert text_of(fragment, "#weekly-total p") == "8 h 30 min a week"


def test_the_total_is_shown_while_a_session_is_typed(client_request, pupil):
    client_request.post(f"/pupils/{pupil.id}/timetable", slot())
    page = client_request.get(
        f"/pupils/{pupil.id}/timetable/total?starts_at=13:00&ends_at=14:15",
        headers={"HX-Request": "true"},
    )
    assert text_of(page, "#draft-weekly-total p") == "3 h 45 min a week, with this session"


def test_25_hours_is_full_time(client_request, pupil):
    for weekday in range(5):
        client_request.post(
            f"/pupils/{pupil.id}/timetable",
            slot(weekday=str(weekday), starts_at="09:00", ends_at="14:00"),
        )
    page = client_request.get(f"/pupils/{pupil.id}/timetable")
    assert text_of(page, "#weekly-total p") == "25 h a week"
    assert page.select_one("#weekly-total .govuk-warning-text") is None


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"starts_at": "11:00", "ends_at": "10:00"}, "ends_at", "end time must be after"),
        ({"starts_at": "12:00", "ends_at": "13:00"}, "starts_at", "This overlaps the Monday"),
        ({"starts_at": "ten"}, "starts_at", "as hours and minutes, like 14:30"),
        ({"place": ""}, "place", "Enter where the session happens"),
        ({"mode": ""}, "mode", "Choose the mode"),
    ],
)
def test_bad_sessions_are_refused_at_the_field(client_request, pupil, change, field, message):
    client_request.post(f"/pupils/{pupil.id}/timetable", slot())
    page = client_request.post(f"/pupils/{pupil.id}/timetable", slot(**change), expected_status=200)
    assert message in text_of(page, f"#{field}-error")
    assert len(slots()) == 1


def test_a_session_can_be_changed_and_removed(client_request, pupil):
    client_request.post(f"/pupils/{pupil.id}/timetable", slot())
    added = slots()[0]
    client_request.post(
        f"/pupils/{pupil.id}/timetable/slots/{added.id}",
        slot(starts_at="13:00", ends_at="14:00", version="1"),
    )
    db.session.refresh(added)
    assert added.starts_at.hour == 13
    client_request.post(f"/pupils/{pupil.id}/timetable/slots/{added.id}/remove", {})
    assert slots() == []


def test_a_stale_change_is_refused(client_request, pupil):
    client_request.post(f"/pupils/{pupil.id}/timetable", slot())
    added = slots()[0]
    page = client_request.post(
        f"/pupils/{pupil.id}/timetable/slots/{added.id}",
        slot(starts_at="13:00", ends_at="14:00", version="0"),
        expected_status=409,
    )
    assert text_of(page, "h1") == "Someone else changed this session"
    assert "13:00" in text_of(page, ".govuk-table")
    db.session.refresh(added)
    assert added.starts_at.hour == 10
