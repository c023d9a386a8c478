"""What the tick does when a push service says no: gone devices are removed, busy services
are asked again later, anything else is counted and logged, and the tick carries on."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ap_field.common.time import london_today, utcnow
from ap_field.extensions import db
from ap_field.pupils.services import assign
from ap_field.push.models import PushSubscription, Reminder, ReminderState
from ap_field.push.reminders import tick

pytestmark = pytest.mark.usefixtures("registers_not_due")


@pytest.fixture
def review_due(make_pupil, teacher):
    pupil = make_pupil(review_date=london_today() + timedelta(days=1))
    assign(pupil, teacher, None)
    return pupil


def devices() -> list[PushSubscription]:
    return list(db.session.scalars(sa.select(PushSubscription)))


def the_reminder() -> Reminder:
    db.session.expire_all()
    return db.session.scalar(sa.select(Reminder))


@pytest.mark.parametrize("status", [404, 410])
def test_a_device_the_push_service_no_longer_knows_is_removed(
    app, review_due, teacher, subscribed, push_service, status
):
    device = subscribed(teacher)
    push_service.answer(device, status)

    report = tick()

    assert devices() == []
    assert (report.claimed, report.undelivered) == (1, 1)
    assert the_reminder().state == ReminderState.UNDELIVERED


def test_too_many_requests_is_retried_on_a_later_tick_not_before_retry_after(
    app, review_due, teacher, subscribed, push_service
):
    device = subscribed(teacher)
    push_service.answer(device, 429, Retry_After=600)
    now = utcnow()

    first = tick(now)
    assert (first.claimed, first.retrying) == (1, 1)
    assert the_reminder().state == ReminderState.PENDING
    later = tick(now + timedelta(minutes=5))
    assert (later.claimed, later.sent) == (0, 0), "claimed once, on both databases"
    assert len(push_service.to(device)) == 1

    assert tick(now + timedelta(minutes=11)).sent == 1
    assert len(push_service.to(device)) == 2
    assert the_reminder().state == ReminderState.SENT
    [kept] = devices()
    assert kept.failure_count == 0


@pytest.mark.parametrize(
    ("retry_after", "waits"),
    [("²", timedelta(minutes=1)), ("9" * 30, timedelta(days=1)), ("soon", timedelta(minutes=1))],
)
def test_a_retry_after_that_is_not_a_number_of_seconds_is_read_safely(
    app, review_due, teacher, subscribed, push_service, retry_after, waits
):
    """Non-ASCII digits and nonsense count as no advice; a huge number waits a day."""
    device = subscribed(teacher)
    push_service.answer(device, 429, Retry_After=retry_after)
    now = utcnow()

    assert tick(now).retrying == 1
    assert the_reminder().not_before == now + waits


def test_a_retry_goes_only_to_the_devices_that_did_not_get_it(
    app, review_due, teacher, subscribed, push_service
):
    phone, laptop = subscribed(teacher), subscribed(teacher)
    push_service.answer(laptop, 503)
    now = utcnow()

    tick(now)
    tick(now + timedelta(minutes=2))

    assert len(push_service.to(phone)) == 1
    assert len(push_service.to(laptop)) == 2
    assert the_reminder().state == ReminderState.SENT


def test_other_refusals_are_counted_and_logged_and_the_tick_goes_on(
    app, make_pupil, review_due, teacher, lead, subscribed, push_service, caplog
):
    refused = subscribed(teacher)
    push_service.answer(refused, 400)
    push_service.answer(refused, 403)
    other = make_pupil(review_date=london_today() - timedelta(days=8))
    assign(other, teacher, None)
    lead_device = subscribed(lead)

    report = tick()

    assert report.errors == 0
    assert len(push_service.to(lead_device)) == 1
    failed = db.session.get(PushSubscription, refused_id(refused))
    assert failed.failure_count == 2
    assert "refused: 400" in caplog.text
    assert "refused: 403" in caplog.text
    states = db.session.scalars(sa.select(Reminder.state).where(Reminder.user_id == teacher.id))
    assert set(states) == {ReminderState.UNDELIVERED}


def refused_id(device) -> int:
    return db.session.scalar(
        sa.select(PushSubscription.id).where(PushSubscription.endpoint == device.endpoint)
    )


def test_a_push_service_that_does_not_answer_is_retried(
    app, review_due, teacher, subscribed, push_service, new_device
):
    device = subscribed(teacher)
    db.session.scalar(sa.select(PushSubscription)).endpoint = "http://127.0.0.1:9/push/closed"
    db.session.commit()

    report = tick()

    assert report.retrying == 1
    assert report.errors == 0
    assert the_reminder().state == ReminderState.PENDING
    assert devices()[0].failure_count == 1
    assert push_service.to(device) == []


def test_a_reminder_that_keeps_failing_is_given_up(
    app, review_due, teacher, subscribed, push_service
):
    device = subscribed(teacher)
    for _ in range(10):
        push_service.answer(device, 500)
    now = utcnow()
    for minutes in range(0, 60, 5):
        tick(now + timedelta(minutes=minutes))

    assert the_reminder().state == ReminderState.UNDELIVERED
    assert 1 < len(push_service.to(device)) <= 6
