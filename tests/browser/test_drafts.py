"""Drafts of long forms on a phone: what a teacher or assessor types is kept on the phone
and offered back after a reload or a crash, to them alone, until the form is sent."""

import uuid
from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from ap_field.auth.models import Role
from ap_field.common.time import london_today, utcnow
from ap_field.extensions import db
from ap_field.pupils.services import assign
from ap_field.sessions.models import SessionNote
from ap_field.visits.models import VisitPlace, VisitPurpose
from ap_field.visits.services import create_visit, update_visit
from tests.browser.conftest import sign_in_by_requests
from tests.helpers import write_demo_plan
from tests.premises.helpers import make_check

OFFER = "You have a draft of this form saved on this phone at"
NOTE_TEXT = {
    "Date": (london_today() - timedelta(days=7)).isoformat(),
    "Started": "09:30",
    "Ended": "11:45",
    "Place": "Central Library",
    "Planned minutes": "135",
    "Progress against those targets": "Read two chapters aloud",
    "Wellbeing observations": "Tired but cheerful",
    "Next steps": "Practise a letter of application",
}
NOTE_CHECKED = ["Face-to-face", "4", "L1 Functional Skills English"]
# A safeguarding concern's text, typed but never kept on the phone.
CONCERN_TEXT = "Said he is often left alone overnight"


def offer(page: Page):
    return page.locator(".govuk-notification-banner", has_text=OFFER)


