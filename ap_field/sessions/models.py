"""Notes of delivered sessions. A submitted note is never edited: corrections are addenda."""

from datetime import date, datetime, time

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.audit.models import declare_events
from ap_field.auth.models import User
from ap_field.common.append_only import is_anonymising
from ap_field.common.models import SyncedRecord, UTCDateTime, string_enum
from ap_field.common.time import utcnow
from ap_field.extensions import db
from ap_field.plans.models import Focus, Mode, PlanTarget, TimetableSlot, minutes_between
from ap_field.pupils.models import Pupil

declare_events(
    {
        "note.written": ("Session note written", {"held_on", "minutes"}),
        "note.addendum": ("Addendum to a session note", {"note_id"}),
    }
)

note_targets = sa.Table(
    "session_note_targets",
    db.metadata,
    sa.Column("note_id", sa.ForeignKey("session_notes.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("target_id", sa.ForeignKey("plan_targets.id"), primary_key=True),
)


class SessionNote(SyncedRecord, db.Model):
    __tablename__ = "session_notes"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("engagement >= 1 AND engagement <= 5", name="engagement_scale"),
        sa.Index("ix_session_notes_pupil_held_on", "pupil_id", "held_on"),
        sa.Index("ix_session_notes_held_on_id", "held_on", "id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    pupil_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pupils.id"))
    teacher_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    slot_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("timetable_slots.id", ondelete="SET NULL")
    )
    held_on: so.Mapped[date]
    starts_at: so.Mapped[time]
    ends_at: so.Mapped[time]
    mode: so.Mapped[Mode] = so.mapped_column(string_enum(Mode, "session_mode"))
    focus: so.Mapped[Focus] = so.mapped_column(string_enum(Focus, "session_focus"))
    place: so.Mapped[str] = so.mapped_column(sa.String(160))
    planned_minutes: so.Mapped[int]
    engagement: so.Mapped[int]
    progress: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    wellbeing: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    next_steps: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    submitted_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    pupil: so.Mapped[Pupil] = so.relationship()
    teacher: so.Mapped[User] = so.relationship()
    slot: so.Mapped[TimetableSlot | None] = so.relationship()
    targets: so.Mapped[list[PlanTarget]] = so.relationship(secondary=note_targets)
    addenda: so.Mapped[list["NoteAddendum"]] = so.relationship(
        back_populates="note", order_by="NoteAddendum.written_at"
    )

    @property
    def actual_minutes(self) -> int:
        return minutes_between(self.starts_at, self.ends_at)


class NoteAddendum(db.Model):
    __tablename__ = "note_addenda"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    note_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("session_notes.id"), index=True)
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    written_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    text: so.Mapped[str] = so.mapped_column(sa.Text)

    note: so.Mapped[SessionNote] = so.relationship(back_populates="addenda")
    author: so.Mapped[User] = so.relationship()


@sa.event.listens_for(so.Session, "before_flush")
def _submitted_notes_are_append_only(session: so.Session, _context, _instances) -> None:
    if is_anonymising(session):
        return
    for instance in session.dirty:
        if isinstance(instance, SessionNote | NoteAddendum) and session.is_modified(
            instance, include_collections=False
        ):
            raise PermissionError("A submitted note cannot be changed: add an addendum")
    for instance in session.deleted:
        if isinstance(instance, SessionNote | NoteAddendum):
            raise PermissionError("A submitted note cannot be deleted")
