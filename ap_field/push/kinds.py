"""The reminders ap-field sends, and what a kind of reminder is.

A kind is one function decorated with `@reminder_kind(...)`: given the moment of the tick,
it yields a `Due` for each person to remind of one object (a pupil's review, a visit).
Roles, opt-outs, claiming each reminder once, sending and retrying are shared (reminders.py).
A kind decides its own due date: a reminder is sent once per (kind, object, due date,
person), so "once a day at most" is a kind whose due date is the day it finds something.
Dates are the programme's, in Europe/London.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from ap_field.absences.queries import reported_since
from ap_field.attendance.clock import school_days_after
from ap_field.attendance.models import RegisterSession
from ap_field.attendance.queries import register_statuses
from ap_field.auth.models import STAFF_ROLES, Role, User
from ap_field.auth.queries import active_dsls
from ap_field.common.routing import path_for
from ap_field.common.time import LONDON, format_long_date
from ap_field.extensions import db
from ap_field.parents.queries import (
    RECENT_DAYS,
    disputes_since,
    parents_to_ask,
    replies_since,
    unanswered_since,
)
from ap_field.premises.compliance import SITE_CHECK_DUE_AHEAD
from ap_field.premises.models import SiteAction, SiteCheck
from ap_field.premises.queries import OUTSTANDING, checks_falling_due
from ap_field.pupils.models import CaseloadAssignment, Pupil, PupilStatus
from ap_field.pupils.queries import current_teachers
from ap_field.safeguarding.models import Concern
from ap_field.safeguarding.queries import new_concerns, unseen_too_long
from ap_field.visits.models import HomeVisit

# Who gets each kind, unless REMINDER_ROLES in the configuration says otherwise.
DEFAULT_ROLES: dict[str, set[Role]] = {
    "review_due": {Role.TEACHER},
    "review_overdue": {Role.TEACHER, Role.LEAD},
    "register_not_taken": {Role.TEACHER},
    "site_check_due": {Role.ASSESSOR, Role.LEAD},
    "site_check_overdue": {Role.ASSESSOR, Role.LEAD},
    # Staff who do an action themselves: its owner's email is their account's.
    "site_action_due": {Role.ASSESSOR, Role.LEAD, Role.ADMIN},
    "site_action_overdue": {Role.ASSESSOR},
    "check_out_overdue": {Role.TEACHER, Role.LEAD},
    "session_to_confirm": {Role.PARENT},
    # Only those of these roles with a safeguarding duty (and leads, for concern_unseen).
    "concern_recorded": set(STAFF_ROLES),
    "concern_unseen": set(STAFF_ROLES),
    "absence_reported": {Role.TEACHER, Role.LEAD},
    "session_disputed": {Role.TEACHER, Role.LEAD},
    "dispute_open": {Role.LEAD},
    "dispute_answered": {Role.PARENT},
}


@dataclass(frozen=True)
class Due:
    """One person to remind of one object. `body` and `url` go to the phone: no names."""

    object_id: int
    due_on: date
    user_id: int
    url: str
    body: str


@dataclass(frozen=True)
class ReminderKind:
    name: str
    label: str  # what the person turns on or off on the Reminders page
    title: str  # the notification's title
    urgency: str  # RFC 8030 section 5.3: very-low, low, normal or high
    find: Callable[[datetime], Iterable[Due]]
    # Who, of the roles that get it, may: everyone unless it says otherwise.
    audience: Callable[[User], bool] = lambda _user: True


KINDS: dict[str, ReminderKind] = {}


def reminder_kind(
    name: str,
    *,
    label: str,
    title: str,
    urgency: str = "normal",
    audience: Callable[[User], bool] | None = None,
) -> Callable:
    def register(find: Callable[[datetime], Iterable[Due]]):
        kind = ReminderKind(name, label, title, urgency, find)
        KINDS[name] = kind if audience is None else replace(kind, audience=audience)
        return find

    return register


# The programme's reminder rules (docs/architecture.md, "Reminders").
REVIEW_DUE_AHEAD = timedelta(days=2)
LEAD_AFTER_REVIEW_OVERDUE = timedelta(days=7)
LEAD_AFTER_CHECK_OUT_OVERDUE = timedelta(minutes=15)


def _leads() -> list[int]:
    return list(db.session.scalars(sa.select(User.id).where(User.role == Role.LEAD, User.active)))


def _reviews_with_teachers(*conditions) -> list[tuple[int, object, int]]:
    """(pupil id, review date, current teacher id) of open pupils whose review date matches."""
    return db.session.execute(
        sa.select(Pupil.id, Pupil.review_date, CaseloadAssignment.teacher_id)
        .join(
            CaseloadAssignment,
            sa.and_(CaseloadAssignment.pupil_id == Pupil.id, CaseloadAssignment.ended_on.is_(None)),
        )
        .where(Pupil.status != PupilStatus.CLOSED, *conditions)
    ).all()


@reminder_kind("review_due", label="A fortnightly review is due in 2 days", title="Review due")
def review_due(now: datetime) -> Iterator[Due]:
    """The pupil's teacher, from 2 days before the review date until the day itself."""
    today = now.astimezone(LONDON).date()
    for pupil_id, review_date, teacher_id in _reviews_with_teachers(
        Pupil.review_date >= today, Pupil.review_date <= today + REVIEW_DUE_AHEAD
    ):
        yield Due(
            pupil_id,
            review_date,
            teacher_id,
            path_for("plans.new_review", pupil_id=pupil_id),
            f"A fortnightly review is due on {format_long_date(review_date)}.",
        )


