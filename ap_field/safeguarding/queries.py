"""Reading concerns. A concern's content is for DSLs and the person who recorded it; anyone
else is answered 404, as for a pupil they may not see (docs/architecture.md, "Safeguarding")."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import groupby
from operator import attrgetter

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, current_app

from ap_field.attendance.codes import CODES, short_label
from ap_field.attendance.models import AttendanceMark, LocalAuthorityReport
from ap_field.audit.models import AuditEvent
from ap_field.auth.models import User
from ap_field.common.time import LONDON, london_today
from ap_field.extensions import db
from ap_field.pupils.models import CaseloadAssignment, Pupil
from ap_field.pupils.queries import is_in_scope
from ap_field.safeguarding.models import Concern, ConcernStatus

# A teacher whose placement with a pupil ended this recently may still record a concern that
# waited on their phone: it is accepted and marked as recorded after the placement ended.
LATE_RECORDING = timedelta(days=30)


def pupil_for_new_concern_or_404(user: User, pupil_id: int) -> tuple[Pupil, bool]:
    """The pupil a concern is recorded about, and whether the recorder's placement with them
    had ended. DSLs may record about any pupil, others about pupils they may see or recently
    could."""
    pupil = db.get_or_404(Pupil, pupil_id)
    if user.is_dsl or is_in_scope(user, pupil):
        return pupil, False
    ended = db.session.scalar(
        sa.select(CaseloadAssignment.ended_on)
        .where(
            CaseloadAssignment.pupil_id == pupil.id,
            CaseloadAssignment.teacher_id == user.id,
            CaseloadAssignment.ended_on.is_not(None),
        )
        .order_by(CaseloadAssignment.ended_on.desc())
        .limit(1)
    )
    if ended is None or ended < london_today() - LATE_RECORDING:
        abort(404)
    return pupil, True


def may_read(user: User, concern: Concern) -> bool:
    return user.is_dsl or concern.recorded_by_id == user.id


def concern_or_404(user: User, pupil_id: int, concern_id: int) -> Concern:
    """A concern of this pupil whose content `user` may read, with its pupil."""
    concern = db.first_or_404(
        sa.select(Concern)
        .where(Concern.id == concern_id, Concern.pupil_id == pupil_id)
        .options(so.joinedload(Concern.pupil), so.joinedload(Concern.recorded_by))
    )
    if not may_read(user, concern):
        abort(404)
    return concern


def linked_record(model: type, record_id: int | None, pupil: Pupil):
    """The pupil's visit or note a concern was raised from, if the id names one."""
    if record_id is None:
        return None
    return db.session.scalar(
        sa.select(model).where(model.id == record_id, model.pupil_id == pupil.id)
    )


def concerns_raised_from(visit=None, note=None) -> list[Concern]:
    """The concerns raised from a home visit or a session note, oldest first: the page of the
    visit or note names them, and links to those its reader may read."""
    linked = Concern.visit_id == visit.id if visit is not None else Concern.note_id == note.id
    return list(db.session.scalars(sa.select(Concern).where(linked).order_by(Concern.created_at)))


def open_concerns() -> list[Concern]:
    """The DSL's list: every concern not closed, unseen ones first, then oldest first."""
    return list(
        db.session.scalars(
            sa.select(Concern)
            .where(Concern.status != ConcernStatus.CLOSED)
            .options(so.joinedload(Concern.pupil), so.joinedload(Concern.recorded_by))
            .order_by((Concern.status == ConcernStatus.NEW).desc(), Concern.created_at, Concern.id)
        )
    )


def recently_closed(since: datetime) -> list[Concern]:
    return list(
        db.session.scalars(
            sa.select(Concern)
            .where(Concern.status == ConcernStatus.CLOSED, Concern.closed_at >= since)
            .options(so.joinedload(Concern.pupil))
            .order_by(Concern.closed_at.desc())
        )
    )


def concerns_recorded_by(user: User, pupil: Pupil) -> list[Concern]:
    """What this person recorded about the pupil, newest first: theirs to read again."""
    return list(
        db.session.scalars(
            sa.select(Concern)
            .where(Concern.pupil_id == pupil.id, Concern.recorded_by_id == user.id)
            .order_by(Concern.created_at.desc())
        )
    )


def concerns_of(pupil: Pupil) -> list[Concern]:
    return list(
        db.session.scalars(
            sa.select(Concern)
            .where(Concern.pupil_id == pupil.id)
            .options(
                so.selectinload(Concern.actions),
                so.selectinload(Concern.addenda),
                so.selectinload(Concern.closures),
                so.joinedload(Concern.recorded_by),
                so.joinedload(Concern.seen_by),
            )
            .order_by(Concern.created_at, Concern.id)
        )
    )


def readers_of(concern: Concern) -> list[AuditEvent]:
    """Each time someone read the concern, newest first."""
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(
                AuditEvent.event == "concern.read",
                AuditEvent.pupil_id == concern.pupil_id,
                AuditEvent.details["concern_id"].as_integer() == concern.id,
            )
            .options(so.joinedload(AuditEvent.actor))
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        )
    )


def unseen_since(before: datetime) -> list[Concern]:
    """Concerns nobody has marked seen, recorded (as they reached us) before `before`."""
    return list(
        db.session.scalars(
            sa.select(Concern)
            .where(Concern.status == ConcernStatus.NEW, Concern.created_at <= before)
            .order_by(Concern.id)
        )
    )


