"""Outgoing mail, one row per recipient, kept until the SMTP server has taken it.

A row is added in the transaction of the change that causes it, so a mail exists exactly when
its change does; the sender then works through the pending rows, each leased by one sender.
"""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.common.models import LabelledEnum, UTCDateTime, string_enum
from ap_field.common.time import utcnow
from ap_field.extensions import db

# RFC 5321's longest address.
MAX_ADDRESS_LENGTH = 320
MAX_SUBJECT_LENGTH = 200
MAX_ERROR_LENGTH = 200


class MailState(LabelledEnum):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not sent: the server refused it too often"


class OutgoingMail(db.Model):
    """A plain-text mail to one address."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    to_address: so.Mapped[str] = so.mapped_column(sa.String(MAX_ADDRESS_LENGTH))
    subject: so.Mapped[str] = so.mapped_column(sa.String(MAX_SUBJECT_LENGTH))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    state: so.Mapped[MailState] = so.mapped_column(
        string_enum(MailState, "mail_state"), default=MailState.PENDING, index=True
    )
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    # A pending mail is left alone until then: a sender holds it, or the server failed and it
    # waits to be tried again.
    not_before: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # What the SMTP server or the connection to it said the last time sending failed.
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(MAX_ERROR_LENGTH))

    def __repr__(self) -> str:
        return f"<OutgoingMail {self.id} to {self.to_address} {self.state.value}>"
