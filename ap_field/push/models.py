"""Push subscriptions (one per phone or browser), the reminder kinds a person turned off,
and the reminders claimed for sending: each (kind, object, due date, person) once."""

import secrets
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.auth.models import User
from ap_field.common.models import LabelledEnum, UTCDateTime, string_enum
from ap_field.common.time import utcnow
from ap_field.extensions import db

MAX_ENDPOINT_LENGTH = 2048


class PushSubscription(db.Model):
    """A device a person turned reminders on from. The push service's endpoint names the
    device; subscribing again from the same device updates this row."""

    __tablename__ = "push_subscriptions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    endpoint: so.Mapped[str] = so.mapped_column(sa.String(MAX_ENDPOINT_LENGTH), unique=True)
    p256dh: so.Mapped[str] = so.mapped_column(sa.String(100))
    auth: so.Mapped[str] = so.mapped_column(sa.String(40))
    user_agent: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_success_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    failure_count: so.Mapped[int] = so.mapped_column(default=0)

    user: so.Mapped[User] = so.relationship()

    def __repr__(self) -> str:
        return f"<PushSubscription {self.id} of user {self.user_id}>"

    @property
    def subscription_info(self) -> dict:
        """The shape the browser's PushSubscription.toJSON() gives, as pywebpush takes it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class ReminderOptOut(db.Model):
    """A kind of reminder a person does not want on their phones."""

    __tablename__ = "reminder_opt_outs"

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)


class ReminderState(LabelledEnum):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    UNDELIVERED = "undelivered", "No device accepted it"


def new_public_id() -> str:
    return secrets.token_urlsafe(12)


class Reminder(db.Model):
    """A reminder claimed for one person. The unique key is what makes two ticks running at
    once send it only once: the second tick's claim finds the first's row."""

    __tablename__ = "reminders"
    __table_args__ = (
        sa.UniqueConstraint("kind", "object_id", "due_on", "user_id"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    object_id: so.Mapped[int]
    due_on: so.Mapped[date]
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # What the notification carries instead of anything personal: an id that means
    # nothing outside ap-field, and the page to open.
    public_id: so.Mapped[str] = so.mapped_column(sa.String(24), unique=True, default=new_public_id)
    url: so.Mapped[str] = so.mapped_column(sa.String(300))
    body: so.Mapped[str] = so.mapped_column(sa.String(200))
    state: so.Mapped[ReminderState] = so.mapped_column(
        string_enum(ReminderState, "reminder_state"), default=ReminderState.PENDING, index=True
    )
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    # A pending reminder is left alone until then: a tick is sending it, or a push
    # service asked us to come back later.
    not_before: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # The subscriptions that accepted it, so that a retry sends only to the others.
    sent_to: so.Mapped[list[int]] = so.mapped_column(sa.JSON, default=list)
    claimed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Reminder {self.kind} {self.object_id} {self.due_on} for {self.user_id}>"
