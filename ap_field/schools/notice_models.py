"""The attendance notices a school is sent and the receipts it gives (docs/architecture.md,
"Schools"); kept apart from the school itself, which the pupil's record names."""

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.attendance.models import RegisterSession
from ap_field.common.models import LabelledEnum, UTCDateTime, string_enum
from ap_field.common.time import utcnow
from ap_field.extensions import db
from ap_field.mail.models import OutgoingMail
from ap_field.pupils.models import Pupil
from ap_field.schools.models import School


class NoticeKind(LabelledEnum):
    SESSION = "session", "Session's attendance"
    FIRST_DAY_ABSENCE = "first_day_absence", "First-day absence"
    CORRECTION = "correction", "Correction"


class AttendanceNotice(db.Model):
    """An email telling a school its pupils' attendance (docs/architecture.md, "Schools"): one
    per session listing them all, a first-day absence about one pupil at once, or a correction
    when a mark changes after the session's notice went. The school confirms receipt through the
    link the email carries, whose token only the email holds (this keeps its hash)."""

    __tablename__ = "attendance_notices"
    __table_args__ = (
        sa.Index(
            "uq_attendance_notices_one_per_session",
            "school_id",
            "date",
            "session",
            unique=True,
            sqlite_where=sa.text("kind = 'session'"),
            postgresql_where=sa.text("kind = 'session'"),
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    school_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("schools.id"), index=True)
    kind: so.Mapped[NoticeKind] = so.mapped_column(string_enum(NoticeKind, "notice_kind"))
    date: so.Mapped[date]
    session: so.Mapped[RegisterSession] = so.mapped_column(
        string_enum(RegisterSession, "register_session")
    )
    sent_to: so.Mapped[str] = so.mapped_column(sa.String(254))
    mail_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("outgoing_mail.id"))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    read_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    read_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    # When the leads were told that no one at the school had confirmed it.
    lead_reminded_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    school: so.Mapped[School] = so.relationship()
    mail: so.Mapped[OutgoingMail] = so.relationship()
    lines: so.Mapped[list["NoticeLine"]] = so.relationship(
        back_populates="notice", order_by="NoticeLine.id", cascade="all, delete-orphan"
    )

    @property
    def sent_at(self) -> datetime | None:
        return self.mail.sent_at


class NoticeLine(db.Model):
    """A pupil in a notice, with the mark the notice gave: None for no mark yet."""

    __tablename__ = "attendance_notice_lines"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    notice_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("attendance_notices.id", ondelete="CASCADE"), index=True
    )
    pupil_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pupils.id"), index=True)
    code: so.Mapped[str | None] = so.mapped_column(sa.String(2))
    # A correction's mark before: None when the pupil had none.
    was_code: so.Mapped[str | None] = so.mapped_column(sa.String(2))

    notice: so.Mapped[AttendanceNotice] = so.relationship(back_populates="lines")
    pupil: so.Mapped[Pupil] = so.relationship()
