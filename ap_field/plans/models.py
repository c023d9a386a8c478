"""Individual learning plans with their targets and agreements, weekly timetables and the
fortnightly reviews that keep them current (commissioning guidance; community learning
programme: "timetables are reviewed fortnightly")."""

from datetime import date, datetime, time

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.audit.models import declare_events
from ap_field.auth.models import User
from ap_field.common.models import LabelledEnum, SyncedRecord, UTCDateTime, string_enum
from ap_field.common.time import utcnow
from ap_field.extensions import db
from ap_field.premises.models import Provider
from ap_field.pupils.models import FULL_TIME_HOURS, Pupil

FULL_TIME_MINUTES = FULL_TIME_HOURS * 60
# A fortnight of school: the next review falls this many of the pupil's school days on.
REVIEW_SCHOOL_DAYS = 10
SCHOOL_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")

declare_events(
    {
        "plan.created": ("Learning plan written", {"version", "after"}),
        "plan.agreed": ("Learning plan agreed", {"version", "party", "agreed_by"}),
        "timetable.slot_added": ("Timetable session added", {"after"}),
        "timetable.slot_changed": ("Timetable session changed", {"before", "after"}),
        "timetable.slot_removed": ("Timetable session removed", {"before"}),
        "review.held": ("Fortnightly review held", {"after"}),
    }
)


class TargetKind(LabelledEnum):
    ACADEMIC = "academic"
    WIDER = "wider", "Wider (attendance, behaviour, wellbeing)"


class Party(LabelledEnum):
    PUPIL = "pupil"
    PROVIDER = "provider"
    SCHOOL = "school"


class Mode(LabelledEnum):
    FACE_TO_FACE = "face_to_face", "Face-to-face"
    VIRTUAL = "virtual"
    INDEPENDENT = "independent", "Independent work"
    HOME_COMMUNITY = "home_community", "Home or community study"


class Focus(LabelledEnum):
    WELLBEING = "wellbeing"
    RESILIENCE = "resilience"
    MENTAL_HEALTH = "mental_health"
    ENGLISH = "english", "English"
    MATHS = "maths"
    SCIENCE = "science"
    OTHER = "other"


class ReviewParticipant(LabelledEnum):
    PUPIL = "pupil"
    PARENT = "parent", "Parent or carer"
    SCHOOL = "school"
    PROVIDER = "provider"


class Progress(LabelledEnum):
    NOT_STARTED = "not_started"
    SOME = "some", "Some progress"
    ON_TRACK = "on_track", "On track"
    ACHIEVED = "achieved"


