"""Plans, timetables and reviews, as the pages and the other areas read them.

Attendance is the register's, counted as attendance/figures.py counts it; the session notes
give the hours delivered and which timetabled sessions were written up. Where the two
disagree about a session, `disagreements` lists it to be put right.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.attendance.clock import pm_from
from ap_field.attendance.codes import CODES, Category
from ap_field.attendance.figures import Tally
from ap_field.attendance.models import AttendanceMark, RegisterSession
from ap_field.attendance.queries import tallies
from ap_field.calendars.queries import school_day_after
from ap_field.extensions import db
from ap_field.plans.models import REVIEW_SCHOOL_DAYS, LearningPlan, Review, TimetableSlot
from ap_field.pupils.models import Pupil
from ap_field.pupils.queries import joined_to_scope
from ap_field.sessions.models import SessionNote

# Marks that say the pupil was there, so a session note is expected. Approved educational
# activity (a trip, work experience, provision the LA arranged) happens elsewhere, with no
# note from the community teacher, so it is not among them.
PRESENT_CODES = tuple(
    code for code, meaning in CODES.items() if meaning.category == Category.PRESENT
)
ABSENT_CODES = tuple(code for code, meaning in CODES.items() if meaning.is_absence)


def _versions(pupil: Pupil) -> sa.Select[tuple[LearningPlan]]:
    """Every version of the pupil's plan, newest first."""
    return (
        sa.select(LearningPlan)
        .where(LearningPlan.pupil_id == pupil.id)
        .order_by(LearningPlan.version_number.desc())
    )


def plans_of(pupil: Pupil) -> list[LearningPlan]:
    """Every version, newest first."""
    return list(db.session.scalars(_versions(pupil)))


def current_plan(pupil: Pupil) -> LearningPlan | None:
    return db.session.scalar(_versions(pupil).limit(1))


def timetable(pupil: Pupil) -> list[TimetableSlot]:
    return list(
        db.session.scalars(
            sa.select(TimetableSlot)
            .where(TimetableSlot.pupil_id == pupil.id)
            .options(so.joinedload(TimetableSlot.provider))
            .order_by(TimetableSlot.weekday, TimetableSlot.starts_at)
        )
    )


def last_review(pupil: Pupil) -> Review | None:
    return db.session.scalar(
        sa.select(Review)
        .where(Review.pupil_id == pupil.id)
        .order_by(Review.held_on.desc(), Review.id.desc())
        .limit(1)
    )


def review_due_after(pupil: Pupil, day: date) -> date:
    """When the review after `day` falls: a fortnight of the pupil's school days on, so a
    half term or an INSET day moves it later (docs/architecture.md, "Term calendars")."""
    return school_day_after(day, REVIEW_SCHOOL_DAYS, pupil.school_id)


def review_period_start(pupil: Pupil, plan: LearningPlan) -> date:
    previous = last_review(pupil)
    return previous.held_on + timedelta(days=1) if previous else plan.starts_on


def reviews_of(pupil: Pupil) -> list[Review]:
    """Every review held, latest first."""
    return list(
        db.session.scalars(
            sa.select(Review).where(Review.pupil_id == pupil.id).order_by(Review.held_on.desc())
        )
    )


def slot_of(pupil: Pupil, slot_id: int) -> TimetableSlot | None:
    """The pupil's timetabled session with this id; another pupil's is None, as a missing one."""
    slot = db.session.get(TimetableSlot, slot_id)
    return slot if slot is not None and slot.pupil_id == pupil.id else None


def review_attendance(pupil: Pupil, reviews: list[Review]) -> dict[int, Tally]:
    """Each review's attendance from the register, over the days it looked back on, in one
    query."""
    if not reviews:
        return {}
    first = min(review.period_start for review in reviews)
    last = max(review.held_on for review in reviews)
    marks = db.session.execute(
        sa.select(AttendanceMark.date, AttendanceMark.code).where(
            AttendanceMark.pupil_id == pupil.id, AttendanceMark.date.between(first, last)
        )
    ).all()
    return {
        review.id: Tally.of(
            code for day, code in marks if review.period_start <= day <= review.held_on
        )
        for review in reviews
    }


