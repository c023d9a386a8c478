"""On a phone, Change and Remove on the timetable are two links apart: tapping Change opens the
change form and removes nothing; Remove asks first, and "No, go back" keeps the session."""

import uuid
from datetime import time

from playwright.sync_api import expect

from ap_field.auth.models import Role
from ap_field.plans.models import Focus, Mode
from ap_field.plans.services import add_slot
from ap_field.pupils.services import assign
from tests.browser.conftest import sign_in_by_requests
from tests.browser.test_shell import no_sideways_scrolling


def test_change_opens_the_form_and_remove_asks_first(phone, make_user, make_pupil):
    teacher = make_user(Role.TEACHER)
    pupil = make_pupil(legal_name="Jayden Clarke")
    assign(pupil, teacher, None)
    values = {
        "weekday": 0,
        "starts_at": time(10),
        "ends_at": time(11),
        "mode": Mode.FACE_TO_FACE,
        "focus": Focus.MATHS,
        "place": "Central library",
    }
    add_slot(pupil, values, uuid.uuid4())
    sign_in_by_requests(phone, teacher.email)
    timetable = f"/pupils/{pupil.id}/timetable"
    phone.goto(timetable)
    card = phone.locator(".app-card", has_text="10:00–11:00 Maths")

    card.get_by_role("link", name="Change the Monday 10:00 session").tap()
    expect(phone.get_by_label("Place")).to_have_value("Central library")
    phone.goto(timetable)
    expect(card).to_have_count(1)

    card.get_by_role("link", name="Remove the Monday 10:00 session").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Remove the Monday 10:00–11:00 session?"
    )
    no_sideways_scrolling(phone)
    phone.get_by_role("link", name="No, go back").tap()
    expect(card).to_have_count(1)

    card.get_by_role("link", name="Remove the Monday 10:00 session").tap()
    phone.get_by_role("button", name="Yes, remove it").tap()
    expect(phone.get_by_role("alert")).to_contain_text("Session removed from the timetable.")
    expect(phone.locator(".app-card", has_text="10:00–11:00 Maths")).to_have_count(0)
