"""Safeguarding concerns: what a member of staff saw or heard, and what the designated
safeguarding lead (DSL) did about it.

A concern is never edited once recorded: later words are addenda, and each step the DSL
takes (seen, an action, closed, reopened) is a row or a moment of its own. Its content is
read only by DSLs and the person who recorded it (ap_field/safeguarding/queries.py); the
audit trail says that something happened to a concern, never what it says.
"""

from datetime import date, datetime, time

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.audit.models import declare_events
from ap_field.auth.models import User
from ap_field.common.append_only import is_anonymising
from ap_field.common.models import LabelledEnum, SyncedRecord, UTCDateTime, string_enum
from ap_field.common.time import utcnow
from ap_field.extensions import db
from ap_field.pupils.models import Pupil

declare_events(
    {
        "concern.recorded": ("Safeguarding concern recorded", {"concern_id"}),
        "concern.read": ("Safeguarding concern read", {"concern_id"}),
        "concern.seen": ("Safeguarding concern seen by a DSL", {"concern_id"}),
        "concern.action": ("Safeguarding action recorded", {"concern_id", "action_id"}),
        "concern.addendum": ("Added to a safeguarding concern", {"concern_id"}),
        "concern.closed": ("Safeguarding concern closed", {"concern_id"}),
        "concern.reopened": ("Safeguarding concern reopened", {"concern_id"}),
    }
)

# The one event about a concern that anyone who may see the pupil reads in the chronology.
CHRONOLOGY_EVENT = "concern.recorded"


class Category(LabelledEnum):
    """The kinds of harm a concern is about, as Keeping Children Safe in Education names them."""

    PHYSICAL = "physical", "Physical abuse"
    EMOTIONAL = "emotional", "Emotional abuse"
    SEXUAL = "sexual", "Sexual abuse"
    NEGLECT = "neglect", "Neglect"
    CSE = "cse", "Child sexual exploitation"
    CCE = "cce", "Child criminal exploitation or county lines"
    RADICALISATION = "radicalisation", "Radicalisation"
    FGM = "fgm", "Female genital mutilation"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    SELF_HARM = "self_harm", "Self-harm or suicidal thoughts"
    ONLINE = "online", "Online safety"
    MISSING = "missing", "Missing from home or education"
    CHILD_ON_CHILD = "child_on_child", "Child-on-child abuse"
    OTHER = "other", "Other"


class ConcernStatus(LabelledEnum):
    NEW = "new", "New"
    SEEN = "seen", "Seen"
    CLOSED = "closed", "Closed"


class ActionKind(LabelledEnum):
    DISCUSSED_WITH_PARENT = "discussed_with_parent", "Discussed with parent or carer"
    ADVICE_SOUGHT = "advice_sought", "Advice sought"
    SOCIAL_CARE = "social_care", "Referred to children's social care"
    POLICE = "police", "Referred to the police"
    EARLY_HELP = "early_help", "Early help"
    LADO = "lado", "Referred to the LADO"
    SCHOOL_DSL = "school_dsl", "School's DSL informed"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


# Actions that are referrals carry the other service's reference and what came of it.
REFERRALS = frozenset({ActionKind.SOCIAL_CARE, ActionKind.POLICE, ActionKind.LADO})


class Outcome(LabelledEnum):
    SOCIAL_CARE = "social_care", "Children's social care are involved"
    EARLY_HELP = "early_help", "Early help in place"
    MONITORING = "monitoring", "Monitoring by the programme"
    POLICE = "police", "Police involved"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    OTHER = "other", "Other"


