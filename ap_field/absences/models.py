"""Absences a parent or carer reports ahead: which sessions their child will miss and why.
A report never marks the register; it shows on the register beside the pupil, with the code
its reason suggests, and staff choose the code (docs/architecture.md, "Absence reports")."""

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.attendance.models import RegisterSession
from ap_field.audit.models import declare_events
from ap_field.auth.models import User
from ap_field.common.models import LabelledEnum, SyncedRecord, UTCDateTime, string_enum
from ap_field.common.time import format_long_date
from ap_field.extensions import db
from ap_field.pupils.models import Pupil

AM, PM = RegisterSession.AM, RegisterSession.PM

declare_events(
    {
        "absence.reported": (
            "Parent or carer reported an absence",
            {"parent", "first", "last", "reason"},
        ),
        "absence.withdrawn": (
            "Parent or carer withdrew an absence report",
            {"parent", "first", "last"},
        ),
    }
)


class AbsenceReason(LabelledEnum):
    ILL = "ill", "Ill"
    APPOINTMENT = "appointment", "Medical or dental appointment"
    RELIGIOUS = "religious", "Religious festival or day"
    FAMILY_EMERGENCY = "family_emergency", "Family emergency"
    OTHER = "other", "Another reason"

    @property
    def suggested_code(self) -> str | None:
        """The DfE code this reason usually means: I (illness), M (medical or dental
        appointment), R (religious observance); staff still choose."""
        return {"ill": "I", "appointment": "M", "religious": "R"}.get(self.value)


def session_order(day: date, session: RegisterSession) -> int:
    """Sessions counted one after another: each day's AM, then its PM."""
    return day.toordinal() * 2 + (0 if session == AM else 1)


class AbsenceReport(SyncedRecord, db.Model):
    __tablename__ = "absence_reports"
    __table_args__ = (
        sa.CheckConstraint("first_day <= last_day", name="first_day_not_after_last"),
        sa.Index("ix_absence_reports_pupil_id_last_day", "pupil_id", "last_day"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    pupil_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pupils.id"))
    parent_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    first_day: so.Mapped[date]
    first_session: so.Mapped[RegisterSession] = so.mapped_column(
        string_enum(RegisterSession, "absence_first_session")
    )
    last_day: so.Mapped[date]
    last_session: so.Mapped[RegisterSession] = so.mapped_column(
        string_enum(RegisterSession, "absence_last_session")
    )
    reason: so.Mapped[AbsenceReason] = so.mapped_column(
        string_enum(AbsenceReason, "absence_reason")
    )
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    withdrawn_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    pupil: so.Mapped[Pupil] = so.relationship()
    parent: so.Mapped[User] = so.relationship()

    @property
    def first(self) -> int:
        return session_order(self.first_day, self.first_session)

    @property
    def last(self) -> int:
        return session_order(self.last_day, self.last_session)

    def covers(self, day: date, session: RegisterSession) -> bool:
        return self.first <= session_order(day, session) <= self.last

    @property
    def sessions(self) -> str:
        """What the parent and staff read: "Wednesday 18 November, morning", "Wednesday 18
        November, all day", "Wednesday 18 November to Friday 20 November"."""
        if self.first_day == self.last_day:
            if self.first_session != self.last_session:
                part = "all day"
            else:
                part = "morning" if self.first_session == AM else "afternoon"
            return f"{format_long_date(self.first_day)}, {part}"
        start = "" if self.first_session == AM else " afternoon"
        end = "" if self.last_session == PM else " morning"
        return (
            f"{format_long_date(self.first_day)}{start} to {format_long_date(self.last_day)}{end}"
        )
