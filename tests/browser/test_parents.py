"""The teacher invites a parent from the pupil page on one phone; the parent opens the link
on their own phone, sets a password and confirms a session; the teacher sees it."""

import uuid
from datetime import time, timedelta

from playwright.sync_api import expect

from ap_field.auth.models import Role
from ap_field.common.time import london_today
from ap_field.plans.models import Focus, Mode
from ap_field.pupils.services import assign
from ap_field.sessions.services import write_note
from tests.browser.conftest import open_from_menu, sign_in_by_requests
from tests.browser.test_shell import no_sideways_scrolling


def test_a_parent_joins_from_the_teachers_phone_and_confirms_a_session(
    new_phone, make_user, make_pupil
):
    teacher = make_user(Role.TEACHER, name="Tom Okafor")
    pupil = make_pupil(legal_name="Jayden Clarke")
    assign(pupil, teacher, None)
    held_on = london_today() - timedelta(days=1)
    values = {
        "held_on": held_on,
        "starts_at": time(10),
        "ends_at": time(12),
        "mode": Mode.FACE_TO_FACE,
        "focus": Focus.ENGLISH,
        "place": "Home",
        "planned_minutes": 120,
        "engagement": 4,
        "wellbeing": "Tired and low today",
    }
    write_note(pupil, teacher, values, [], uuid.uuid4())

    teachers_phone = new_phone()
    teachers_phone.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in_by_requests(teachers_phone, teacher.email)
    open_from_menu(teachers_phone, "Caseload")
    teachers_phone.locator(".app-card", has_text="Jayden Clarke").tap()
    teachers_phone.get_by_role("link", name="Invite a parent or carer").tap()
    teachers_phone.get_by_label("Parent or carer's name (optional)").fill("Donna Clarke")
    teachers_phone.get_by_label("Relationship to the pupil").fill("Mother")
    teachers_phone.get_by_role("button", name="Create the invitation").tap()
    expect(teachers_phone.locator("#invitation-qr svg")).to_be_visible()
    teachers_phone.get_by_role("button", name="Copy link").tap()
    expect(teachers_phone.get_by_role("button", name="Link copied")).to_be_visible()
    link = teachers_phone.locator("#invitation-link").input_value()
    assert teachers_phone.evaluate("navigator.clipboard.readText()") == link
    no_sideways_scrolling(teachers_phone)

    parents_phone = new_phone()
    parents_phone.goto(link)
    expect(parents_phone.get_by_role("heading", level=1)).to_have_text(
        "Follow Jayden Clarke's sessions"
    )
    expect(parents_phone.get_by_label("Your full name")).to_have_value("Donna Clarke")
    parents_phone.get_by_label("Your email address").fill("donna.clarke@example.net")
    parents_phone.get_by_label("Choose a password").fill("harbour-violet-kettle")
    parents_phone.get_by_label("Type the password again").fill("harbour-violet-kettle")
    no_sideways_scrolling(parents_phone)
    parents_phone.get_by_role("button", name="Make my account").tap()
    expect(parents_phone.get_by_role("alert")).to_contain_text("Your account is ready")
    expect(parents_phone.locator("main")).not_to_contain_text("Tired and low")
    no_sideways_scrolling(parents_phone)

    parents_phone.get_by_role("button", name="Yes, this happened and my child attended").tap()
    expect(parents_phone.get_by_role("alert")).to_contain_text("You confirmed the session")
    expect(parents_phone.locator("main")).to_contain_text("Confirmed")

    parents_phone.goto(link)
    expect(parents_phone.get_by_role("heading", level=1)).to_have_text("My child")

    teachers_phone.get_by_role("link", name="Done").tap()
    teachers_phone.get_by_role("link", name="Session notes").tap()
    expect(teachers_phone.locator(".app-card").first).to_contain_text("Confirmed by parent")
