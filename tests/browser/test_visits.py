"""A community teacher on a doorstep: plans a visit, says they have arrived, records what
happened and says they have left safely, all on a phone."""

from playwright.sync_api import expect

from ap_field.auth.models import Role
from ap_field.common.time import london_today
from ap_field.pupils.services import assign
from tests.browser.conftest import open_from_menu, sign_in_by_requests
from tests.browser.test_shell import no_sideways_scrolling


def test_a_teacher_arrives_records_the_visit_and_leaves_safely(phone, make_user, make_pupil):
    teacher = make_user(Role.TEACHER, name="Tom Okafor")
    pupil = make_pupil(legal_name="Jayden Clarke")
    assign(pupil, teacher, None)
    sign_in_by_requests(phone, teacher.email)

    open_from_menu(phone, "Caseload")
    phone.locator(".app-card", has_text="Jayden Clarke").tap()
    phone.get_by_role("link", name="Record a visit").tap()
    expect(phone.get_by_label("Date of the visit")).to_have_value(london_today().isoformat())
    phone.get_by_label("No, I am planning it").check()
    phone.get_by_label("The family home").check()
    phone.get_by_label("Address", exact=True).fill("14 Mill Lane, Northside")
    phone.get_by_label("Welfare check").check()
    no_sideways_scrolling(phone)
    phone.get_by_role("button", name="Save visit").tap()
    expect(phone.get_by_role("alert")).to_contain_text("The visit is saved")

    phone.get_by_role("button", name="I've arrived").tap()
    expect(phone.get_by_role("alert")).to_contain_text("You have arrived")
    expect(phone.locator("main .govuk-tag").first).to_have_text("In progress")

    phone.get_by_role("link", name="Record or change what happened").tap()
    phone.get_by_label("The pupil", exact=True).check()
    phone.get_by_label("Parents or carers").check()
    phone.get_by_label("The child's voice").fill("I want to get back to football")
    phone.get_by_role("button", name="Save visit").tap()
    expect(phone.get_by_role("alert")).to_contain_text("The visit is saved")

    phone.get_by_role("button", name="I've left safely").tap()
    expect(phone.get_by_role("alert")).to_contain_text("You left safely at")
    expect(phone.locator("main .govuk-tag").first).to_have_text("Happened")
    expect(phone.locator(".govuk-summary-list")).to_contain_text("I want to get back to football")
