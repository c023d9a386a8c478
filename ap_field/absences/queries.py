"""Absence reports as the register, the pupil's attendance page and the parent read them."""

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.absences.models import AbsenceReport
from ap_field.attendance.models import AttendanceMark, RegisterSession
from ap_field.extensions import db


def _standing():
    return AbsenceReport.withdrawn_at.is_(None)


def reports_for(
    pupil_ids: list[int], day: date, session: RegisterSession
) -> dict[int, AbsenceReport]:
    """Each pupil's standing report that covers this session, in one query."""
    reports = db.session.scalars(
        sa.select(AbsenceReport)
        .where(
            AbsenceReport.pupil_id.in_(pupil_ids),
            _standing(),
            AbsenceReport.first_day <= day,
            AbsenceReport.last_day >= day,
        )
        .options(so.joinedload(AbsenceReport.parent))
        .order_by(AbsenceReport.created_at)
    )
    return {report.pupil_id: report for report in reports if report.covers(day, session)}


def overlapping(pupil_id: int, first: int, last: int) -> list[AbsenceReport]:
    """The pupil's standing reports that share a session with, or run straight on from, the
    sessions `first` to `last` (session_order), oldest first."""
    reports = db.session.scalars(
        sa.select(AbsenceReport)
        .where(
            AbsenceReport.pupil_id == pupil_id,
            _standing(),
            AbsenceReport.first_day <= date.fromordinal((last + 1) // 2),
            AbsenceReport.last_day >= date.fromordinal((first - 1) // 2),
        )
        .order_by(AbsenceReport.created_at, AbsenceReport.id)
    )
    return [report for report in reports if report.first <= last + 1 and report.last >= first - 1]


def reports_of_parent(parent_id: int, pupil_id: int, since: date) -> list[AbsenceReport]:
    """What a parent told us about a child, from `since` on, soonest first."""
    return list(
        db.session.scalars(
            sa.select(AbsenceReport)
            .where(
                AbsenceReport.pupil_id == pupil_id,
                AbsenceReport.parent_id == parent_id,
                AbsenceReport.last_day >= since,
            )
            .order_by(AbsenceReport.first_day, AbsenceReport.id)
        )
    )


def reports_of_pupil(pupil_id: int, since: date) -> list[AbsenceReport]:
    """Every report about the pupil from `since` on, withdrawn ones too, with who made it."""
    return list(
        db.session.scalars(
            sa.select(AbsenceReport)
            .where(AbsenceReport.pupil_id == pupil_id, AbsenceReport.last_day >= since)
            .options(so.joinedload(AbsenceReport.parent))
            .order_by(AbsenceReport.first_day.desc(), AbsenceReport.id.desc())
        )
    )


def register_taken_during(report: AbsenceReport) -> bool:
    """Whether any session the report covers already has a mark for the pupil."""
    marks = db.session.execute(
        sa.select(AttendanceMark.date, AttendanceMark.session).where(
            AttendanceMark.pupil_id == report.pupil_id,
            AttendanceMark.date.between(report.first_day, report.last_day),
        )
    ).all()
    return any(report.covers(day, session) for day, session in marks)


def reported_since(moment: datetime) -> list[AbsenceReport]:
    """Standing reports made since `moment`, for the reminders tick."""
    return list(
        db.session.scalars(
            sa.select(AbsenceReport).where(_standing(), AbsenceReport.created_at >= moment)
        )
    )
