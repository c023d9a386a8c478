"""Learning plans: targets with measures, versions that keep the old ones, three agreements."""

import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from ap_field.audit.models import AuditEvent
from ap_field.calendars.models import EventKind
from ap_field.calendars.services import add_calendar, add_event
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.plans.models import LearningPlan
from ap_field.pupils.services import assign
from tests.helpers import WEDNESDAY, text_of, write_demo_plan


def inset_day(day: date) -> None:
    """An INSET day in the calendar of Northshire (881), the test schools' local authority."""
    calendar = add_calendar({"la_code": "881", "name": "Northshire term dates"}, uuid.uuid4())
    values = {"kind": EventKind.INSET_DAY, "description": "Training day", "school_id": None}
    add_event(calendar, values | {"first_day": day, "last_day": day}, uuid.uuid4())


@pytest.fixture
def pupil(make_pupil, teacher):
    pupil = make_pupil()
    assign(pupil, teacher, None)
    return pupil


def plan_form(**overrides) -> dict:
    today = london_today()
    return {
        "client_uuid": "",
        "aims": "Build confidence to return to school",
        "success_criteria": "Attends three mornings a week at school",
        "transition_plan": "Visits to the school from March",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=180)).isoformat(),
        "targets-0-kind": "academic",
        "targets-0-description": "L1 Functional Skills English",
        "targets-0-baseline": "Entry Level 3",
        "targets-0-goal": "Pass",
        "targets-0-measure": "Exam result",
        "targets-0-due_on": (today + timedelta(days=150)).isoformat(),
        "targets-1-kind": "wider",
        "targets-1-description": "Attendance",
        "targets-1-baseline": "60%",
        "targets-1-goal": "95%",
        "targets-1-measure": "Sessions attended",
        "targets-1-due_on": (today + timedelta(days=90)).isoformat(),
    } | overrides


def plans() -> list[LearningPlan]:
    return list(db.session.scalars(sa.select(LearningPlan).order_by(LearningPlan.id)))


def test_a_teacher_writes_a_plan_and_the_first_review_is_set(client_request, pupil, clock):
    clock(9)
    response = client_request.post(f"/pupils/{pupil.id}/plan/new", plan_form())
    page = client_request.get(response.location)
    assert text_of(page, "h1") == "Learning plan, version 1"
    targets = [text_of(card, ".app-card__title") for card in page.select(".app-card")]
    assert targets == ["L1 Functional Skills English", "Attendance"]
    db.session.refresh(pupil)
    assert pupil.review_date == WEDNESDAY + timedelta(days=14)


def test_the_first_review_is_a_fortnight_of_school_days_on(client_request, pupil, clock):
    clock(9)
    inset_day(date(2026, 11, 27))
    client_request.post(f"/pupils/{pupil.id}/plan/new", plan_form())
    db.session.refresh(pupil)
    assert pupil.review_date == date(2026, 12, 3), "ten school days on, the INSET day left out"


def test_a_target_without_a_measure_is_refused(client_request, pupil):
    page = client_request.post(
        f"/pupils/{pupil.id}/plan/new", plan_form(**{"targets-1-measure": ""}), expected_status=200
    )
    assert text_of(page, "#targets-1-measure-error") == (
        "Error: Enter how target 2 will be measured"
    )
    assert "Enter how target 2 will be measured" in text_of(page, ".govuk-error-summary")
    assert page.select_one("#targets-1-description")["value"] == "Attendance"
    assert plans() == []


def test_a_plan_needs_a_target(client_request, pupil):
    empty = {key: "" for key in plan_form() if key.startswith("targets-")}
    page = client_request.post(
        f"/pupils/{pupil.id}/plan/new", plan_form(**empty), expected_status=200
    )
    assert "Add at least one target" in text_of(page, ".govuk-error-summary")
    assert plans() == []


def test_a_new_version_keeps_the_old_one_readable(client_request, pupil, teacher):
    first = write_demo_plan(pupil, teacher)
    page = client_request.get(f"/pupils/{pupil.id}/plan/new")
    assert page.select_one("#targets-0-description")["value"] == "L1 Functional Skills English"
    client_request.post(
        f"/pupils/{pupil.id}/plan/new", plan_form(aims="Second aims, after a review")
    )
    second = plans()[-1]
    assert second.version_number == 2
    old = client_request.get(f"/pupils/{pupil.id}/plan/versions/{first.id}")
    assert "This is an earlier version" in old.get_text()
    assert "Return to a school building" in old.get_text()
    current = client_request.get(f"/pupils/{pupil.id}/plan", follow_redirects=True)
    assert "Second aims, after a review" in current.get_text()


def test_each_party_agrees_separately(client_request, pupil, teacher):
    plan = write_demo_plan(pupil, teacher)
    url = f"/pupils/{pupil.id}/plan/versions/{plan.id}"
    for party, name in [("pupil", "Jordan"), ("provider", "Hillcrest"), ("school", "Ms Amin")]:
        client_request.post(
            f"{url}/agree",
            {"party": party, "agreed_by": name, "agreed_on": london_today().isoformat()},
        )
    db.session.refresh(plan)
    assert plan.fully_agreed
    page = client_request.get(url)
    rows = [text_of(row, "dd") for row in page.select(".govuk-summary-list__row")][-3:]
    assert [row.split(" on ")[0] for row in rows] == [
        "Agreed by Jordan",
        "Agreed by Hillcrest",
        "Agreed by Ms Amin",
    ]
    events = db.session.scalars(
        sa.select(AuditEvent.event).where(AuditEvent.event == "plan.agreed")
    ).all()
    assert len(events) == 3


def test_an_agreement_needs_a_name_and_a_date_not_in_the_future(client_request, pupil, teacher):
    plan = write_demo_plan(pupil, teacher)
    tomorrow = (london_today() + timedelta(days=1)).isoformat()
    page = client_request.post(
        f"/pupils/{pupil.id}/plan/versions/{plan.id}/agree",
        {"party": "school", "agreed_by": "", "agreed_on": tomorrow},
        expected_status=200,
    )
    assert "Enter the name of who agreed" in text_of(page, "#agreed_by-error")
    assert "cannot be in the future" in text_of(page, "#agreed_on-error")
    db.session.refresh(plan)
    assert plan.agreements == []


def test_a_target_can_be_dropped_from_a_new_version(client_request, pupil, teacher):
    write_demo_plan(pupil, teacher)
    cleared = {f"targets-1-{name}": "" for name in ("description", "baseline", "goal", "measure")}
    cleared["targets-1-due_on"] = ""
    client_request.post(f"/pupils/{pupil.id}/plan/new", plan_form(**cleared))
    assert [target.description for target in plans()[-1].targets] == [
        "L1 Functional Skills English"
    ]
