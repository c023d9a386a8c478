"""Fortnightly reviews: the sessions written up and the hours delivered come from the
timetable and the notes, attendance from the register (tests/plans/test_one_figure.py)."""

import uuid
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.plans.models import Focus, Mode, Review
from ap_field.plans.services import add_slot
from ap_field.pupils.services import assign
from ap_field.sessions.queries import delivery_between
from ap_field.sessions.services import write_note
from tests.helpers import WEDNESDAY, text_of, write_demo_plan
from tests.plans.test_plans import inset_day


@pytest.fixture
def teacher(make_user, auth):
    user = make_user(Role.TEACHER)
    auth.login(user)
    return user


@pytest.fixture
def pupil(make_pupil, teacher):
    pupil = make_pupil()
    assign(pupil, teacher, None)
    return pupil


def timetable_slot(pupil, weekday: int, start: int, end: int):
    values = {
        "weekday": weekday,
        "starts_at": time(start),
        "ends_at": time(end),
        "mode": Mode.FACE_TO_FACE,
        "focus": Focus.MATHS,
        "place": "Library",
    }
    return add_slot(pupil, values, uuid.uuid4())


def note(pupil, teacher, day: date, start: int, end: int):
    values = {
        "held_on": day,
        "starts_at": time(start),
        "ends_at": time(end),
        "mode": Mode.FACE_TO_FACE,
        "focus": Focus.MATHS,
        "place": "Library",
        "planned_minutes": (end - start) * 60,
        "engagement": 3,
    }
    return write_note(pupil, teacher, values, [], uuid.uuid4())


def test_delivery_is_worked_out_from_the_timetable_and_the_notes(pupil, teacher):
    """Mon 10-11 and Wed 10-12, over two weeks from Monday 2 Nov 2026: 4 sessions, 6 hours
    timetabled. Three notes of 1, 2 and 1 hours: 3 of 4 sessions, 4 of 6 hours."""
    timetable_slot(pupil, 0, 10, 11)
    timetable_slot(pupil, 2, 10, 12)
    monday = date(2026, 11, 2)
    note(pupil, teacher, monday, 10, 11)
    note(pupil, teacher, monday + timedelta(days=2), 10, 12)
    note(pupil, teacher, monday + timedelta(days=7), 10, 11)
    note(pupil, teacher, monday + timedelta(days=14), 10, 11)

    delivery = delivery_between(pupil, monday, monday + timedelta(days=13))

    assert vars(delivery) == {
        "sessions_timetabled": 4,
        "sessions_delivered": 3,
        "minutes_planned": 360,
        "minutes_delivered": 240,
    }


def review_form(plan, held_on: date, **overrides) -> dict:
    form = {
        "client_uuid": "",
        "held_on": held_on.isoformat(),
        "participants": ["pupil", "parent"],
        "timetable_changes": "Add a science session on Fridays",
        "next_review_on": (held_on + timedelta(days=14)).isoformat(),
    }
    for number, target in enumerate(plan.targets):
        form[f"progress-{number}-target_id"] = str(target.id)
        form[f"progress-{number}-progress"] = "on_track"
        form[f"progress-{number}-comment"] = "Good fortnight"
    return form | overrides


def test_a_review_shows_the_computed_attendance_and_hours_and_sets_the_next_date(
    client_request, pupil, teacher
):
    today = london_today()
    plan = write_demo_plan(pupil, teacher, starts_on=today - timedelta(days=13))
    timetable_slot(pupil, 0, 10, 12)
    mondays = [today - timedelta(days=(today.weekday() - 0) % 7 + 7 * n) for n in range(2)]
    note(pupil, teacher, mondays[0], 10, 11)

    page = client_request.get(f"/pupils/{pupil.id}/reviews/new")
    assert text_of(page, "#sessions-with-a-note") == "1 of 2 timetabled"
    assert text_of(page, "#hours-delivered") == "1.0 of 4.0 planned"
    assert text_of(page, "#attendance") == "No marks"

    response = client_request.post(f"/pupils/{pupil.id}/reviews/new", review_form(plan, today))
    review = db.session.scalar(sa.select(Review))
    assert (review.sessions_delivered, review.sessions_timetabled) == (1, 2)
    assert (review.minutes_delivered, review.minutes_planned) == (60, 240)
    page = client_request.get(response.location)
    assert text_of(page, "#sessions-with-a-note") == "1 of 2 timetabled"
    assert text_of(page, "#attendance") == "No marks"
    db.session.refresh(pupil)
    assert pupil.review_date == today + timedelta(days=14)


