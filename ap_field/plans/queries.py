"""Plans, timetables and reviews, as the pages and the other areas read them."""

from datetime import date, timedelta

import sqlalchemy as sa

from ap_field.extensions import db
from ap_field.plans.models import LearningPlan, Review, TimetableSlot
from ap_field.pupils.models import Pupil


def plans_of(pupil: Pupil) -> list[LearningPlan]:
    """Every version, newest first."""
    return list(
        db.session.scalars(
            sa.select(LearningPlan)
            .where(LearningPlan.pupil_id == pupil.id)
            .order_by(LearningPlan.version_number.desc())
        )
    )


def current_plan(pupil: Pupil) -> LearningPlan | None:
    return db.session.scalar(
        sa.select(LearningPlan)
        .where(LearningPlan.pupil_id == pupil.id)
        .order_by(LearningPlan.version_number.desc())
        .limit(1)
    )


def timetable(pupil: Pupil) -> list[TimetableSlot]:
    return list(
        db.session.scalars(
            sa.select(TimetableSlot)
            .where(TimetableSlot.pupil_id == pupil.id)
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