@reminder_kind(
    "review_overdue",
    label="A fortnightly review is overdue (leads: a week overdue)",
    title="Review overdue",
)
def review_overdue(now: datetime) -> Iterator[Due]:
    """The pupil's teacher the day after the review date; every lead a week later."""
    today = now.astimezone(LONDON).date()
    leads = _leads()
    for pupil_id, review_date, teacher_id in _reviews_with_teachers(Pupil.review_date < today):
        url = path_for("plans.new_review", pupil_id=pupil_id)
        body = f"A fortnightly review was due on {format_long_date(review_date)}."
        yield Due(pupil_id, review_date, teacher_id, url, body)
        if review_date + LEAD_AFTER_REVIEW_OVERDUE <= today:
            for lead_id in leads:
                yield Due(pupil_id, review_date, lead_id, url, body)


@reminder_kind(
    "check_out_overdue",
    label="A lone visit's check-out is overdue (leads: 15 minutes later)",
    title="Check-out overdue",
    urgency="high",
)
def check_out_overdue(now: datetime) -> Iterator[Due]:
    """The visitor once the expected finish passes without "I've left safely"; every lead
    15 minutes later. The visitor's link is Today, where their check-out button is."""
    leads = _leads()
    visits = db.session.execute(
        sa.select(
            HomeVisit.id,
            HomeVisit.pupil_id,
            HomeVisit.teacher_id,
            HomeVisit.expected_finish_at,
            User.role,
        )
        .join(User, User.id == HomeVisit.teacher_id)
        .where(
            HomeVisit.arrived_at.is_not(None),
            HomeVisit.left_at.is_(None),
            HomeVisit.expected_finish_at < now,
        )
    ).all()
    for visit_id, pupil_id, visitor_id, finish, visitor_role in visits:
        due_on = finish.astimezone(LONDON).date()
        visit_url = path_for("visits.show", pupil_id=pupil_id, visit_id=visit_id)
        own_url = path_for("sessions.today") if visitor_role == Role.TEACHER else visit_url
        yield Due(
            visit_id,
            due_on,
            visitor_id,
            own_url,
            "Your visit has passed its expected finish. Say you have left safely.",
        )
        if finish + LEAD_AFTER_CHECK_OUT_OVERDUE <= now:
            for lead_id in leads:
                yield Due(
                    visit_id,
                    due_on,
                    lead_id,
                    visit_url,
                    "A lone visit is 15 minutes past its expected finish with no check-out.",
                )


# A register is the teacher's block in one session: its object is the session.
REGISTER_OBJECT = {RegisterSession.AM: 1, RegisterSession.PM: 2}


@reminder_kind(
    "register_not_taken",
    label="A register is not taken by its due time",
    title="Register not taken",
)
def register_not_taken(now: datetime) -> Iterator[Due]:
    """The teacher whose block is not all marked once the session's due time has passed
    (REGISTER_AM_DUE, REGISTER_PM_DUE), on a school day."""
    london = now.astimezone(LONDON)
    today = london.date()
    for status in register_statuses(today, london):
        for session, overdue in status.overdue.items():
            if overdue:
                yield Due(
                    REGISTER_OBJECT[session],
                    today,
                    status.teacher.id,
                    path_for("attendance.register", date=today.isoformat(), session=session.value),
                    f"The {session.label} register is not taken yet.",
                )