def test_the_next_review_offered_is_a_fortnight_of_school_days_on(
    client_request, pupil, teacher, clock
):
    clock(9)
    write_demo_plan(pupil, teacher, starts_on=WEDNESDAY - timedelta(days=14))
    page = client_request.get(f"/pupils/{pupil.id}/reviews/new")
    assert page.select_one("#next_review_on")["value"] == "2026-12-02"

    inset_day(date(2026, 11, 27))
    page = client_request.get(f"/pupils/{pupil.id}/reviews/new")
    assert page.select_one("#next_review_on")["value"] == "2026-12-03"


def test_a_review_before_the_previous_one_is_refused(client_request, pupil, teacher):
    today = london_today()
    plan = write_demo_plan(pupil, teacher, starts_on=today - timedelta(days=30))
    client_request.post(f"/pupils/{pupil.id}/reviews/new", review_form(plan, today))
    earlier = today - timedelta(days=3)
    page = client_request.post(
        f"/pupils/{pupil.id}/reviews/new", review_form(plan, earlier), expected_status=200
    )
    assert "cannot be before the previous one" in text_of(page, "#held_on-error")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 1


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"participants": []}, "participants", "Choose who took part"),
        ({"timetable_changes": ""}, "timetable_changes", "or 'No changes'"),
        ({"progress-0-progress": ""}, "progress-0-progress", "Choose the progress"),
    ],
)
def test_bad_review_input_is_refused(client_request, pupil, teacher, change, field, message):
    plan = write_demo_plan(pupil, teacher)
    page = client_request.post(
        f"/pupils/{pupil.id}/reviews/new",
        review_form(plan, london_today(), **change),
        expected_status=200,
    )
    assert message in text_of(page, f"#{field}-error")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 0


def test_a_future_review_and_a_far_next_date_are_refused(client_request, pupil, teacher):
    plan = write_demo_plan(pupil, teacher)
    tomorrow = london_today() + timedelta(days=1)
    page = client_request.post(
        f"/pupils/{pupil.id}/reviews/new",
        review_form(plan, tomorrow),
        expected_status=200,
    )
    assert "before it has happened" in text_of(page, "#held_on-error")
    page = client_request.post(
        f"/pupils/{pupil.id}/reviews/new",
        review_form(
            plan,
            london_today(),
            next_review_on=(london_today() + timedelta(days=60)).isoformat(),
        ),
        expected_status=200,
    )
    assert "within 4 weeks" in text_of(page, "#next_review_on-error")


def test_progress_for_a_target_of_another_plan_is_refused(client_request, pupil, teacher):
    plan = write_demo_plan(pupil, teacher)
    form = review_form(plan, london_today(), **{"progress-0-target_id": "999999"})
    page = client_request.post(f"/pupils/{pupil.id}/reviews/new", form, expected_status=200)
    assert "each of the plan's targets" in text_of(page, ".govuk-error-summary")


def test_without_a_plan_the_review_asks_for_one(client, pupil):
    response = client.get(f"/pupils/{pupil.id}/reviews/new")
    assert response.location == f"/pupils/{pupil.id}/plan"


def test_extra_notes_do_not_push_attendance_past_the_timetable(pupil, teacher):
    """One timetabled session and three notes on that day: 1 of 1 attended, and the hours
    of all three notes delivered."""
    timetable_slot(pupil, 0, 10, 11)
    monday = date(2026, 11, 2)
    for start in (10, 12, 14):
        note(pupil, teacher, monday, start, start + 1)
    delivery = delivery_between(pupil, monday, monday)
    assert (delivery.sessions_delivered, delivery.sessions_timetabled) == (1, 1)
    assert delivery.minutes_delivered == 180