@dataclass(frozen=True)
class Disagreement:
    """A session on which the register and the session notes disagree: a note for a session
    marked absent (`note_id` is the note), or a present mark with no note (`note_id` None)."""

    pupil_id: int
    pupil_name: str
    day: date
    session: RegisterSession
    code: str
    note_id: int | None

    @property
    def what(self) -> str:
        meaning = CODES[self.code].meaning
        if self.note_id is None:
            return f"Marked present ({self.code}: {meaning}) but there is no session note"
        return f"A session note says it was taught, but the register has {self.code}: {meaning}"


def _note_session() -> sa.ColumnElement[str]:
    """A note's register session, as clock.session_of_time finds it from its start."""
    return sa.case(
        (SessionNote.starts_at < pm_from(), RegisterSession.AM.value),
        else_=RegisterSession.PM.value,
    )


def disagreements(in_scope: sa.Select, first: date, last: date) -> sa.CompoundSelect:
    """Every session between two days, latest first, where the in-scope pupils' register and
    session notes disagree, as rows Disagreement takes; the caller pages them."""
    note_session = _note_session()
    present_without_note = joined_to_scope(
        sa.select(
            AttendanceMark.pupil_id,
            Pupil.display_name.label("pupil_name"),
            AttendanceMark.date.label("day"),
            AttendanceMark.session,
            AttendanceMark.code,
            sa.cast(sa.null(), sa.Integer).label("note_id"),
        ).join(Pupil, Pupil.id == AttendanceMark.pupil_id),
        AttendanceMark.pupil_id,
        in_scope,
    ).where(
        AttendanceMark.date.between(first, last),
        AttendanceMark.code.in_(PRESENT_CODES),
        ~sa.exists().where(
            SessionNote.pupil_id == AttendanceMark.pupil_id,
            SessionNote.held_on == AttendanceMark.date,
            note_session == AttendanceMark.session,
        ),
    )
    note_marked_absent = joined_to_scope(
        sa.select(
            SessionNote.pupil_id,
            Pupil.display_name.label("pupil_name"),
            SessionNote.held_on,
            AttendanceMark.session,
            AttendanceMark.code,
            SessionNote.id,
        )
        .join(Pupil, Pupil.id == SessionNote.pupil_id)
        .join(
            AttendanceMark,
            sa.and_(
                AttendanceMark.pupil_id == SessionNote.pupil_id,
                AttendanceMark.date == SessionNote.held_on,
                AttendanceMark.session == note_session,
            ),
        ),
        SessionNote.pupil_id,
        in_scope,
    ).where(SessionNote.held_on.between(first, last), AttendanceMark.code.in_(ABSENT_CODES))
    both = sa.union_all(present_without_note, note_marked_absent)
    return both.order_by(*disagreement_order(both.selected_columns))


def disagreement_order(columns) -> list[sa.ColumnElement]:
    """Latest session first; within a session, by the pupil's name."""
    return [columns.day.desc(), columns.session.desc(), columns.pupil_name, columns.note_id]


def disagreements_of(pupil: Pupil, first: date, last: date) -> list[Disagreement]:
    """One pupil's disagreements between two days: few, so all of them."""
    one = sa.select(Pupil).where(Pupil.id == pupil.id)
    return [Disagreement(*row) for row in db.session.execute(disagreements(one, first, last))]


@dataclass
class RegisterFigures:
    """What a review reads from the register over its period: the attendance, and the
    sessions where the register and the notes disagree."""

    attendance: Tally
    disagreements: list[Disagreement]


def register_figures(pupil: Pupil, first: date, last: date) -> RegisterFigures:
    return RegisterFigures(
        tallies([pupil.id], first, last)[pupil.id], disagreements_of(pupil, first, last)
    )