def wait_for_draft(page: Page) -> None:
    """Typing is kept after a short pause; a crash after that pause finds it kept."""
    for _ in range(50):
        if page.evaluate("() => Object.keys(localStorage).some((k) => k.includes('.draft.'))"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("nothing typed was kept on the phone")


def type_a_note(page: Page) -> None:
    for label, value in NOTE_TEXT.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Focus").select_option("maths")
    for label in NOTE_CHECKED:
        page.get_by_label(label, exact=True).check()


def expect_the_typed_note(page: Page) -> None:
    for label, value in NOTE_TEXT.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(value)
    expect(page.get_by_label("Focus")).to_have_value("maths")
    for label in NOTE_CHECKED:
        expect(page.get_by_label(label, exact=True)).to_be_checked()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").tap()
    expect(page.get_by_role("alert")).to_contain_text("You have signed out")


def teacher_with_a_pupil(make_user, make_pupil):
    teacher = make_user(Role.TEACHER)
    pupil = make_pupil(legal_name="Jordan Ellis")
    assign(pupil, teacher, None)
    return teacher, pupil


def test_a_note_is_offered_back_after_a_reload_restored_in_full_and_gone_once_sent(
    phone, make_user, make_pupil
):
    teacher, pupil = teacher_with_a_pupil(make_user, make_pupil)
    write_demo_plan(pupil, teacher)
    form_url = f"/pupils/{pupil.id}/notes/new"
    sign_in_by_requests(phone, teacher.email)
    phone.goto(form_url)
    opened_as = phone.locator("[name=client_uuid]").input_value()
    type_a_note(phone)

    phone.reload()
    kept = phone.evaluate("() => JSON.stringify(localStorage)")
    assert "Tired but cheerful" in kept

    expect(offer(phone)).to_be_visible()
    expect(phone.get_by_label("Place", exact=True)).to_have_value("")
    phone.get_by_role("button", name="Use my draft").tap()
    expect(phone.locator(".govuk-notification-banner")).to_have_text(
        "ImportantYour draft is back in the form."
    )
    expect_the_typed_note(phone)
    # The note keeps the id it was first opened with, so a copy that was in fact sent
    # before the reload is recognised rather than made twice.
    expect(phone.locator("[name=client_uuid]")).to_have_value(opened_as)

    with phone.expect_navigation():
        phone.get_by_role("button", name="Send the note").tap()
    expect(phone.get_by_role("alert")).to_contain_text("Session note sent")
    note = db.session.scalar(sa.select(SessionNote))
    assert (note.client_uuid, note.place) == (uuid.UUID(opened_as), "Central Library")

    phone.goto(form_url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Session note")
    expect(phone.locator(".govuk-notification-banner")).to_have_count(0)


def test_a_safeguarding_concern_typed_and_not_sent_leaves_nothing_on_the_phone(
    phone, make_user, make_pupil
):
    teacher, pupil = teacher_with_a_pupil(make_user, make_pupil)
    sign_in_by_requests(phone, teacher.email)
    phone.goto(f"/pupils/{pupil.id}/concerns/new")
    phone.get_by_label("What you saw or heard").fill(CONCERN_TEXT)
    phone.get_by_label("The child's own words").fill(CONCERN_TEXT)
    phone.get_by_label("Where it happened").fill(CONCERN_TEXT)
    phone.wait_for_timeout(1500)

    phone.reload()

    assert CONCERN_TEXT not in phone.evaluate("() => JSON.stringify(localStorage)")
    expect(offer(phone)).to_have_count(0)
    expect(phone.get_by_label("What you saw or heard")).to_have_value("")


def test_a_note_typed_before_a_crash_is_offered_on_a_new_page_and_can_be_discarded(
    phone, make_user, make_pupil
):
    teacher, pupil = teacher_with_a_pupil(make_user, make_pupil)
    form_url = f"/pupils/{pupil.id}/notes/new"
    sign_in_by_requests(phone, teacher.email)
    phone.goto(form_url)
    phone.get_by_label("Wellbeing observations").fill("Anxious about the bus")
    wait_for_draft(phone)
    context = phone.context
    phone.close()

    page = context.new_page()
    page.goto(form_url)
    expect(offer(page)).to_be_visible()
    page.get_by_role("button", name="Discard draft").tap()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("discarded")
    expect(page.get_by_label("Wellbeing observations")).to_have_value("")

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Session note")
    expect(page.locator(".govuk-notification-banner")).to_have_count(0)


def test_signing_out_removes_the_persons_drafts_so_the_next_person_finds_none(
    phone, make_user, make_pupil
):
    teacher, pupil = teacher_with_a_pupil(make_user, make_pupil)
    form_url = f"/pupils/{pupil.id}/notes/new"
    sign_in_by_requests(phone, teacher.email)
    phone.goto(form_url)
    phone.get_by_label("Wellbeing observations").fill("Worried about his brother")
    phone.reload()
    expect(offer(phone)).to_be_visible()
    sign_out(phone)
    assert "Worried about his brother" not in phone.evaluate("() => JSON.stringify(localStorage)")

    sign_in_by_requests(phone, make_user(Role.LEAD).email)
    phone.goto(form_url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Session note")
    expect(phone.locator(".govuk-notification-banner")).to_have_count(0)
    sign_out(phone)

    sign_in_by_requests(phone, teacher.email)
    phone.goto(form_url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Session note")
    expect(offer(phone)).to_have_count(0)


def test_a_visit_record_is_offered_back_after_a_reload_over_a_change_saved_since(
    phone, make_user, make_pupil
):
    teacher, pupil = teacher_with_a_pupil(make_user, make_pupil)
    visit = create_visit(
        pupil,
        teacher,
        {
            "starts_at": utcnow() - timedelta(days=1),
            "place": VisitPlace.HOME,
            "address": "14 Mill Lane",
            "purpose": VisitPurpose.WELFARE,
        },
    )
    sign_in_by_requests(phone, teacher.email)
    phone.goto(f"/pupils/{pupil.id}/visits/{visit.id}/record")
    phone.get_by_label("Yes, I am recording what happened").check()
    phone.get_by_label("The pupil", exact=True).check()
    phone.get_by_label("Someone else").check()
    phone.get_by_label("Who else was there").fill("Aunt (Abena)")
    phone.get_by_label("The child's voice").fill("I want to get back to football")
    wait_for_draft(phone)
    update_visit(visit, {"address": "16 Mill Lane"}, seen_version=visit.version)

    phone.reload()
    expect(offer(phone)).to_contain_text("This record has been changed since then")
    phone.get_by_role("button", name="Use my draft").tap()

    expect(phone.get_by_label("Yes, I am recording what happened")).to_be_checked()
    expect(phone.get_by_label("The pupil", exact=True)).to_be_checked()
    expect(phone.get_by_label("Parents or carers")).not_to_be_checked()
    expect(phone.get_by_label("Someone else")).to_be_checked()
    expect(phone.get_by_label("Who else was there")).to_have_value("Aunt (Abena)")
    expect(phone.get_by_label("The child's voice")).to_have_value("I want to get back to football")
    # The change saved since, to a field the draft did not touch, stays, and so does the
    # version the page was sent with: saving now makes an edit of the record as it is.
    expect(phone.get_by_label("Address", exact=True)).to_have_value("16 Mill Lane")
    expect(phone.locator("[name=version]")).to_have_value(str(visit.version))


def test_a_site_check_answer_is_offered_back_after_a_reload(phone, make_user):
    assessor = make_user(Role.ASSESSOR)
    check = make_check(assessor)
    item = check.items()[0]
    due = (london_today() + timedelta(days=30)).isoformat()
    sign_in_by_requests(phone, assessor.email)
    phone.goto(f"/site-checks/{check.id}/items/{item.id}")
    phone.get_by_label("No", exact=True).check()
    phone.get_by_label("Comment").fill("Fire door wedged open")
    phone.get_by_label("Action: what needs doing").fill("Fit a door closer")
    phone.get_by_label("Who will do it").fill("The site manager")
    phone.get_by_label("Low: within 28 days").check()
    phone.get_by_label("Due by").fill(due)

    phone.reload()
    expect(offer(phone)).to_be_visible()
    phone.get_by_role("button", name="Use my draft").tap()

    expect(phone.get_by_label("No", exact=True)).to_be_checked()
    expect(phone.get_by_label("Comment")).to_have_value("Fire door wedged open")
    expect(phone.get_by_label("Action: what needs doing")).to_have_value("Fit a door closer")
    expect(phone.get_by_label("Who will do it")).to_have_value("The site manager")
    expect(phone.get_by_label("Low: within 28 days")).to_be_checked()
    expect(phone.get_by_label("Due by")).to_have_value(due)
