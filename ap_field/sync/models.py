"""Idempotency keys: each replayed write a phone sent, with the answer it got, so that a
write sent twice is made once and answered the same both times."""

import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.common.models import UTCDateTime
from ap_field.common.time import utcnow
from ap_field.extensions import db

KEYS_KEPT_FOR = timedelta(days=30)  # a phone offline longer sends again as a new write


class IdempotencyKey(db.Model):
    """The outbox's op_id for one write. The row is written in the transaction that makes the
    change, so it exists exactly when the change does; the answer is added once the view has
    given it. Not a SyncedRecord: phones never create or edit these rows themselves."""

    __tablename__ = "idempotency_keys"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key: so.Mapped[uuid.UUID] = so.mapped_column(sa.Uuid, unique=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    # SHA-256, in hex, of what the request asked for (ap_field.sync.protocol.request_hash).
    request_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    status_code: so.Mapped[int | None]
    location: so.Mapped[str | None] = so.mapped_column(sa.String(2048))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<IdempotencyKey {self.key} of user {self.user_id}>"


def forget_old_keys(now: datetime) -> int:
    """Delete the keys older than KEYS_KEPT_FOR, and say how many went."""
    deleted = db.session.execute(
        sa.delete(IdempotencyKey).where(IdempotencyKey.created_at < now - KEYS_KEPT_FOR)
    ).rowcount
    db.session.commit()
    return deleted