class Concern(SyncedRecord, db.Model):
    """A worry about a child, as the person who had it recorded it."""

    __tablename__ = "concerns"
    __table_args__ = (
        sa.Index("ix_concerns_status_created_at", "status", "created_at"),
        sa.CheckConstraint(
            "(status = 'new' AND seen_at IS NULL) OR (status != 'new' AND seen_at IS NOT NULL)",
            name="seen_unless_new",
        ),
        sa.CheckConstraint(
            "(status = 'closed') = (closed_at IS NOT NULL)", name="closed_when_closed"
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    pupil_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pupils.id"), index=True)
    recorded_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    # When the recorder said it, by the phone's clock; created_at is when it reached us.
    recorded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    happened_on: so.Mapped[date]
    happened_time: so.Mapped[time | None]
    place: so.Mapped[str] = so.mapped_column(sa.String(200))
    categories: so.Mapped[list[str]] = so.mapped_column(sa.JSON)
    category_other: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    immediate_danger: so.Mapped[bool] = so.mapped_column(default=False)
    what_happened: so.Mapped[str] = so.mapped_column(sa.Text)
    child_words: so.Mapped[str | None] = so.mapped_column(sa.Text)
    others_present: so.Mapped[str | None] = so.mapped_column(sa.Text)
    action_taken: so.Mapped[str] = so.mapped_column(sa.Text)
    # Where on a body outline marks were seen: [{"side", "x", "y", "description"}].
    body_marks: so.Mapped[list[dict]] = so.mapped_column(sa.JSON, default=list)
    # Recorded by someone whose placement with the pupil had ended by the time it arrived.
    after_placement_ended: so.Mapped[bool] = so.mapped_column(default=False)
    visit_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("home_visits.id"), index=True)
    note_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("session_notes.id"), index=True)

    status: so.Mapped[ConcernStatus] = so.mapped_column(
        string_enum(ConcernStatus, "concern_status"), default=ConcernStatus.NEW
    )
    seen_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    seen_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    closed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # When DSLs and leads were told again that nobody had seen it.
    unseen_reminded_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    pupil: so.Mapped[Pupil] = so.relationship()
    recorded_by: so.Mapped[User] = so.relationship(foreign_keys=[recorded_by_id])
    seen_by: so.Mapped[User | None] = so.relationship(foreign_keys=[seen_by_id])
    actions: so.Mapped[list["ConcernAction"]] = so.relationship(
        back_populates="concern", order_by="ConcernAction.id"
    )
    addenda: so.Mapped[list["ConcernAddendum"]] = so.relationship(
        back_populates="concern", order_by="ConcernAddendum.id"
    )
    closures: so.Mapped[list["ConcernClosure"]] = so.relationship(
        back_populates="concern", order_by="ConcernClosure.id"
    )

    def __repr__(self) -> str:
        return f"<Concern {self.id} {self.status}>"

    @property
    def category_labels(self) -> list[str]:
        labels = [Category(value).label for value in self.categories]
        if Category.OTHER in self.categories and self.category_other:
            labels[self.categories.index(Category.OTHER)] = f"Other: {self.category_other}"
        return labels

    @property
    def reference(self) -> str:
        """What a concern is called where its pupil must not be named: in mail, on a phone."""
        return f"SC-{self.id:05d}"


class ConcernAction(SyncedRecord, db.Model):
    """One step the DSL took: who did it, when, and what came of it."""

    __tablename__ = "concern_actions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    concern_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("concerns.id"), index=True)
    kind: so.Mapped[ActionKind] = so.mapped_column(string_enum(ActionKind, "concern_action"))
    taken_on: so.Mapped[date]
    taken_by: so.Mapped[str] = so.mapped_column(sa.String(200))
    note: so.Mapped[str] = so.mapped_column(sa.Text)
    reference: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    referral_outcome: so.Mapped[str | None] = so.mapped_column(sa.Text)
    recorded_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))

    concern: so.Mapped[Concern] = so.relationship(back_populates="actions")
    recorded_by: so.Mapped[User] = so.relationship()


class ConcernAddendum(SyncedRecord, db.Model):
    """Words added to a concern after it was recorded; never changed."""

    __tablename__ = "concern_addenda"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    concern_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("concerns.id"), index=True)
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    text: so.Mapped[str] = so.mapped_column(sa.Text)

    concern: so.Mapped[Concern] = so.relationship(back_populates="addenda")
    author: so.Mapped[User] = so.relationship()


class ConcernClosure(db.Model):
    """A DSL closing a concern with its outcome and why, and, if it was reopened, why."""

    __tablename__ = "concern_closures"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    concern_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("concerns.id"), index=True)
    closed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    closed_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    outcome: so.Mapped[Outcome] = so.mapped_column(string_enum(Outcome, "concern_outcome"))
    rationale: so.Mapped[str] = so.mapped_column(sa.Text)
    reopened_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    reopened_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    reopen_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)

    concern: so.Mapped[Concern] = so.relationship(back_populates="closures")
    closed_by: so.Mapped[User] = so.relationship(foreign_keys=[closed_by_id])
    reopened_by: so.Mapped[User | None] = so.relationship(foreign_keys=[reopened_by_id])


# What the recorder wrote: never changed once it reached ap-field (later words are addenda).
RECORDED_FIELDS = (
    "pupil_id",
    "recorded_by_id",
    "recorded_at",
    "happened_on",
    "happened_time",
    "place",
    "categories",
    "category_other",
    "immediate_danger",
    "what_happened",
    "child_words",
    "others_present",
    "action_taken",
    "body_marks",
)


@sa.event.listens_for(so.Session, "before_flush")
def _concerns_are_append_only(session: so.Session, _context, _instances) -> None:
    if is_anonymising(session):
        return
    for instance in session.deleted:
        if isinstance(instance, Concern | ConcernAction | ConcernAddendum | ConcernClosure):
            raise PermissionError("Safeguarding records are never deleted")
    for instance in session.dirty:
        if isinstance(instance, ConcernAction | ConcernAddendum) and session.is_modified(instance):
            raise PermissionError("A safeguarding action or addendum cannot be changed")
        if isinstance(instance, Concern):
            state = sa.inspect(instance)
            if any(state.attrs[name].history.has_changes() for name in RECORDED_FIELDS):
                raise PermissionError("A recorded concern cannot be changed: add to it instead")
