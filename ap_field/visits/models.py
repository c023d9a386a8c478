"""Home visits, the actions agreed at them, and lone working on the doorstep.

A visit is planned (scheduled), happening (in progress: the visitor said "I've
arrived" and has not yet said "I've left safely") or has happened (completed).
A worry about the child's safety is not kept on the visit: it is a safeguarding
concern (ap_field/safeguarding), linked to the visit it was raised from.
"""

from datetime import UTC, date, datetime, time

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.audit.models import declare_events
from ap_field.auth.models import User
from ap_field.common.models import LabelledEnum, SyncedRecord, UTCDateTime, string_enum
from ap_field.common.time import LONDON, utcnow
from ap_field.extensions import db
from ap_field.pupils.models import Pupil

declare_events(
    {
        "visit.planned": ("Home visit planned", {"visit_id", "after"}),
        "visit.recorded": ("Home visit recorded", {"visit_id", "after"}),
        "visit.updated": ("Home visit updated", {"visit_id", "before", "after"}),
        "visit.arrived": ("Arrived for a home visit", {"visit_id", "expected_finish"}),
        "visit.left": ("Left a home visit safely", {"visit_id"}),
        # Written before concerns were kept apart from visits; still read in the audit trail.
        "visit.concern_raised": ("Safeguarding concern raised at a home visit", {"visit_id"}),
        "visit.addendum_added": ("Safeguarding observation added to a home visit", {"visit_id"}),
        "visit.concern_seen": ("Safeguarding concern seen by the lead", {"visit_id"}),
        "visit.action_agreed": (
            "Action agreed at a home visit",
            {"visit_id", "action", "owner", "due_on"},
        ),
    }
)


def at_london(day: date, clock: time) -> datetime:
    """The aware UTC moment that a London clock shows as `clock` on `day`."""
    return datetime.combine(day, clock, tzinfo=LONDON).astimezone(UTC)


class VisitStatus(LabelledEnum):
    SCHEDULED = "scheduled", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Happened"


class VisitPlace(LabelledEnum):
    HOME = "home", "The family home"
    COMMUNITY_VENUE = "community_venue", "A community venue"
    AGREED_LOCATION = "agreed_location", "Another agreed location"


class VisitPurpose(LabelledEnum):
    FIRST_VISIT = "first_visit", "First visit"
    WELFARE = "welfare", "Welfare check"
    REVIEW = "review", "Review"
    OTHER = "other", "Other"


class Present(LabelledEnum):
    PUPIL = "pupil", "The pupil"
    PARENTS_CARERS = "parents_carers", "Parents or carers"
    OTHERS = "others", "Someone else"


class HomeVisit(SyncedRecord, db.Model):
    """A visit to a child and their family: planned, then made, then recorded."""

    __tablename__ = "home_visits"
    __table_args__ = (
        sa.Index("ix_home_visits_left_at_arrived_at", "left_at", "arrived_at"),
        sa.CheckConstraint(
            "(status = 'scheduled' AND arrived_at IS NULL)"
            " OR (status = 'in_progress' AND arrived_at IS NOT NULL AND left_at IS NULL)"
            " OR (status = 'completed' AND (arrived_at IS NULL OR left_at IS NOT NULL))",
            name="lone_working_matches_status",
        ),
        sa.CheckConstraint(
            "expected_finish_at IS NULL"
            " OR (arrived_at IS NOT NULL AND expected_finish_at > arrived_at)",
            name="finish_after_arrival",
        ),
        sa.CheckConstraint(
            "left_at IS NULL OR (arrived_at IS NOT NULL AND left_at >= arrived_at)",
            name="left_after_arrival",
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    pupil_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pupils.id"), index=True)
    # Who makes the visit: usually the community teacher, sometimes the lead.
    teacher_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)
    status: so.Mapped[VisitStatus] = so.mapped_column(
        string_enum(VisitStatus, "visit_status"), default=VisitStatus.SCHEDULED
    )
    place: so.Mapped[VisitPlace] = so.mapped_column(string_enum(VisitPlace, "visit_place"))
    address: so.Mapped[str] = so.mapped_column(sa.String(300))
    purpose: so.Mapped[VisitPurpose] = so.mapped_column(string_enum(VisitPurpose, "visit_purpose"))
    purpose_other: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    present: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    others_present: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    concerns: so.Mapped[str | None] = so.mapped_column(sa.Text)
    child_voice: so.Mapped[str | None] = so.mapped_column(sa.Text)
    parent_voice: so.Mapped[str | None] = so.mapped_column(sa.Text)
    next_visit_on: so.Mapped[date | None]

    arrived_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    expected_finish_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    left_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    pupil: so.Mapped[Pupil] = so.relationship()
    teacher: so.Mapped[User] = so.relationship()
    actions: so.Mapped[list["VisitAction"]] = so.relationship(
        back_populates="visit", order_by="VisitAction.id"
    )

    def __repr__(self) -> str:
        return f"<HomeVisit {self.id} {self.status}>"

    @property
    def purpose_label(self) -> str:
        if self.purpose == VisitPurpose.OTHER and self.purpose_other:
            return f"Other: {self.purpose_other}"
        return self.purpose.label

    @property
    def present_labels(self) -> list[str]:
        labels = [Present(who).label for who in self.present]
        if Present.OTHERS in self.present and self.others_present:
            labels[self.present.index(Present.OTHERS)] = f"Also: {self.others_present}"
        return labels

    @property
    def is_in_progress(self) -> bool:
        return self.arrived_at is not None and self.left_at is None

    @property
    def check_out_overdue(self) -> bool:
        """Past the expected finish without "I've left safely": the lead should find out why."""
        return self.is_in_progress and self.expected_finish_at < utcnow()


class VisitAction(SyncedRecord, db.Model):
    """Something agreed at a visit: what, who will do it, and by when."""

    __tablename__ = "visit_actions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    visit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("home_visits.id"), index=True)
    description: so.Mapped[str] = so.mapped_column(sa.String(500))
    owner: so.Mapped[str] = so.mapped_column(sa.String(120))
    due_on: so.Mapped[date]

    visit: so.Mapped[HomeVisit] = so.relationship(back_populates="actions")


@sa.event.listens_for(so.Session, "before_flush")
def _visits_are_never_deleted(session: so.Session, _context, _instances) -> None:
    for instance in session.deleted:
        if isinstance(instance, HomeVisit):
            raise PermissionError("Home visits are never deleted")