def _site_check_reminders(checks: list[SiteCheck], body: str) -> Iterator[Due]:
    """The assessor who did a site's last check, if still active, and every lead."""
    leads = _leads()
    active_assessors = set(
        db.session.scalars(sa.select(User.id).where(User.role == Role.ASSESSOR, User.active))
    )
    url = path_for("premises.site_checks")
    for check in checks:
        people = [*leads, check.assessor_id] if check.assessor_id in active_assessors else leads
        due = format_long_date(check.next_due_on)
        for user_id in people:
            yield Due(check.site_id, check.next_due_on, user_id, url, body.format(due=due))


@reminder_kind("site_check_due", label="A site check is due within 30 days", title="Site check due")
def site_check_due(now: datetime) -> Iterator[Due]:
    today = now.astimezone(LONDON).date()
    due = [
        check
        for check in db.session.scalars(checks_falling_due(today + SITE_CHECK_DUE_AHEAD))
        if check.next_due_on >= today
    ]
    return _site_check_reminders(due, "A provider's site check is due on {due}.")


@reminder_kind("site_check_overdue", label="A site check is overdue", title="Site check overdue")
def site_check_overdue(now: datetime) -> Iterator[Due]:
    today = now.astimezone(LONDON).date()
    overdue = db.session.scalars(checks_falling_due(today - timedelta(days=1))).all()
    return _site_check_reminders(overdue, "A provider's site check was due on {due}.")


def _action_due(action_id: int, due_on: date, user_id: int, body: str) -> Due:
    url = path_for("premises.action", action_id=action_id)
    return Due(action_id, due_on, user_id, url, body.format(due=format_long_date(due_on)))


@reminder_kind(
    "site_action_due",
    label="A site check action you do is due tomorrow",
    title="Action due tomorrow",
)
def site_action_due(now: datetime) -> Iterator[Due]:
    """To a member of staff who owns an action (its owner's email is theirs) the day before."""
    tomorrow = now.astimezone(LONDON).date() + timedelta(days=1)
    for action_id, due_on, user_id in db.session.execute(
        sa.select(SiteAction.id, SiteAction.due_on, User.id)
        .join(User, User.email == sa.func.lower(SiteAction.owner_email))
        .where(SiteAction.status.in_(OUTSTANDING), SiteAction.due_on == tomorrow)
    ):
        yield _action_due(action_id, due_on, user_id, "A site check action is due on {due}.")


@reminder_kind(
    "site_action_overdue",
    label="An action from a site check you made is overdue",
    title="Action overdue",
)
def site_action_overdue(now: datetime) -> Iterator[Due]:
    """To the competent person who made the check, once, when the due date has passed."""
    today = now.astimezone(LONDON).date()
    for action_id, due_on, user_id in db.session.execute(
        sa.select(SiteAction.id, SiteAction.due_on, SiteCheck.assessor_id)
        .join(SiteCheck, SiteCheck.id == SiteAction.check_id)
        .where(SiteAction.status.in_(OUTSTANDING), SiteAction.due_on < today)
    ):
        yield _action_due(action_id, due_on, user_id, "A site check action was due on {due}.")


@reminder_kind(
    "session_to_confirm",
    label="A session is waiting for your answer",
    title="Session to confirm",
    urgency="low",
)
def session_to_confirm(now: datetime) -> Iterator[Due]:
    """A parent asked to confirm a session written today or yesterday: at most once a day,
    so each session is asked about on the day it is written and once more the next day."""
    today = now.astimezone(LONDON).date()
    for parent_id in parents_to_ask(today):
        yield Due(
            parent_id,
            today,
            parent_id,
            path_for("parents.my_child"),
            "Did a session happen as planned? Tell the teacher in one tap.",
        )


# A concern recorded this long ago and still not seen is left to concern_unseen.
CONCERN_TOLD_WITHIN = timedelta(days=2)
# What happened in the last day, told once: absences reported, disputes, answers to them.
TOLD_WITHIN_A_DAY = timedelta(days=1)
DISPUTE_OPEN_SCHOOL_DAYS = 2


def _dsls() -> list[int]:
    return [user.id for user in active_dsls()]


def _concern_due(concern: Concern, user_id: int, due_on: date, body: str) -> Due:
    url = path_for("safeguarding.show", pupil_id=concern.pupil_id, concern_id=concern.id)
    return Due(concern.id, due_on, user_id, url, body)


