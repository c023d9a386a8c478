"""Parents and carers: their links to children, the invitations that make those links, and
their answers to "did this session happen?" (community learning programme: the parent
"confirms (or disputes) that a session took place and their child attended")."""

from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.audit.models import declare_events
from ap_field.auth.models import User
from ap_field.common.models import LabelledEnum, SyncedRecord, UTCDateTime, string_enum
from ap_field.common.time import utcnow
from ap_field.extensions import db
from ap_field.pupils.models import Pupil
from ap_field.sessions.models import SessionNote

INVITATION_LIFETIME = timedelta(days=7)

declare_events(
    {
        "invitation.created": ("Parent or carer invited", {"parent", "relationship", "expires_at"}),
        "invitation.accepted": (
            "Invitation accepted: parent or carer linked",
            {"parent", "relationship", "after"},
        ),
        "invitation.withdrawn": ("Invitation withdrawn", {"parent", "relationship"}),
        "session.confirmed": ("Parent or carer confirmed a session", {"parent", "held_on"}),
        "session.disputed": (
            "Parent or carer said a session did not happen",
            {"parent", "held_on", "comment"},
        ),
        "dispute.answered": (
            "A parent's dispute about a session was answered",
            {"held_on", "outcome", "reply"},
        ),
    }
)


class ParentLink(SyncedRecord, db.Model):
    """A parent or carer's account linked to a child, and whether they may confirm attendance."""

    __tablename__ = "parent_links"
    __table_args__ = (sa.UniqueConstraint("parent_id", "pupil_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    parent_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    pupil_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pupils.id"), index=True)
    relationship: so.Mapped[str] = so.mapped_column(sa.String(40))
    may_confirm_attendance: so.Mapped[bool] = so.mapped_column(default=True)

    parent: so.Mapped[User] = so.relationship()
    pupil: so.Mapped[Pupil] = so.relationship()


class InvitationState(LabelledEnum):
    PENDING = "pending", "Waiting"
    ACCEPTED = "accepted"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class ParentInvitation(db.Model):
    """A single-use link that lets a parent or carer make an account linked to one child.

    Not a synced record: its link exists only in the answer to the request that made it,
    so it cannot be made on a phone without signal.
    """

    __tablename__ = "parent_invitations"
    __table_args__ = (
        sa.CheckConstraint("expires_at > created_at", name="expires_after_created"),
        sa.CheckConstraint(
            "accepted_at IS NULL OR withdrawn_at IS NULL", name="accepted_or_withdrawn"
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    pupil_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pupils.id"), index=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    parent_name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    relationship: so.Mapped[str] = so.mapped_column(sa.String(40))
    may_confirm_attendance: so.Mapped[bool] = so.mapped_column(default=True)
    invited_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    accepted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    accepted_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    withdrawn_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    pupil: so.Mapped[Pupil] = so.relationship()
    invited_by: so.Mapped[User] = so.relationship(foreign_keys=[invited_by_id])
    accepted_by: so.Mapped[User | None] = so.relationship(foreign_keys=[accepted_by_id])

    def state(self, now: datetime) -> InvitationState:
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.withdrawn_at is not None:
            return InvitationState.WITHDRAWN
        if self.expires_at <= now:
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    @classmethod
    def pending_at(cls, now: datetime) -> sa.ColumnElement[bool]:
        """The invitations in state PENDING at `now`, as a condition a query or UPDATE uses."""
        return sa.and_(cls.accepted_at.is_(None), cls.withdrawn_at.is_(None), cls.expires_at > now)

    @property
    def invitee(self) -> str:
        """How the pupil page and the audit trail name the person invited."""
        return self.parent_name or f"{self.relationship} (not named)"


class Answer(LabelledEnum):
    CONFIRMED = "confirmed", "Yes, this happened and my child attended"
    DISPUTED = "disputed", "No"


class SessionConfirmation(SyncedRecord, db.Model):
    """A parent or carer's answer about one delivered session; one answer per session."""

    __tablename__ = "session_confirmations"
    __table_args__ = (
        sa.CheckConstraint("answer = 'confirmed' OR comment <> ''", name="comment_when_disputed"),
        sa.Index(
            "ix_session_confirmations_answer_note_id_pupil_id", "answer", "note_id", "pupil_id"
        ),
        # The oldest dispute nobody has answered, for the lead's Programme page.
        sa.Index("ix_session_confirmations_answer_created_at", "answer", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    note_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("session_notes.id"), unique=True)
    pupil_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pupils.id"), index=True)
    parent_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    answer: so.Mapped[Answer] = so.mapped_column(string_enum(Answer, "confirmation_answer"))
    comment: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    note: so.Mapped[SessionNote] = so.relationship()
    pupil: so.Mapped[Pupil] = so.relationship()
    parent: so.Mapped[User] = so.relationship()
    reply: so.Mapped["DisputeReply | None"] = so.relationship(back_populates="confirmation")

    @property
    def disputed(self) -> bool:
        return self.answer == Answer.DISPUTED


class Outcome(LabelledEnum):
    """How staff answer a parent who said a session did not happen."""

    CORRECTED = "corrected", "We got it wrong and have corrected the record"
    EXPLAINED = "explained", "The session happened: we explain what happened"
    STANDS = "stands", "The record stands, and we say why"

    @property
    def for_parent(self) -> str:
        """How the parent's page says it, in plain words."""
        return {
            "corrected": "You were right. We have corrected our record.",
            "explained": "Your child's teacher explained what happened.",
            "stands": "We checked, and our record stays as it is.",
        }[self.value]


class DisputeReply(SyncedRecord, db.Model):
    """The one answer to a parent's "No": corrected, explained or the record stands, with what
    the parent reads."""

    __tablename__ = "dispute_replies"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    confirmation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("session_confirmations.id"), unique=True
    )
    pupil_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pupils.id"), index=True)
    replied_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    outcome: so.Mapped[Outcome] = so.mapped_column(string_enum(Outcome, "dispute_outcome"))
    reply: so.Mapped[str] = so.mapped_column(sa.Text)

    confirmation: so.Mapped[SessionConfirmation] = so.relationship(back_populates="reply")
    replied_by: so.Mapped[User] = so.relationship()