class LearningPlan(SyncedRecord, db.Model):
    """One version of a pupil's plan. A new version keeps the earlier ones readable."""

    __tablename__ = "learning_plans"
    __table_args__ = (
        sa.UniqueConstraint("pupil_id", "version_number"),
        sa.CheckConstraint("ends_on IS NULL OR ends_on > starts_on", name="ends_after_start"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    pupil_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pupils.id"), index=True)
    version_number: so.Mapped[int]
    aims: so.Mapped[str] = so.mapped_column(sa.Text)
    success_criteria: so.Mapped[str] = so.mapped_column(sa.Text)
    transition_plan: so.Mapped[str] = so.mapped_column(sa.Text)
    starts_on: so.Mapped[date]
    ends_on: so.Mapped[date | None]
    written_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    pupil: so.Mapped[Pupil] = so.relationship()
    written_by: so.Mapped[User | None] = so.relationship()
    targets: so.Mapped[list["PlanTarget"]] = so.relationship(
        back_populates="plan", order_by="PlanTarget.position", cascade="all, delete-orphan"
    )
    agreements: so.Mapped[list["PlanAgreement"]] = so.relationship(
        back_populates="plan", order_by="PlanAgreement.party", cascade="all, delete-orphan"
    )

    def agreement(self, party: Party) -> "PlanAgreement | None":
        return next((a for a in self.agreements if a.party == party), None)

    @property
    def fully_agreed(self) -> bool:
        return {agreement.party for agreement in self.agreements} == set(Party)


class PlanTarget(db.Model):
    __tablename__ = "plan_targets"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    plan_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("learning_plans.id"), index=True)
    position: so.Mapped[int]
    kind: so.Mapped[TargetKind] = so.mapped_column(string_enum(TargetKind, "target_kind"))
    description: so.Mapped[str] = so.mapped_column(sa.String(300))
    baseline: so.Mapped[str] = so.mapped_column(sa.String(200))
    goal: so.Mapped[str] = so.mapped_column(sa.String(200))
    measure: so.Mapped[str] = so.mapped_column(sa.String(200))
    due_on: so.Mapped[date]

    plan: so.Mapped[LearningPlan] = so.relationship(back_populates="targets")


class PlanAgreement(db.Model):
    """One party's agreement to a plan version: who agreed, and when."""

    __tablename__ = "plan_agreements"
    __table_args__ = (sa.UniqueConstraint("plan_id", "party"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    plan_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("learning_plans.id"), index=True)
    party: so.Mapped[Party] = so.mapped_column(string_enum(Party, "party"))
    agreed_by: so.Mapped[str] = so.mapped_column(sa.String(120))
    agreed_on: so.Mapped[date]
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    recorded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    plan: so.Mapped[LearningPlan] = so.relationship(back_populates="agreements")


class TimetableSlot(SyncedRecord, db.Model):
    """A weekly session in a pupil's timetable, taught by one of the pupil's providers or, with
    no provider, by the community teacher (at home or in the community). The registration
    rule counts a pupil's hours at a provider from these."""

    __tablename__ = "timetable_slots"
    __table_args__ = (
        sa.CheckConstraint("weekday >= 0 AND weekday <= 4", name="school_day"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    pupil_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pupils.id"), index=True)
    weekday: so.Mapped[int]
    starts_at: so.Mapped[time]
    ends_at: so.Mapped[time]
    mode: so.Mapped[Mode] = so.mapped_column(string_enum(Mode, "session_mode"))
    focus: so.Mapped[Focus] = so.mapped_column(string_enum(Focus, "session_focus"))
    place: so.Mapped[str] = so.mapped_column(sa.String(160))
    provider_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("providers.id"), index=True)

    pupil: so.Mapped[Pupil] = so.relationship()
    provider: so.Mapped[Provider | None] = so.relationship()

    @property
    def minutes(self) -> int:
        return minutes_between(self.starts_at, self.ends_at)

    @property
    def day_name(self) -> str:
        return SCHOOL_DAYS[self.weekday]

    def overlaps(self, weekday: int, starts_at: time, ends_at: time) -> bool:
        return self.weekday == weekday and self.starts_at < ends_at and starts_at < self.ends_at


def minutes_between(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


class Review(SyncedRecord, db.Model):
    """A fortnightly review. The timetabled sessions that have a session note and the hours
    the notes delivered are computed when it is held and kept; attendance is the register's,
    read for the review's period whenever it is shown (plans/queries.py)."""

    __tablename__ = "reviews"
    __table_args__ = (sa.CheckConstraint("next_review_on > held_on", name="next_after_held"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    pupil_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pupils.id"), index=True)
    plan_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("learning_plans.id"))
    held_on: so.Mapped[date]
    period_start: so.Mapped[date]
    sessions_timetabled: so.Mapped[int]
    sessions_delivered: so.Mapped[int]
    minutes_planned: so.Mapped[int]
    minutes_delivered: so.Mapped[int]
    participants: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    timetable_changes: so.Mapped[str] = so.mapped_column(sa.Text)
    next_review_on: so.Mapped[date]
    held_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    plan: so.Mapped[LearningPlan] = so.relationship()
    held_by: so.Mapped[User | None] = so.relationship()
    progress: so.Mapped[list["TargetProgress"]] = so.relationship(
        back_populates="review", cascade="all, delete-orphan"
    )


class TargetProgress(db.Model):
    __tablename__ = "target_progress"
    __table_args__ = (sa.UniqueConstraint("review_id", "target_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    review_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reviews.id"), index=True)
    target_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("plan_targets.id"))
    progress: so.Mapped[Progress] = so.mapped_column(string_enum(Progress, "target_progress"))
    comment: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    review: so.Mapped[Review] = so.relationship(back_populates="progress")
    target: so.Mapped[PlanTarget] = so.relationship()
