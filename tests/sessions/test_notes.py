"""Session notes: validated, append-only once sent, corrected by addenda."""

import uuid
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.plans.models import Focus, Mode
from ap_field.plans.services import add_slot
from ap_field.pupils.services import assign
from ap_field.sessions.models import NoteAddendum, SessionNote
from ap_field.sessions.services import write_note
from tests.helpers import text_of, write_demo_plan, write_test_note
from tests.safeguarding.helpers import make_concern


@pytest.fixture
def pupil(make_pupil, teacher):
    pupil = make_pupil()
    assign(pupil, teacher, None)
    return pupil


def note_form(**overrides) -> dict:
    return {
        "client_uuid": "",
        "held_on": (london_today() - timedelta(days=1)).isoformat(),
        "starts_at": "10:00",
        "ends_at": "11:15",
        "mode": "face_to_face",
        "focus": "english",
        "place": "Home",
        "planned_minutes": "90",
        "engagement": "4",
        "progress": "Read two chapters aloud",
        "wellbeing": "Calm and chatty",
        "next_steps": "Start the practice paper",
    } | overrides


def notes() -> list[SessionNote]:
    return list(db.session.scalars(sa.select(SessionNote)))


def test_a_teacher_sends_a_note_against_the_plans_targets(client_request, pupil, teacher):
    plan = write_demo_plan(pupil, teacher)
    english = plan.targets[0]
    response = client_request.post(
        f"/pupils/{pupil.id}/notes/new", note_form(target_ids=[str(english.id)])
    )
    page = client_request.get(response.location)
    rows = {text_of(r, "dt"): text_of(r, "dd") for r in page.select(".govuk-summary-list__row")}
    assert rows["Minutes"] == "75 delivered of 90 planned"
    assert rows["Targets worked on"] == "L1 Functional Skills English"
    assert rows["Engagement"] == "4 of 5"
    assert rows["Written by"].startswith("Tom Okafor")


def test_a_note_opened_from_the_timetable_starts_with_its_details(client_request, pupil):
    slot = add_slot(
        pupil,
        {
            "weekday": 2,
            "starts_at": time(13),
            "ends_at": time(14, 30),
            "mode": Mode.VIRTUAL,
            "focus": Focus.SCIENCE,
            "place": "Online",
        },
        uuid.uuid4(),
    )
    page = client_request.get(f"/pupils/{pupil.id}/notes/new?slot={slot.id}&date=2026-11-18")
    assert page.select_one("#held_on")["value"] == "2026-11-18"
    assert page.select_one("#starts_at")["value"] == "13:00"
    assert page.select_one("#planned_minutes")["value"] == "90"
    assert page.select_one("#mode-1").has_attr("checked")


BAD_NOTES = [
    ({"starts_at": "11:00", "ends_at": "10:00"}, "ends_at", "end time must be after"),
    (
        {"held_on": (london_today() + timedelta(days=1)).isoformat()},
        "ends_at",
        "has not finished yet cannot be recorded as delivered",
    ),
    ({"engagement": ""}, "engagement", "Choose how engaged"),
    ({"planned_minutes": "900"}, "planned_minutes", "between 0 and 600"),
    ({"place": " "}, "place", "Enter where the session happened"),
]


@pytest.mark.parametrize("change, field, message", BAD_NOTES)
def test_bad_notes_are_refused_at_the_field_and_kept(client_request, pupil, change, field, message):
    page = client_request.post(
        f"/pupils/{pupil.id}/notes/new", note_form(**change), expected_status=200
    )
    assert message in text_of(page, f"#{field}-error")
    assert text_of(page, "#progress") == "Read two chapters aloud"
    assert notes() == []


def test_a_replayed_note_is_saved_once(client, pupil):
    form = note_form(client_uuid=str(uuid.uuid4()))
    first = client.post(f"/pupils/{pupil.id}/notes/new", data=form)
    second = client.post(f"/pupils/{pupil.id}/notes/new", data=form)
    assert first.location == second.location
    assert len(notes()) == 1


def test_a_sent_note_cannot_be_changed_only_added_to(client_request, pupil, teacher):
    client_request.post(f"/pupils/{pupil.id}/notes/new", note_form())
    sent = notes()[0]

    sent.progress = "Rewritten afterwards"
    with pytest.raises(PermissionError, match="add an addendum"):
        db.session.flush()
    db.session.rollback()

    url = f"/pupils/{pupil.id}/notes/{sent.id}"
    assert client_request.client.get(url + "/edit").status_code == 404
    client_request.post(url, {"text": "It was chapter three, not two."})
    page = client_request.get(url)
    assert "It was chapter three, not two." in text_of(page, ".app-card")
    assert "Tom Okafor" in text_of(page, ".app-card")
    db.session.expire_all()
    assert db.session.get(SessionNote, sent.id).progress == "Read two chapters aloud"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NoteAddendum)) == 1


def test_an_empty_addendum_is_refused(client_request, pupil):
    client_request.post(f"/pupils/{pupil.id}/notes/new", note_form())
    url = f"/pupils/{pupil.id}/notes/{notes()[0].id}"
    page = client_request.post(url, {"text": ""}, expected_status=200)
    assert "Write the addendum" in text_of(page, "#text-error")


def test_a_note_for_a_pupil_outside_the_caseload_is_404(client, teacher, make_pupil):
    stranger = make_pupil()
    response = client.post(f"/pupils/{stranger.id}/notes/new", data=note_form())
    assert response.status_code == 404
    assert notes() == []


def test_a_note_offers_to_record_a_concern_and_links_to_the_ones_raised_from_it(
    client_request, pupil, teacher
):
    form = client_request.get(f"/pupils/{pupil.id}/notes/new")
    assert form.find("a", string="Record a safeguarding concern")
    assert form.select_one("#safeguarding_details") is None
    note = write_test_note(pupil, teacher)
    page = client_request.get(f"/pupils/{pupil.id}/notes/{note.id}")
    link = page.find("a", string="Record a safeguarding concern")
    assert link["href"] == f"/pupils/{pupil.id}/concerns/new?note={note.id}"

    concern = make_concern(pupil, teacher, note=note)

    page = client_request.get(f"/pupils/{pupil.id}/notes/{note.id}")
    assert page.find("a", href=f"/pupils/{pupil.id}/concerns/{concern.id}")


def test_a_huge_slot_id_in_the_address_is_ignored(client_request, pupil):
    page = client_request.get(f"/pupils/{pupil.id}/notes/new?slot=99999999999999999999999")
    assert page.select_one("#starts_at").get("value") in (None, "")


def test_a_years_notes_come_a_page_at_a_time_newest_first(client_request, pupil, teacher):
    yesterday = london_today() - timedelta(days=1)
    for days_back in range(30):
        values = {
            "held_on": yesterday - timedelta(days=days_back),
            "starts_at": time(10, 0),
            "ends_at": time(11, 15),
            "mode": Mode.FACE_TO_FACE,
            "focus": Focus.ENGLISH,
            "place": "Home",
            "planned_minutes": 90,
            "engagement": 4,
        }
        write_note(pupil, teacher, values, [], uuid.uuid4())

    first = client_request.get(f"/pupils/{pupil.id}/notes")
    second = client_request.get(first.select_one("nav a[rel=next]")["href"])

    def dates(page):
        return [link.get_text(strip=True) for link in page.select(".app-card__title a")]

    assert len(dates(first)) == 25
    assert len(dates(second)) == 5
    assert dates(first)[0] == f"{yesterday:%A} {yesterday.day} {yesterday:%B %Y}, 10:00"
    assert second.select_one("nav a[rel=prev]") is not None
