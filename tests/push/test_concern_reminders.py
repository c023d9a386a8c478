"""Safeguarding concerns reach every DSL's phone when recorded, and every DSL's and lead's
when nobody has seen them within two working hours: no name and no content in either."""

from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role, SafeguardingRole
from ap_field.common.time import LONDON
from ap_field.extensions import db
from ap_field.pupils.services import assign
from ap_field.push.models import Reminder
from ap_field.push.reminders import kinds_for, tick
from ap_field.safeguarding.services import mark_seen
from tests.safeguarding.helpers import make_concern

MONDAY = date(2026, 11, 23)
SECRET = "Bruise on the left forearm"


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON).astimezone(UTC)


@pytest.fixture
def dsl(make_user):
    return make_user(Role.LEAD, safeguarding_role=SafeguardingRole.DSL)


@pytest.fixture
def concern_at(clock, make_pupil, teacher, registers_not_due):
    def make(moment: datetime):
        clock.set(moment)
        pupil = make_pupil(legal_name="Jayden Clarke")
        assign(pupil, teacher, None)
        return make_concern(pupil, teacher, what_happened=SECRET)

    return make


def _kinds_sent() -> list[tuple[str, int]]:
    return sorted(
        tuple(row) for row in db.session.execute(sa.select(Reminder.kind, Reminder.user_id))
    )


def test_every_dsl_is_pushed_a_recorded_concern_without_a_name(
    app, concern_at, dsl, make_user, teacher, lead, subscribed, push_service
):
    deputy = make_user(Role.TEACHER, safeguarding_role=SafeguardingRole.DEPUTY)
    devices = {dsl.id: subscribed(dsl), deputy.id: subscribed(deputy)}
    subscribed(teacher)
    subscribed(lead)
    concern = concern_at(london(MONDAY, 10))

    tick(london(MONDAY, 10, 5))

    assert _kinds_sent() == sorted([("concern_recorded", dsl.id), ("concern_recorded", deputy.id)])
    for device in devices.values():
        [received] = push_service.to(device)
        message = device.decrypt(received.body)
        assert message["url"] == f"/pupils/{concern.pupil_id}/concerns/{concern.id}"
        assert "Jayden" not in str(message)
        assert SECRET not in str(message)
        assert received.headers["urgency"] == "high"


def test_a_concern_seen_before_the_tick_is_not_pushed(app, concern_at, dsl, subscribed):
    subscribed(dsl)
    concern = concern_at(london(MONDAY, 10))
    mark_seen(concern, dsl, concern.version)

    tick(london(MONDAY, 10, 5))

    assert _kinds_sent() == []


def test_unseen_after_two_working_hours_every_dsl_and_lead_hear_again(
    app, concern_at, dsl, lead, teacher, subscribed
):
    subscribed(dsl)
    subscribed(lead)
    subscribed(teacher)
    concern_at(london(MONDAY, 10))

    tick(london(MONDAY, 11, 55))
    assert [kind for kind, _ in _kinds_sent()] == ["concern_recorded"]
    tick(london(MONDAY, 12, 0))
    tick(london(MONDAY, 12, 5))

    assert _kinds_sent() == sorted(
        [("concern_recorded", dsl.id), ("concern_unseen", dsl.id), ("concern_unseen", lead.id)]
    )


def test_working_hours_leave_out_the_night_and_the_weekend(app, concern_at, dsl, subscribed):
    subscribed(dsl)
    friday = date(2026, 11, 27)
    concern_at(london(friday, 17, 30))

    tick(london(friday, 23, 0))
    tick(london(date(2026, 11, 30), 9, 29))
    assert "concern_unseen" not in {kind for kind, _ in _kinds_sent()}
    tick(london(date(2026, 11, 30), 9, 30))
    assert "concern_unseen" in {kind for kind, _ in _kinds_sent()}


def test_only_dsls_are_offered_the_concern_reminders(dsl, make_user, lead):
    teacher = make_user(Role.TEACHER)
    assert "concern_recorded" in {kind.name for kind in kinds_for(dsl)}
    assert "concern_recorded" not in {kind.name for kind in kinds_for(teacher)}
    assert "concern_unseen" not in {kind.name for kind in kinds_for(teacher)}
    assert "concern_unseen" in {kind.name for kind in kinds_for(lead)}
