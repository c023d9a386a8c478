"""The one way to ask for pupils: every pupil query starts from the caller's scope."""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.attendance.codes import CODES, short_label
from ap_field.attendance.models import reportable_pupils
from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role, User
from ap_field.common.time import format_long_date
from ap_field.extensions import db
from ap_field.parents.models import ParentLink
from ap_field.pupils.models import FULL_TIME_HOURS, CaseloadAssignment, Pupil, PupilStatus
from ap_field.pupils.school_age import births_of_school_age
from ap_field.schools.models import School

PAGE_SIZE = 25


# Leads' and admins' scope, one statement (statements are immutable) that is_every_pupil knows.
EVERY_PUPIL = sa.select(Pupil)


def pupils_in_scope(user: User) -> sa.Select[tuple[Pupil]]:
    """Teachers see their current caseload, parents their linked children, a school's
    attendance officer the pupils on its roll, leads and admins everyone, assessors no pupil at
    all."""
    query = EVERY_PUPIL
    match user.role:
        case Role.LEAD | Role.ADMIN:
            return query
        case Role.TEACHER:
            return query.join(
                CaseloadAssignment,
                sa.and_(
                    CaseloadAssignment.pupil_id == Pupil.id,
                    CaseloadAssignment.teacher_id == user.id,
                    CaseloadAssignment.ended_on.is_(None),
                ),
            )
        case Role.SCHOOL:
            return query.where(Pupil.school_id == user.school_id)
        case Role.PARENT:
            return query.join(
                ParentLink,
                sa.and_(ParentLink.pupil_id == Pupil.id, ParentLink.parent_id == user.id),
            )
    return query.where(sa.false())


def pupils_in_scope_by_name(user: User) -> list[Pupil]:
    """The pupils `user` may see, in name order: a teacher's block, a parent's children."""
    return list(db.session.scalars(pupils_in_scope(user).order_by(Pupil.display_name)))


def pupil_count(in_scope: sa.Select) -> int:
    """How many pupils a scope holds, counted by the database."""
    return db.session.scalar(in_scope.with_only_columns(sa.func.count(Pupil.id)).order_by(None))


def is_in_scope(user: User, pupil: Pupil) -> bool:
    return db.session.scalar(pupils_in_scope(user).where(Pupil.id == pupil.id)) is not None


def joined_to_scope(query: sa.Select, pupil_id: sa.ColumnElement, in_scope: sa.Select) -> sa.Select:
    """`query` narrowed to the pupils of `in_scope` by a join on its `pupil_id` column. A join
    lets the planner read the other table by its own index (marks by date, notes by day);
    `IN (subquery)` can send it through that table pupil by pupil. A scope of every pupil (a
    lead's, an admin's) narrows nothing, and `pupil_id` is never empty, so no join is made:
    it would cost a look-up of each row's pupil."""
    if is_every_pupil(in_scope):
        return query
    pupils = in_scope.with_only_columns(Pupil.id).order_by(None).subquery()
    return query.join(pupils, pupils.c.id == pupil_id)


def is_every_pupil(in_scope: sa.Select) -> bool:
    """Whether a scope is pupils_in_scope's of every pupil, unnarrowed since."""
    return in_scope is EVERY_PUPIL


def of_compulsory_school_age(on: date) -> sa.ColumnElement[bool]:
    """Pupils of compulsory school age on `on`, as a condition (ap_field/pupils/school_age.py)."""
    earliest, latest = births_of_school_age(on)
    return Pupil.date_of_birth.between(earliest, latest)


def pupil_in_scope_or_404(user: User, pupil_id: int) -> Pupil:
    """The pupil, if `user` may see them; otherwise 404, so that nobody learns a child exists."""
    return db.first_or_404(pupils_in_scope(user).where(Pupil.id == pupil_id))


def record_of_pupil_or_404(model, record_id: int, pupil: Pupil):
    """A record that belongs to `pupil` (already loaded through their scope); a record of
    another pupil, reached by changing an id, is 404 like a pupil outside scope."""
    return db.first_or_404(
        sa.select(model).where(model.id == record_id, model.pupil_id == pupil.id)
    )


def current_teachers(pupil_ids: list[int]) -> dict[int, User]:
    """Each pupil's current community teacher, in one query."""
    rows = db.session.execute(
        sa.select(CaseloadAssignment.pupil_id, User)
        .join(User, User.id == CaseloadAssignment.teacher_id)
        .where(CaseloadAssignment.pupil_id.in_(pupil_ids), CaseloadAssignment.ended_on.is_(None))
    ).all()
    return dict(rows)