@reminder_kind(
    "concern_recorded",
    label="A safeguarding concern was recorded (DSLs)",
    title="Safeguarding concern",
    urgency="high",
    audience=lambda user: user.is_dsl,
)
def concern_recorded(now: datetime) -> Iterator[Due]:
    """Every DSL and deputy, once, for each concern not yet seen: no name, no content."""
    dsls = _dsls()
    for concern in new_concerns(now - CONCERN_TOLD_WITHIN):
        day = concern.created_at.astimezone(LONDON).date()
        for dsl_id in dsls:
            yield _concern_due(concern, dsl_id, day, "A safeguarding concern was recorded.")


@reminder_kind(
    "concern_unseen",
    label="A safeguarding concern is not yet seen (DSLs and leads)",
    title="Safeguarding concern not seen",
    urgency="high",
    audience=lambda user: user.is_dsl or user.role == Role.LEAD,
)
def concern_unseen(now: datetime) -> Iterator[Due]:
    """Every DSL and lead, once, for each concern nobody has seen within the working hours
    the programme allows (CONCERN_UNSEEN_HOURS)."""
    today = now.astimezone(LONDON).date()
    people = set(_dsls()) | set(_leads())
    for concern in unseen_too_long(now):
        for user_id in people:
            yield _concern_due(concern, user_id, today, "A safeguarding concern is not yet seen.")


@reminder_kind(
    "absence_reported",
    label="A parent reported an absence ahead",
    title="Absence reported",
)
def absence_reported(now: datetime) -> Iterator[Due]:
    """The child's teacher and every lead, once, for each absence a parent reported in the
    last day; the link is the register of its first session."""
    leads = _leads()
    reports = reported_since(now - TOLD_WITHIN_A_DAY)
    teachers = current_teachers([report.pupil_id for report in reports])
    for report in reports:
        teacher = teachers.get(report.pupil_id)
        url = path_for(
            "attendance.register",
            date=report.first_day.isoformat(),
            session=report.first_session.value,
            teacher=teacher.id if teacher else None,
        )
        day = report.created_at.astimezone(LONDON).date()
        body = f"A parent reported an absence: {report.sessions}."
        for user_id in dict.fromkeys([*([teacher.id] if teacher else []), *leads]):
            yield Due(report.id, day, user_id, url, body)


def _reply_url(dispute) -> str:
    return path_for(
        "parents.reply_to_parent", pupil_id=dispute.pupil_id, confirmation_id=dispute.id
    )


@reminder_kind(
    "session_disputed",
    label="A parent said a session did not happen",
    title="Session disputed",
)
def session_disputed(now: datetime) -> Iterator[Due]:
    """The session's teacher and every lead, once, for each "No" in the last day."""
    leads = _leads()
    for dispute in disputes_since(now - TOLD_WITHIN_A_DAY):
        url = _reply_url(dispute)
        day = dispute.created_at.astimezone(LONDON).date()
        body = "A parent said a session did not happen. Answer them."
        for user_id in dict.fromkeys([dispute.note.teacher_id, *leads]):
            yield Due(dispute.id, day, user_id, url, body)


@reminder_kind(
    "dispute_open",
    label="A parent's dispute is not answered after 2 school days (leads)",
    title="Dispute not answered",
)
def dispute_open(now: datetime) -> Iterator[Due]:
    """Every lead, once, for each dispute nobody has answered after 2 school days."""
    today = now.astimezone(LONDON).date()
    leads = _leads()
    for dispute in unanswered_since(now - timedelta(days=RECENT_DAYS)):
        opened = dispute.created_at.astimezone(LONDON).date()
        due_on = school_days_after(opened, DISPUTE_OPEN_SCHOOL_DAYS)
        if due_on > today:
            continue
        for user_id in leads:
            body = "A parent's dispute is not answered yet."
            yield Due(dispute.id, due_on, user_id, _reply_url(dispute), body)


@reminder_kind(
    "dispute_answered",
    label="Your child's teacher answered you",
    title="Your answer",
)
def dispute_answered(now: datetime) -> Iterator[Due]:
    """The parent who said "No", once, when staff answer them."""
    for reply in replies_since(now - TOLD_WITHIN_A_DAY):
        dispute = reply.confirmation
        url = path_for("parents.session_answer", pupil_id=dispute.pupil_id, note_id=dispute.note_id)
        day = reply.created_at.astimezone(LONDON).date()
        yield Due(reply.id, day, dispute.parent_id, url, "Your child's teacher answered you.")
