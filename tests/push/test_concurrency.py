"""Ticks from two cron jobs (or two hosts) at once still send each reminder once. Run with
TEST_DATABASE_URL to see it on PostgreSQL, where pending rows are claimed with SKIP LOCKED."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from ap_field.common.time import london_today, utcnow
from ap_field.extensions import db
from ap_field.pupils.services import assign
from ap_field.push.models import Reminder, ReminderState
from ap_field.push.reminders import tick

pytestmark = [pytest.mark.usefixtures("registers_not_due"), pytest.mark.real_commits]

TICKS = 3


def test_ticks_running_at_once_send_each_reminder_once(
    app: Flask, make_pupil, teacher, lead, subscribed, push_service
):
    for days in (-9, -1, 1, 2):
        assign(make_pupil(review_date=london_today() + timedelta(days=days)), teacher, None)
    teacher_phone, lead_phone = subscribed(teacher), subscribed(lead)
    push_service.delay = 0.1  # every send overlaps with the other ticks' work
    statements: list[str] = []
    sa.event.listen(db.engine, "before_cursor_execute", _recorder(statements))
    start, now, reports = threading.Barrier(TICKS), utcnow(), []

    def run() -> None:
        with app.app_context():
            start.wait()
            reports.append(tick(now))

    threads = [threading.Thread(target=run) for _ in range(TICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # The teacher: two due soon, two overdue; the lead: the one 9 days overdue.
    assert len(push_service.to(teacher_phone)) == 4
    assert len(push_service.to(lead_phone)) == 1
    assert sum(report.sent for report in reports) == 5
    assert sum(report.errors for report in reports) == 0
    ids = [teacher_phone.decrypt(r.body)["id"] for r in push_service.to(teacher_phone)]
    assert len(set(ids)) == 4
    states = set(db.session.scalars(sa.select(Reminder.state)))
    assert states == {ReminderState.SENT}
    if db.engine.dialect.name == "postgresql":
        assert any("FOR UPDATE SKIP LOCKED" in statement for statement in statements)
        assert any("ON CONFLICT" in statement for statement in statements)


def _recorder(statements: list[str]):
    def record(_connection, _cursor, statement, *_args) -> None:
        statements.append(statement)

    return record
