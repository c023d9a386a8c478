"""The parent's side closes the loop, on two phones: a mother of two reports that one child will
be away tomorrow morning; the teacher sees it on the register with I suggested and takes the
register; the mother says a session did not happen; the teacher corrects the note with an
addendum, answers her, and she reads the answer. Her other child's part of the page shows none
of it."""

import uuid
from datetime import time, timedelta

from playwright.sync_api import Page, expect

from ap_field.auth.models import Role
from ap_field.parents.services import link_parent
from ap_field.plans.models import Focus, Mode
from ap_field.pupils.services import assign
from ap_field.sessions.services import write_note
from tests.browser.conftest import sign_in_by_requests
from tests.browser.test_shell import no_sideways_scrolling
from tests.helpers import WEDNESDAY

THURSDAY = WEDNESDAY + timedelta(days=1)
# The narrowest phone a page must fit without scrolling sideways (WCAG 2.2 reflow).
NARROWEST = {"width": 320, "height": 640}


def child_section(phone: Page, name: str):
    return phone.locator("section", has=phone.get_by_role("heading", name=name, exact=True))


def test_absence_reported_register_taken_dispute_answered(new_phone, make_user, make_pupil, clock):
    clock(7, 45)
    teacher = make_user(Role.TEACHER, name="Tom Okafor")
    mother = make_user(Role.PARENT, name="Grace Bello")
    amara, kofi = make_pupil(legal_name="Amara Bello"), make_pupil(legal_name="Kofi Bello")
    for child in (amara, kofi):
        assign(child, teacher, None)
        link_parent(child, mother, "Mother", may_confirm=True)
    note = write_note(
        amara,
        teacher,
        {
            "held_on": WEDNESDAY - timedelta(days=1),
            "starts_at": time(10),
            "ends_at": time(12),
            "mode": Mode.FACE_TO_FACE,
            "focus": Focus.ENGLISH,
            "place": "Home",
            "planned_minutes": 120,
            "engagement": 4,
        },
        [],
        uuid.uuid4(),
    )

    parents_phone = new_phone(viewport=NARROWEST)
    sign_in_by_requests(parents_phone, mother.email)
    parents_phone.get_by_role("link", name="Tell us Amara Bello will be away").tap()
    expect(parents_phone.get_by_role("heading", level=1)).to_have_text(
        "Tell us Amara Bello will be away"
    )
    no_sideways_scrolling(parents_phone, NARROWEST["width"])
    parents_phone.get_by_label("Tomorrow morning").check()
    parents_phone.get_by_label("Ill", exact=True).check()
    parents_phone.get_by_label("Anything else the teacher should know").fill("A temperature")
    parents_phone.get_by_role("button", name="Send").tap()
    expect(parents_phone.get_by_role("alert")).to_contain_text(
        "Amara Bello is away: Thursday 19 November 2026, morning"
    )
    expect(child_section(parents_phone, "Amara Bello").locator("[data-absences]")).to_contain_text(
        "Ill"
    )
    expect(child_section(parents_phone, "Kofi Bello").locator("[data-absences]")).to_have_count(0)
    no_sideways_scrolling(parents_phone, NARROWEST["width"])

    clock(9, 5, on=THURSDAY)
    teachers_phone = new_phone()
    sign_in_by_requests(teachers_phone, teacher.email)
    teachers_phone.goto("/register")
    amara_row = teachers_phone.locator(f"#pupil-{amara.id}")
    expect(amara_row.locator("[data-absence]")).to_contain_text("Suggested code: I")
    amara_row.get_by_role("button", name="I: Ill (suggested)").tap()
    expect(amara_row.locator(f"#mark-{amara.id}")).to_contain_text("Marked I")
    teachers_phone.locator(f"#pupil-{kofi.id}").get_by_role("button", name="Present").tap()
    expect(teachers_phone.locator(f"#mark-{kofi.id}")).to_contain_text("Marked /")

    parents_phone.goto(f"/my-child/{amara.id}/sessions/{note.id}")
    no_sideways_scrolling(parents_phone, NARROWEST["width"])
    parents_phone.get_by_label("What happened?").fill("It finished at 11, not 12")
    parents_phone.get_by_role("button", name="No, send this").tap()
    expect(parents_phone.get_by_role("alert")).to_contain_text("Thank you")

    teachers_phone.goto("/today")
    teachers_phone.get_by_role("link", name="Answer Grace Bello").tap()
    teachers_phone.get_by_label("We got it wrong and have corrected the record").check()
    teachers_phone.get_by_label("What was wrong in the record").fill("It ended at 11:00")
    teachers_phone.get_by_label("Your reply to the parent").fill("You are right, it ended at 11.")
    teachers_phone.get_by_role("button", name="Send the answer").tap()
    expect(teachers_phone.get_by_role("alert")).to_contain_text("Your answer is on Grace Bello")
    expect(
        teachers_phone.get_by_text("Corrected after a parent's answer: It ended at 11:00")
    ).to_be_visible()

    parents_phone.goto("/my-child")
    reply = child_section(parents_phone, "Amara Bello").locator("[data-reply]")
    expect(reply).to_contain_text("You were right. We have corrected our record.")
    expect(reply).to_contain_text("You are right, it ended at 11.")
    expect(child_section(parents_phone, "Kofi Bello").locator("[data-reply]")).to_have_count(0)
    no_sideways_scrolling(parents_phone, NARROWEST["width"])
