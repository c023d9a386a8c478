"""Registers: one mark per pupil per school day per session, every change kept, and the
reports made to the local authority about a pupil's attendance or hours."""

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.attendance.codes import CODES, LATE, MAX_CODE_LENGTH, AttendanceCode
from ap_field.attendance.figures import MISSED_SESSIONS_TO_REPORT, academic_year_first_day
from ap_field.audit.models import declare_events
from ap_field.auth.models import User
from ap_field.calendars.queries import on_school_days
from ap_field.common.append_only import is_anonymising
from ap_field.common.models import LabelledEnum, SyncedRecord, UTCDateTime, string_enum
from ap_field.common.time import utcnow
from ap_field.extensions import db
from ap_field.pupils.models import Pupil

MAX_MINUTES_LATE = 30  # attendance guidance 2024: a register stays open at most 30 minutes

declare_events(
    {
        "attendance.marked": ("Attendance mark recorded", {"date", "session", "code"}),
        "attendance.changed": (
            "Attendance mark changed",
            {"date", "session", "before", "after", "reason"},
        ),
        "attendance.reported": ("Reported to the local authority", {"concern"}),
        "attendance.exported": ("Register exported", {"first", "last", "pupils"}),
    }
)


class RegisterSession(LabelledEnum):
    AM = "am", "AM"
    PM = "pm", "PM"


def _sql_list(values) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


class AttendanceMark(SyncedRecord, db.Model):
    """A pupil's mark in one session's register. The unique constraint is the register's
    own rule (one mark per pupil, day and session) and the index for a pupil's marks by date;
    the date index serves the figures that read every pupil's marks over a period, and the
    code index the absences of a whole school year (PostgreSQL reads them from it; SQLite,
    without statistics of each code, reads the marks pupil by pupil)."""

    __tablename__ = "attendance_marks"
    __table_args__ = (
        sa.UniqueConstraint("pupil_id", "date", "session"),
        sa.Index("ix_attendance_marks_date_code_pupil_id", "date", "code", "pupil_id"),
        sa.Index("ix_attendance_marks_code_date_pupil_id", "code", "date", "pupil_id"),
        # A day's registers: the marks of one day lie together, by pupil.
        sa.Index("ix_attendance_marks_date_pupil_id_session", "date", "pupil_id", "session"),
        sa.CheckConstraint(f"code IN ({_sql_list(CODES)})", name="known_code"),
        sa.CheckConstraint(
            f"(code = '{LATE}' AND minutes_late IS NOT NULL"
            f" AND minutes_late >= 1 AND minutes_late <= {MAX_MINUTES_LATE})"
            f" OR (code <> '{LATE}' AND minutes_late IS NULL)",
            name="minutes_late_only_when_late",
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    pupil_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pupils.id"))
    date: so.Mapped[dt.date]
    session: so.Mapped[RegisterSession] = so.mapped_column(
        string_enum(RegisterSession, "register_session")
    )
    code: so.Mapped[str] = so.mapped_column(sa.String(MAX_CODE_LENGTH))
    minutes_late: so.Mapped[int | None]
    taken_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    taken_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    pupil: so.Mapped[Pupil] = so.relationship()
    taken_by: so.Mapped[User] = so.relationship()
    changes: so.WriteOnlyMapped["AttendanceMarkChange"] = so.relationship(
        back_populates="mark", order_by="AttendanceMarkChange.id"
    )

    @property
    def attendance_code(self) -> AttendanceCode:
        return CODES[self.code]

    @property
    def shown(self) -> str:
        """The mark as a register shows it: 'L (12 minutes late)', or the code alone."""
        if self.code == LATE:
            return f"L ({self.minutes_late} minutes late)"
        return self.code


class AttendanceMarkChange(db.Model):
    """One entry in a mark's history: who set it, when, from what, to what, and why.
    The first entry of a mark has no old code. Entries are never changed or deleted."""

    __tablename__ = "attendance_mark_changes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    mark_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("attendance_marks.id"), index=True)
    changed_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    changed_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    old_code: so.Mapped[str | None] = so.mapped_column(sa.String(MAX_CODE_LENGTH))
    old_minutes_late: so.Mapped[int | None]
    new_code: so.Mapped[str] = so.mapped_column(sa.String(MAX_CODE_LENGTH))
    new_minutes_late: so.Mapped[int | None]
    reason: so.Mapped[str | None] = so.mapped_column(sa.Text)

    mark: so.Mapped[AttendanceMark] = so.relationship(back_populates="changes")
    changed_by: so.Mapped[User] = so.relationship()


class Concern(LabelledEnum):
    MISSED_15_DAYS = "missed_15_days", "15 or more days missed"
    UNDER_25_HOURS = "under_25_hours", "Under 25 hours a week"


class LocalAuthorityReport(SyncedRecord, db.Model):
    """The lead told the local authority about a pupil: once per concern per academic year."""

    __tablename__ = "local_authority_reports"
    __table_args__ = (sa.UniqueConstraint("pupil_id", "concern", "academic_year"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    pupil_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pupils.id"))
    concern: so.Mapped[Concern] = so.mapped_column(string_enum(Concern, "la_concern"))
    # The calendar year in which the academic year began (1 September).
    academic_year: so.Mapped[int]
    reported_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    reported_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    reported_by: so.Mapped[User] = so.relationship()


def reportable_pupils(today: dt.date) -> sa.Select:
    """Ids of pupils with 15 or more days missed this academic year: 30 absence sessions,
    authorised or unauthorised, consecutive or not, on their school's school days only (a
    mark made before a closure was entered is not counted; docs/architecture.md, "Term
    calendars")."""
    first = academic_year_first_day(today)
    absences = sa.select(AttendanceMark.pupil_id).where(
        AttendanceMark.date.between(first, today),
        AttendanceMark.code.in_([code for code, meaning in CODES.items() if meaning.is_absence]),
    )
    return (
        on_school_days(absences, AttendanceMark.date, AttendanceMark.pupil_id, first, today)
        .group_by(AttendanceMark.pupil_id)
        .having(sa.func.count() >= MISSED_SESSIONS_TO_REPORT)
    )


@sa.event.listens_for(so.Session, "before_flush")
def _mark_history_is_append_only(session: so.Session, _context, _instances) -> None:
    if is_anonymising(session):
        return
    for instance in [*session.dirty, *session.deleted]:
        if isinstance(instance, AttendanceMarkChange):
            raise PermissionError("The history of an attendance mark cannot be changed")
    for instance in session.deleted:
        if isinstance(instance, AttendanceMark):
            raise PermissionError("Attendance marks are never deleted: change the code instead")
