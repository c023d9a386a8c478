"""A teacher records a pupil's first assessment on a phone, fixing a missed answer on the way."""

from playwright.sync_api import expect

from ap_field.auth.models import Role
from ap_field.pupils.services import assign
from tests.browser.conftest import open_from_menu, sign_in_by_requests


def test_a_teacher_records_a_baseline_assessment_on_a_phone(phone, make_user, make_pupil):
    teacher = make_user(Role.TEACHER, name="Tom Okafor")
    pupil = make_pupil(legal_name="Jayden Clarke", reasons=["ebsa"])
    assign(pupil, teacher, make_user(Role.LEAD))
    sign_in_by_requests(phone, teacher.email)

    open_from_menu(phone, "Caseload")
    phone.get_by_role("link", name="Jayden Clarke").tap()
    phone.get_by_role("link", name="Add an assessment").tap()

    expect(phone.get_by_label("Emotionally based school avoidance")).to_be_checked()
    phone.get_by_label("Literacy working level").select_option(label="Key Stage 2")
    phone.get_by_label("Literacy score").fill("42")
    phone.get_by_label("Numeracy working level").select_option(label="Entry Level 3")
    phone.get_by_label("Reading age: years").fill("9")
    phone.get_by_label("Reading age: months").fill("6")
    for measure, rating in (("wellbeing", "2"), ("resilience", "3"), ("confidence", "2")):
        phone.locator(f"#{measure}").get_by_label(rating, exact=True).check()
    phone.get_by_label("Interests and strengths").fill("Films and photography")
    phone.get_by_label("English", exact=True).check()
    phone.get_by_role("button", name="Save assessment").tap()

    expect(phone.locator(".govuk-error-summary")).to_contain_text(
        "Choose how the pupil rates their anxiety, from 1 to 5"
    )
    expect(phone.get_by_label("Interests and strengths")).to_have_value("Films and photography")
    expect(phone.get_by_label("Literacy score")).to_have_value("42")
    phone.locator("#anxiety").get_by_label("5 (very anxious)").check()
    phone.get_by_role("button", name="Save assessment").tap()

    expect(phone.get_by_role("alert")).to_contain_text("assessment is saved")
    expect(phone.locator("main")).to_contain_text("Baseline")
    expect(phone.locator("main")).to_contain_text("9 years 6 months")
    phone.get_by_role("link", name="Assessments").tap()
    phone.get_by_role("link", name="Jayden Clarke").tap()
    expect(phone.locator("#assessment-summary")).to_contain_text("Literacy Key Stage 2")