@dataclass
class PupilFilters:
    """What the lead's pupil list is narrowed to; built from the query string."""

    q: str = ""
    status: str = ""
    teacher: int | None = None
    school: int | None = None
    under_25_hours: bool = False
    review_overdue: bool = False
    missed_15_days: bool = False

    def apply(self, query: sa.Select, today) -> sa.Select:
        if self.q:
            query = query.where(
                sa.or_(
                    *(
                        _contains(column, self.q)
                        for column in (
                            Pupil.legal_name,
                            Pupil.preferred_name,
                            Pupil.case_number,
                            Pupil.upn,
                        )
                    )
                )
            )
        if self.status in {status.value for status in PupilStatus}:
            query = query.where(Pupil.status == PupilStatus(self.status))
        if self.teacher is not None:
            query = query.where(
                Pupil.id.in_(
                    sa.select(CaseloadAssignment.pupil_id).where(
                        CaseloadAssignment.teacher_id == self.teacher,
                        CaseloadAssignment.ended_on.is_(None),
                    )
                )
            )
        if self.school is not None:
            query = query.where(Pupil.school_id == self.school)
        if self.under_25_hours:
            query = query.where(
                Pupil.planned_hours_per_week < FULL_TIME_HOURS, of_compulsory_school_age(today)
            )
        if self.review_overdue:
            query = query.where(Pupil.review_date < today, Pupil.status != PupilStatus.CLOSED)
        if self.missed_15_days:
            query = query.where(
                Pupil.id.in_(reportable_pupils(today)), of_compulsory_school_age(today)
            )
        return query.order_by(Pupil.display_name, Pupil.id)


def _contains(column: sa.ColumnElement[str], text: str) -> sa.ColumnElement[bool]:
    """`column` holds `text`, whatever the case: SQLite's LIKE ignores the case of ASCII
    letters already (and its lower() knows no others), so it is spared lower() on every row,
    which triples a search's time; PostgreSQL's ILIKE."""
    pattern = f"%{text}%"
    return column.like(pattern) if db.engine.dialect.name == "sqlite" else column.ilike(pattern)


def pupils_of_school(school: School) -> list[Pupil]:
    """The school's pupils on the programme now, by name."""
    return list(
        db.session.scalars(
            sa.select(Pupil)
            .where(Pupil.school_id == school.id, Pupil.status != PupilStatus.CLOSED)
            .order_by(Pupil.display_name)
        )
    )


def active_teachers() -> list[sa.Row]:
    """Each active teacher's id and name, by name, for a list to choose from: a county's
    programme has hundreds."""
    return db.session.execute(
        sa.select(User.id, User.name)
        .where(User.role == Role.TEACHER, User.active)
        .order_by(User.name, User.id)
    ).all()


def active_teachers_with_caseloads() -> list[tuple[sa.Row, int]]:
    """Each active teacher, as active_teachers gives them, with how many pupils they hold."""
    held = dict(
        db.session.execute(
            sa.select(CaseloadAssignment.teacher_id, sa.func.count())
            .where(CaseloadAssignment.ended_on.is_(None))
            .group_by(CaseloadAssignment.teacher_id)
        ).all()
    )
    return [(teacher, held.get(teacher.id, 0)) for teacher in active_teachers()]


CHRONOLOGY_SHOWN = 50  # the pupil page's latest events; the audit trail pages through all


def assignment_history(pupil: Pupil) -> list[CaseloadAssignment]:
    """The pupil's teachers, latest first, each with the teacher loaded."""
    return db.session.scalars(
        sa.select(CaseloadAssignment)
        .where(CaseloadAssignment.pupil_id == pupil.id)
        .options(so.joinedload(CaseloadAssignment.teacher))
        .order_by(CaseloadAssignment.started_on.desc(), CaseloadAssignment.id.desc())
    ).all()


def parent_links_of(pupil: Pupil) -> list[ParentLink]:
    return db.session.scalars(
        sa.select(ParentLink)
        .where(ParentLink.pupil_id == pupil.id)
        .options(so.joinedload(ParentLink.parent))
        .order_by(ParentLink.id)
    ).all()


