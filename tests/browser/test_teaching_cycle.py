"""A community teacher's cycle for one pupil, on a phone: first home visit, initial
assessment, plan agreed by three parties, a 25-hour timetable, three notes and a review."""

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from ap_field.auth.models import Role
from ap_field.common.time import london_today
from ap_field.pupils.services import assign
from tests.browser.conftest import sign_in_by_requests


def tap_and_wait(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).tap()


def first_home_visit(phone: Page, pupil_url: str) -> None:
    phone.goto(pupil_url)
    phone.get_by_role("link", name="Record a visit").tap()
    phone.get_by_label("Yes, I am recording what happened").check()
    phone.get_by_label("The family home").check()
    phone.get_by_label("Address", exact=True).fill("14 Mill Lane, Northside")
    phone.get_by_label("First visit").check()
    phone.get_by_label("The pupil", exact=True).check()
    phone.get_by_label("Parents or carers").check()
    phone.get_by_label("The child's voice").fill("I want to get back to football")
    tap_and_wait(phone, "Save visit")
    expect(phone.get_by_role("alert")).to_contain_text("The visit is saved")


def initial_assessment(phone: Page, pupil_url: str) -> None:
    phone.goto(pupil_url)
    phone.get_by_role("link", name="Add an assessment").tap()
    phone.get_by_label("Literacy working level").select_option(label="Key Stage 2")
    phone.get_by_label("Numeracy working level").select_option(label="Entry Level 3")
    for measure, rating in (("wellbeing", "2"), ("resilience", "3"), ("confidence", "2")):
        phone.locator(f"#{measure}").get_by_label(rating, exact=True).check()
    phone.locator("#anxiety").get_by_label("4", exact=True).check()
    phone.get_by_label("Emotionally based school avoidance").check()
    phone.get_by_label("Interests and strengths").fill("Football")
    phone.get_by_label("English", exact=True).check()
    tap_and_wait(phone, "Save assessment")
    expect(phone.locator("main")).to_contain_text("Baseline")


def write_plan(phone: Page, pupil_url: str) -> None:
    phone.goto(pupil_url)
    phone.get_by_role("link", name="Learning plan").tap()
    phone.get_by_role("link", name="Write the learning plan").tap()
    phone.get_by_label("Aims and objectives").fill("Rebuild routine; keep up English.")
    target = phone.locator("fieldset", has_text="Target 1")
    target.get_by_label("Academic").check()
    target.get_by_label("Target", exact=True).fill("L1 Functional Skills English")
    target.get_by_label("Where the pupil is now").fill("Entry Level 3")
    target.get_by_label("Goal").fill("Pass")
    target.get_by_label("How it is measured").fill("Exam result")
    target.get_by_label("Due by").fill((london_today() + timedelta(days=150)).isoformat())
    phone.get_by_label("Success criteria").fill("Passes the exam")
    phone.get_by_label("Transition and reintegration plan").fill("Visits from March")
    phone.get_by_label("Plan starts").fill((london_today() - timedelta(days=13)).isoformat())
    tap_and_wait(phone, "Save the plan")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Learning plan, version 1")
    for party, who in [("Pupil", "Jordan"), ("Provider", "Hillcrest"), ("School", "Ms Amin")]:
        phone.get_by_label(party, exact=True).check()
        phone.get_by_label("Who agreed").fill(who)
        tap_and_wait(phone, "Record agreement")
        expect(phone.get_by_role("alert")).to_contain_text("agreement is recorded")
    expect(phone.locator("main")).not_to_contain_text("Not agreed yet")


def build_timetable(phone: Page, pupil_url: str) -> None:
    phone.goto(pupil_url)
    phone.get_by_role("link", name="Timetable").tap()
    total = phone.locator("#weekly-total p").first
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        phone.get_by_label("Day").select_option(label=day)
        phone.get_by_label("Start", exact=True).fill("09:00")
        phone.get_by_label("End", exact=True).fill("14:00")
        phone.get_by_label("End", exact=True).dispatch_event("change")
        expect(phone.locator("#draft-total")).to_contain_text("with this session")
        phone.get_by_label("Face-to-face").check()
        phone.get_by_label("Place").fill("Home")
        phone.get_by_role("button", name="Add session").tap()
        expect(phone.locator(f"h2:has-text('{day}') + ul .app-card")).to_have_count(1)
    expect(total).to_have_text("25 h a week")
    expect(phone.locator("#weekly-total .govuk-warning-text")).to_have_count(0)


def write_notes(phone: Page, pupil_url: str, count: int) -> None:
    today = london_today()
    last_week = today - timedelta(days=today.weekday() + 7)
    for day in range(count):
        phone.goto(pupil_url)
        phone.get_by_role("link", name="Session notes").tap()
        phone.get_by_role("link", name="Write a note").tap()
        phone.get_by_label("Date").fill((last_week + timedelta(days=day)).isoformat())
        phone.get_by_label("Started").fill("09:00")
        phone.get_by_label("Ended").fill("12:00")
        phone.get_by_label("Face-to-face").check()
        phone.get_by_label("Place").fill("Home")
        phone.get_by_label("Planned minutes").fill("300")
        phone.get_by_label("4", exact=True).check()
        phone.get_by_label("L1 Functional Skills English").check()
        tap_and_wait(phone, "Send the note")
        expect(phone.get_by_role("alert")).to_contain_text("Session note sent")


def test_the_full_cycle_for_one_pupil_ends_in_a_review_with_computed_attendance_and_hours(
    phone, live_server, make_user, make_pupil
):
    teacher = make_user(Role.TEACHER)
    pupil = make_pupil(legal_name="Jordan Ellis")
    assign(pupil, teacher, None)
    pupil_url = f"/pupils/{pupil.id}"
    sign_in_by_requests(phone, teacher.email)

    first_home_visit(phone, pupil_url)
    initial_assessment(phone, pupil_url)
    write_plan(phone, pupil_url)
    build_timetable(phone, pupil_url)
    write_notes(phone, pupil_url, 3)

    phone.goto(pupil_url)
    phone.get_by_role("link", name="Fortnightly reviews").tap()
    phone.get_by_role("link", name="Hold a review").tap()
    expect(phone.locator("#sessions-with-a-note")).to_have_text(re.compile(r"^3 of 10 timetabled"))
    expect(phone.locator("#hours-delivered")).to_have_text("9.0 of 50.0 planned")

    phone.get_by_label("Pupil", exact=True).check()
    phone.get_by_label("Parent or carer").check()
    phone.get_by_label("On track").check()
    phone.get_by_label("Changes to the timetable").fill("No changes")
    tap_and_wait(phone, "Save the review")

    expect(phone.get_by_role("heading", level=1)).to_contain_text("Review of")
    expect(phone.locator("#sessions-with-a-note")).to_have_text("3 of 10 timetabled")
    expect(phone.locator("#attendance")).to_have_text("No marks")
    expect(phone.locator("#hours-delivered")).to_have_text("9.0 of 50.0 planned")

    phone.goto(pupil_url)
    chronology = phone.locator("h2:has-text('Chronology') + ol")
    for entry in (
        "Fortnightly review held",
        "Session note written",
        "Timetable session added",
        "Learning plan agreed",
        "Learning plan written",
        "Assessment recorded",
        "Home visit recorded",
    ):
        expect(chronology).to_contain_text(entry)