def working_hours_after(start: datetime, hours: float) -> datetime:
    """The moment `hours` of the programme's working day (Monday to Friday, WORKING_DAY on
    the London clock) have passed since `start`."""
    opens, closes = current_app.config["WORKING_DAY"]
    left = timedelta(hours=hours)
    moment = start.astimezone(LONDON)
    while True:
        day_opens = moment.replace(hour=opens.hour, minute=opens.minute, second=0, microsecond=0)
        day_closes = moment.replace(hour=closes.hour, minute=closes.minute, second=0, microsecond=0)
        if moment.weekday() < 5 and moment < day_closes:
            moment = max(moment, day_opens)
            if moment + left <= day_closes:
                return moment + left
            left -= day_closes - moment
        moment = (moment + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


def unseen_too_long(now: datetime) -> list[Concern]:
    """Concerns nobody has seen within CONCERN_UNSEEN_HOURS working hours of arriving."""
    hours = current_app.config["CONCERN_UNSEEN_HOURS"]
    return [
        concern
        for concern in unseen_since(now)
        if working_hours_after(concern.created_at, hours) <= now
    ]


def new_concerns(since: datetime) -> list[Concern]:
    return list(
        db.session.scalars(
            sa.select(Concern)
            .where(Concern.status == ConcernStatus.NEW, Concern.created_at >= since)
            .order_by(Concern.id)
        )
    )


def unseen_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Concern.id)).where(Concern.status == ConcernStatus.NEW)
    )


@dataclass(frozen=True)
class Event:
    """A line of a pupil's safeguarding chronology: on a day, or at a moment."""

    at: datetime | date
    what: str
    detail: str = ""

    @property
    def moment(self) -> datetime:
        if isinstance(self.at, datetime):
            return self.at
        return datetime.combine(self.at, time.min, tzinfo=LONDON)


def pupil_for_dsl_or_404(pupil_id: int) -> Pupil:
    """DSLs read the safeguarding record of any pupil."""
    return db.get_or_404(Pupil, pupil_id)


def chronology(pupil: Pupil) -> tuple[list[Event], list[Concern]]:
    """The pupil's safeguarding chronology, oldest first, and the concerns it shows."""
    concerns = concerns_of(pupil)
    events = key_events(pupil)
    for concern in concerns:
        events += concern_events(concern)
    return sorted(events, key=lambda event: event.moment), concerns


def concern_events(concern: Concern) -> list[Event]:
    events = [
        Event(
            concern.recorded_at,
            f"Concern {concern.reference} recorded by {concern.recorded_by.name}",
            ", ".join(concern.category_labels),
        )
    ]
    if concern.seen_at:
        events.append(Event(concern.seen_at, f"Concern {concern.reference} seen by a DSL"))
    events += [
        Event(action.taken_on, f"{action.kind.label} ({concern.reference})", action.note)
        for action in concern.actions
    ]
    events += [
        Event(addendum.created_at, f"Added to {concern.reference}", addendum.text)
        for addendum in concern.addenda
    ]
    for closure in concern.closures:
        detail = f"{closure.outcome.label}. {closure.rationale}"
        events.append(Event(closure.closed_at, f"Concern {concern.reference} closed", detail))
        if closure.reopened_at:
            reopened = f"Concern {concern.reference} reopened"
            events.append(Event(closure.reopened_at, reopened, closure.reopen_reason or ""))
    return events


def key_events(pupil: Pupil) -> list[Event]:
    """Placements starting and ending, missed sessions and reports to the local authority,
    for the safeguarding chronology."""
    events = []
    for assignment in _assignments(pupil):
        teacher = assignment.teacher.name
        events.append(Event(assignment.started_on, f"Placement with {teacher} started"))
        if assignment.ended_on:
            events.append(Event(assignment.ended_on, f"Placement with {teacher} ended"))
    events += [
        _missed_on(day, list(marks)) for day, marks in groupby(_missed(pupil), attrgetter("date"))
    ]
    events += [
        Event(report.reported_at, "Local authority told", report.concern.label)
        for report in _reports(pupil)
    ]
    return events


def _assignments(pupil: Pupil) -> list[CaseloadAssignment]:
    return list(
        db.session.scalars(
            sa.select(CaseloadAssignment)
            .where(CaseloadAssignment.pupil_id == pupil.id)
            .options(so.joinedload(CaseloadAssignment.teacher))
        )
    )


def _missed(pupil: Pupil) -> list[AttendanceMark]:
    absences = [code for code, info in CODES.items() if info.is_absence]
    return list(
        db.session.scalars(
            sa.select(AttendanceMark)
            .where(AttendanceMark.pupil_id == pupil.id, AttendanceMark.code.in_(absences))
            .order_by(AttendanceMark.date, AttendanceMark.session)
        )
    )


def _missed_on(day: date, marks: list[AttendanceMark]) -> Event:
    """A day's missed sessions as one line, their codes in the same order: a line per session
    would bury the rest."""
    sessions = " and ".join(mark.session.label for mark in marks)
    what = f"Missed the {sessions} session" + ("s" if len(marks) > 1 else "")
    return Event(day, what, "; ".join(short_label(mark.code) for mark in marks))


def _reports(pupil: Pupil) -> list[LocalAuthorityReport]:
    return list(
        db.session.scalars(
            sa.select(LocalAuthorityReport).where(LocalAuthorityReport.pupil_id == pupil.id)
        )
    )