def events_of(pupil: Pupil, safeguarding: bool = False) -> sa.Select[tuple[AuditEvent]]:
    """The events of the pupil's record, newest first, with who did each. Of a safeguarding
    concern, only that one was recorded, unless `safeguarding` (for a DSL): what was done
    about it is for the DSL's chronology."""
    query = (
        sa.select(AuditEvent)
        .where(AuditEvent.pupil_id == pupil.id)
        .options(so.joinedload(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    if safeguarding:
        return query
    concern_steps = AuditEvent.event.startswith("concern.") & (
        AuditEvent.event != "concern.recorded"
    )
    return query.where(~concern_steps)


REGISTER_EVENTS = ("attendance.marked", "attendance.changed")
REGISTER_SESSIONS_LISTED = 4  # a day's two sessions and a change to each; more are counted


@dataclass(frozen=True)
class RegisterDay:
    """One line of the pupil's chronology for a day's register: every mark and change of
    that day's sessions, read as an event is (when, what, by whom), placed at the latest."""

    date: date
    events: list[AuditEvent]

    @property
    def occurred_at(self) -> datetime:
        return self.events[-1].occurred_at

    @property
    def actor(self) -> User | None:
        actors = {event.actor_id for event in self.events}
        return self.events[-1].actor if len(actors) == 1 else None

    @property
    def details(self) -> dict:
        return {}

    @property
    def summary(self) -> str:
        heading = f"Register for {format_long_date(self.date)}"
        if len(self.events) > REGISTER_SESSIONS_LISTED:
            marked = sum(event.event == "attendance.marked" for event in self.events)
            changed = len(self.events) - marked
            return f"{heading}: {_count(marked, 'session')} marked, {_count(changed, 'change')}"
        return f"{heading}: " + ", ".join(_register_line(event) for event in self.events)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _register_line(event: AuditEvent) -> str:
    session = str(event.details.get("session", "")).upper()
    if event.event == "attendance.marked":
        return f"{session} {_mark_words(event.details.get('code'))}"
    if "before" not in event.details:
        return f"{session} changed"
    before, after = event.details["before"], event.details.get("after")
    return f"{session} changed from {_mark_words(before)} to {_mark_words(after)}"


def _mark_words(shown: str | None) -> str:
    """A mark as the register shows it, in words: 'L (12 minutes late)' reads 'late (L, 12
    minutes late)', and 'O' reads 'absent, unauthorised (O)'."""
    code, _, minutes = (shown or "").partition(" (")
    if code not in CODES:
        return shown or "no mark"
    words = short_label(code).removeprefix(f"{code}: ")
    words = words[:1].lower() + words[1:]
    return f"{words} ({code}, {minutes.removesuffix(')')})" if minutes else f"{words} ({code})"


def chronology_of(pupil: Pupil) -> list[AuditEvent | RegisterDay]:
    """The latest events of the pupil's record, for the pupil's page, with a day's register
    marks and changes as one line: a register marked twice a day would bury the rest."""
    register_day = AuditEvent.details["date"].as_string()
    others = db.session.scalars(
        events_of(pupil).where(AuditEvent.event.not_in(REGISTER_EVENTS)).limit(CHRONOLOGY_SHOWN)
    ).all()
    latest_days = (
        sa.select(register_day)
        .where(AuditEvent.pupil_id == pupil.id, AuditEvent.event.in_(REGISTER_EVENTS))
        .group_by(register_day)
        .order_by(sa.func.max(AuditEvent.occurred_at).desc())
        .limit(CHRONOLOGY_SHOWN)
    )
    register = db.session.scalars(
        events_of(pupil)
        .where(AuditEvent.event.in_(REGISTER_EVENTS), register_day.in_(latest_days))
        .order_by(None)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()
    days: dict[str, list[AuditEvent]] = {}
    for event in register:
        days.setdefault(event.details["date"], []).append(event)
    lines = [
        *others,
        *(RegisterDay(date.fromisoformat(day), events) for day, events in days.items()),
    ]
    lines.sort(key=lambda line: line.occurred_at, reverse=True)
    return lines[:CHRONOLOGY_SHOWN]


def current_assignment(pupil: Pupil) -> CaseloadAssignment | None:
    return db.session.scalar(
        sa.select(CaseloadAssignment).where(
            CaseloadAssignment.pupil_id == pupil.id, CaseloadAssignment.ended_on.is_(None)
        )
    )
