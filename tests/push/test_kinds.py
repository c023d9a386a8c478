"""Who is reminded of what, and when: reviews (the teacher, then leads a week overdue), lone
visits past their finish (the visitor, then leads 15 minutes later), dates in London."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.common.time import london_today, utcnow
from ap_field.extensions import db
from ap_field.pupils.models import PupilStatus
from ap_field.pupils.services import assign
from ap_field.push.models import Reminder
from ap_field.push.reminders import tick
from ap_field.push.services import choose_kinds
from ap_field.visits.models import VisitPlace, VisitPurpose
from ap_field.visits.services import arrive, create_visit

pytestmark = pytest.mark.usefixtures("registers_not_due")


def reminded() -> set[tuple[str, int]]:
    """(kind, person) of every reminder claimed so far."""
    return {tuple(row) for row in db.session.execute(sa.select(Reminder.kind, Reminder.user_id))}


@pytest.fixture
def pupil_reviewed(make_pupil, teacher):
    def make(review_date: date, **values):
        pupil = make_pupil(review_date=review_date, **values)
        assign(pupil, teacher, None)
        return pupil

    return make


@pytest.mark.parametrize(
    ("days_ahead", "expected"),
    [(3, set()), (2, {"review_due"}), (0, {"review_due"}), (-1, {"review_overdue"})],
)
def test_the_teacher_is_reminded_2_days_before_a_review_and_once_it_is_overdue(
    app, pupil_reviewed, teacher, subscribed, days_ahead, expected
):
    subscribed(teacher)
    pupil_reviewed(london_today() + timedelta(days=days_ahead))
    tick()
    assert reminded() == {(kind, teacher.id) for kind in expected}


@pytest.mark.parametrize(("days_overdue", "lead_told"), [(6, False), (7, True), (30, True)])
def test_leads_hear_of_a_review_a_week_overdue(
    app, pupil_reviewed, teacher, lead, subscribed, days_overdue, lead_told
):
    subscribed(teacher)
    subscribed(lead)
    pupil_reviewed(london_today() - timedelta(days=days_overdue))
    tick()
    assert ((("review_overdue", lead.id)) in reminded()) is lead_told
    assert ("review_overdue", teacher.id) in reminded()


def test_closed_pupils_and_people_without_a_device_get_no_reminder(
    app, make_pupil, pupil_reviewed, teacher, make_user, push_service
):
    pupil_reviewed(london_today() - timedelta(days=10), status=PupilStatus.CLOSED)
    pupil_reviewed(london_today() - timedelta(days=10))
    make_user(Role.LEAD)
    report = tick()
    assert report.claimed == 0
    assert push_service.received == []


def test_a_kind_the_person_turned_off_is_not_sent(app, pupil_reviewed, teacher, subscribed):
    device = subscribed(teacher)
    choose_kinds(teacher, ["review_due", "review_overdue"], ["review_overdue"])
    pupil_reviewed(london_today() + timedelta(days=1))
    tick()
    assert reminded() == set()
    assert device


def test_the_roles_for_a_kind_can_be_configured(app, pupil_reviewed, teacher, lead, subscribed):
    app.config["REMINDER_ROLES"] = {"review_overdue": ["teacher"]}
    subscribed(teacher)
    subscribed(lead)
    pupil_reviewed(london_today() - timedelta(days=10))
    tick()
    assert reminded() == {("review_overdue", teacher.id)}


@pytest.fixture
def visit_under_way(make_pupil, teacher):
    """A visit the teacher arrived at, expected to finish at `finish`."""

    def make(finish: datetime, visitor=None):
        pupil = make_pupil()
        assign(pupil, teacher, None)
        visit = create_visit(
            pupil,
            visitor or teacher,
            {
                "starts_at": finish - timedelta(hours=1),
                "place": VisitPlace.HOME,
                "address": "14 Mill Lane",
                "purpose": VisitPurpose.WELFARE,
            },
        )
        arrive(visit, visitor or teacher, finish - timedelta(hours=1), finish)
        return visit

    return make


def test_a_visit_past_its_finish_reminds_the_visitor_then_leads_15_minutes_later(
    app, visit_under_way, teacher, lead, subscribed, push_service
):
    teacher_phone, lead_phone = subscribed(teacher), subscribed(lead)
    finish = utcnow().replace(microsecond=0) - timedelta(minutes=1)
    visit = visit_under_way(finish)

    tick(finish - timedelta(minutes=1))
    assert reminded() == set()
    tick(finish + timedelta(minutes=1))
    assert reminded() == {("check_out_overdue", teacher.id)}
    tick(finish + timedelta(minutes=14))
    assert reminded() == {("check_out_overdue", teacher.id)}
    tick(finish + timedelta(minutes=15))
    assert reminded() == {("check_out_overdue", teacher.id), ("check_out_overdue", lead.id)}

    [to_teacher] = push_service.to(teacher_phone)
    [to_lead] = push_service.to(lead_phone)
    assert to_teacher.headers["urgency"] == to_lead.headers["urgency"] == "high"
    assert teacher_phone.decrypt(to_teacher.body)["url"] == "/today"
    assert lead_phone.decrypt(to_lead.body)["url"] == (
        f"/pupils/{visit.pupil_id}/visits/{visit.id}"
    )


def test_a_lead_on_a_visit_is_reminded_once_and_sent_to_the_visit(
    app, visit_under_way, lead, subscribed, push_service
):
    phone = subscribed(lead)
    finish = utcnow().replace(microsecond=0) - timedelta(hours=1)
    visit = visit_under_way(finish, visitor=lead)
    tick()
    tick()
    [message] = push_service.to(phone)
    assert phone.decrypt(message.body)["body"].startswith("Your visit")
    assert phone.decrypt(message.body)["url"] == f"/pupils/{visit.pupil_id}/visits/{visit.id}"


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# The clocks change at 01:00 UTC: 29 March 2026 forward to BST, 25 October 2026 back to GMT.
@pytest.mark.parametrize(
    ("review_date", "last_moment_before", "first_moment_on"),
    [
        (date(2026, 10, 27), utc(2026, 10, 24, 22, 59), utc(2026, 10, 24, 23, 0)),
        (date(2026, 3, 31), utc(2026, 3, 28, 23, 59), utc(2026, 3, 29, 0, 0)),
    ],
)
def test_a_reminder_due_on_the_day_the_clocks_change_is_sent_once_that_day(
    app,
    pupil_reviewed,
    teacher,
    subscribed,
    push_service,
    review_date,
    last_moment_before,
    first_moment_on,
):
    """Two days before the review is the day the clocks change; London's day begins at
    23:00 UTC the evening before in October (BST) and at midnight UTC in March (GMT)."""
    device = subscribed(teacher)
    pupil_reviewed(review_date)

    tick(last_moment_before)
    assert push_service.to(device) == []

    tick(first_moment_on)
    for hour in range(1, 24):
        tick(first_moment_on + timedelta(hours=hour))

    [request] = push_service.to(device)
    assert device.decrypt(request.body)["title"] == "Review due"
    [claimed_at] = db.session.scalars(sa.select(Reminder.claimed_at))
    assert claimed_at == first_moment_on
