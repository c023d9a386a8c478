"""Reminders from registers, site checks and parents' answers: the teacher whose register
is late, the assessor and leads before and after a site check falls due, and a parent with
a session to confirm, once a day at most."""

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from ap_field.attendance.models import RegisterSession
from ap_field.attendance.services import MarkValues, record_mark
from ap_field.auth.models import Role
from ap_field.calendars.models import EventKind
from ap_field.calendars.services import add_calendar, add_event
from ap_field.common.time import LONDON, london_today, utcnow
from ap_field.extensions import db
from ap_field.parents.models import Answer
from ap_field.parents.services import confirm_session
from ap_field.plans.models import Focus, Mode
from ap_field.premises.models import Answer as CheckAnswerChoice
from ap_field.premises.models import CheckOutcome
from ap_field.premises.services import sign_off
from ap_field.pupils.services import assign
from ap_field.push.models import Reminder
from ap_field.push.reminders import tick
from ap_field.sessions.services import write_note
from tests.premises.helpers import answer_everything, make_check

MONDAY = date(2026, 11, 23)


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON).astimezone(UTC)


def reminded() -> list[tuple[str, int, int, date]]:
    return sorted(
        tuple(row)
        for row in db.session.execute(
            sa.select(Reminder.kind, Reminder.user_id, Reminder.object_id, Reminder.due_on)
        )
    )


@pytest.fixture
def mid_morning(clock):
    """10:00 on a Wednesday, set before anything is made: ticks a few minutes apart fall on
    the same day, whenever the suite runs."""
    clock(10)


@pytest.fixture
def block(make_pupil, teacher, lead):
    pupil = make_pupil()
    assign(pupil, teacher, lead)
    return pupil


def test_a_teacher_hears_of_a_register_not_taken_by_its_due_time(app, block, teacher, subscribed):
    subscribed(teacher)
    tick(london(MONDAY, 9, 59))
    assert reminded() == []

    tick(london(MONDAY, 10, 0))
    tick(london(MONDAY, 11, 30))
    assert reminded() == [("register_not_taken", teacher.id, 1, MONDAY)]

    record_mark(
        block,
        MarkValues(MONDAY, RegisterSession.PM, "\\", None, None),
        teacher,
        None,
        uuid.uuid4(),
    )
    tick(london(MONDAY, 14, 0))
    assert len(reminded()) == 1, "the PM register is taken"


def test_no_register_reminder_on_a_day_the_pupils_school_is_closed(app, block, teacher, subscribed):
    subscribed(teacher)
    calendar = add_calendar({"la_code": "881", "name": "Northshire term dates"}, uuid.uuid4())
    closure = {"kind": EventKind.INSET_DAY, "first_day": MONDAY, "last_day": MONDAY}
    add_event(
        calendar,
        closure | {"description": "Training day", "school_id": block.school_id},
        uuid.uuid4(),
    )
    tick(london(MONDAY, 11, 30))
    tick(london(MONDAY, 15, 0))
    assert reminded() == []

    tick(london(MONDAY + timedelta(days=1), 11, 30))
    assert reminded() == [("register_not_taken", teacher.id, 1, MONDAY + timedelta(days=1))]


def test_no_register_reminder_at_a_weekend(app, block, teacher, subscribed):
    subscribed(teacher)
    tick(london(MONDAY - timedelta(days=1), 15))
    assert reminded() == []


def test_the_assessor_and_leads_hear_of_a_site_check_30_days_ahead_and_once_overdue(
    app, make_user, lead, subscribed
):
    assessor = make_user(Role.ASSESSOR)
    other_assessor = make_user(Role.ASSESSOR)
    for person in (assessor, other_assessor, lead):
        subscribed(person)
    check = make_check(assessor)
    answer_everything(check)
    sign_off(
        check,
        {"outcome": CheckOutcome.SATISFACTORY, "competence_statement": "IOSH Managing Safely"},
        check.version,
    )
    due_on = check.next_due_on

    tick(london(due_on - timedelta(days=31), 9))
    assert reminded() == []

    tick(london(due_on - timedelta(days=30), 9))
    assert reminded() == sorted(
        ("site_check_due", person.id, check.site_id, due_on) for person in (assessor, lead)
    )

    tick(london(due_on + timedelta(days=1), 9))
    overdue = [row for row in reminded() if row[0] == "site_check_overdue"]
    assert overdue == sorted(
        ("site_check_overdue", person.id, check.site_id, due_on) for person in (assessor, lead)
    )


def delivered(pupil, teacher, held_on):
    return write_note(
        pupil,
        teacher,
        {
            "held_on": held_on,
            "starts_at": time(10),
            "ends_at": time(12),
            "mode": Mode.FACE_TO_FACE,
            "focus": Focus.ENGLISH,
            "place": "Library",
            "planned_minutes": 120,
            "engagement": 4,
            "progress": "Read two chapters",
            "wellbeing": "Settled",
            "next_steps": "Comprehension",
        },
        [],
        uuid.uuid4(),
    )


def test_a_parent_with_a_session_to_confirm_is_reminded_once_a_day(
    mid_morning, app, block, teacher, make_parent, subscribed
):
    parent = make_parent(block)
    not_asked = make_parent(block, may_confirm=False)
    subscribed(parent)
    subscribed(not_asked)
    yesterday = london_today() - timedelta(days=1)
    note = delivered(block, teacher, yesterday)
    delivered(block, teacher, yesterday - timedelta(days=1))

    tick()
    tick(utcnow() + timedelta(minutes=5))
    today = london_today()
    assert reminded() == [("session_to_confirm", parent.id, parent.id, today)]

    confirm_session(note, parent, Answer.CONFIRMED, "", uuid.uuid4())
    tick(utcnow() + timedelta(days=1))
    assert [row[3] for row in reminded()] == [today, today + timedelta(days=1)]


def test_a_parent_who_answered_everything_is_not_reminded(
    mid_morning, app, block, teacher, make_parent, subscribed
):
    parent = make_parent(block)
    subscribed(parent)
    note = delivered(block, teacher, london_today() - timedelta(days=1))
    confirm_session(note, parent, Answer.CONFIRMED, "", uuid.uuid4())
    tick()
    assert reminded() == []


def test_an_action_reminds_its_staff_owner_the_day_before_and_its_assessor_once_overdue(
    app, make_user, lead, subscribed
):
    assessor = make_user(Role.ASSESSOR)
    owner = make_user(Role.ADMIN, email="estates@example.org")
    for person in (assessor, owner, lead):
        subscribed(person)
    check = make_check(assessor)
    answer_everything(check, CheckAnswerChoice.NO)
    for answer in check.answers:
        answer.action_owner_email = "Estates@Example.org"
    db.session.commit()
    sign_off(
        check,
        {"outcome": CheckOutcome.ACTIONS_REQUIRED, "competence_statement": "IOSH"},
        check.version,
    )
    action = check.actions[0]
    due_on = action.due_on

    tick(london(due_on - timedelta(days=2), 9))
    assert [row for row in reminded() if row[0].startswith("site_action")] == []

    tick(london(due_on - timedelta(days=1), 9))
    due = [row for row in reminded() if row[0] == "site_action_due"]
    assert ("site_action_due", owner.id, action.id, due_on) in due
    assert {row[1] for row in due} == {owner.id}

    tick(london(due_on + timedelta(days=1), 9))
    overdue = [row for row in reminded() if row[0] == "site_action_overdue"]
    assert ("site_action_overdue", assessor.id, action.id, due_on) in overdue
    assert {row[1] for row in overdue} == {assessor.id}
