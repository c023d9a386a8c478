"""Marks in the registers and reports to the local authority, each written with its history
and audit event in one transaction."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.attendance.models import (
    AttendanceMark,
    AttendanceMarkChange,
    Concern,
    LocalAuthorityReport,
    RegisterSession,
)
from ap_field.attendance.queries import find_mark
from ap_field.audit.models import record
from ap_field.auth.models import User
from ap_field.common.time import utcnow
from ap_field.extensions import db
from ap_field.pupils.models import Pupil, academic_year_start
from ap_field.schools.notices import tell_school_of_mark


@dataclass(frozen=True)
class MarkValues:
    date: date
    session: RegisterSession
    code: str
    minutes_late: int | None
    reason: str | None
    # When the mark was made, which a phone with no signal sends later; None is now.
    taken_at: datetime | None = None


class MarkConflict(Exception):
    """Someone else marked this pupil for this session first; `mark` is theirs, as it stands."""

    def __init__(self, mark: AttendanceMark):
        super().__init__("The mark was changed by someone else")
        self.mark = mark


def record_mark(
    pupil: Pupil,
    values: MarkValues,
    marker: User,
    seen_version: int | None,
    client_uuid: uuid.UUID,
) -> AttendanceMark:
    """Mark a pupil in a session's register, or change their mark as seen at `seen_version`.

    The first mark of a session is an insert that the unique constraint guards: when two
    people mark at once, one insert wins and the other is told of the winning mark. A
    change carries the version it was made on, so it never overwrites a mark unseen.

    Every mark and change goes into the mark's history. The pupil's chronology hears of
    changes, and of first marks other than a plain "present" on time: twice a day, every
    day, those would bury everything else that happens to a child.
    """
    mark = find_mark(pupil.id, values.date, values.session)
    if mark is None:
        return _first_mark(pupil, values, marker, client_uuid)
    if seen_version != mark.version:
        raise MarkConflict(mark)
    if (mark.code, mark.minutes_late) == (values.code, values.minutes_late):
        return mark
    before, was_code = mark.shown, mark.code
    _keep_change(mark, marker, values, old=(mark.code, mark.minutes_late))
    mark.code, mark.minutes_late = values.code, values.minutes_late
    mark.taken_by_id, mark.taken_at = marker.id, values.taken_at or utcnow()
    record(
        "attendance.changed",
        pupil_id=pupil.id,
        date=values.date,
        session=values.session,
        before=before,
        after=mark.shown,
        reason=values.reason,
    )
    tell_school_of_mark(pupil, mark, was_code)
    try:
        db.session.commit()
    except so.exc.StaleDataError:
        db.session.rollback()
        raise MarkConflict(find_mark(pupil.id, values.date, values.session)) from None
    return mark


def _keep_change(
    mark: AttendanceMark, marker: User, values: MarkValues, old: tuple = (None, None)
) -> None:
    """The mark's history: `values` made by `marker`, over the (code, minutes late) it had."""
    db.session.add(
        AttendanceMarkChange(
            mark_id=mark.id,
            changed_by_id=marker.id,
            old_code=old[0],
            old_minutes_late=old[1],
            new_code=values.code,
            new_minutes_late=values.minutes_late,
            reason=values.reason,
        )
    )


def _first_mark(
    pupil: Pupil, values: MarkValues, marker: User, client_uuid: uuid.UUID
) -> AttendanceMark:
    mark = AttendanceMark(
        pupil_id=pupil.id,
        date=values.date,
        session=values.session,
        code=values.code,
        minutes_late=values.minutes_late,
        taken_by_id=marker.id,
        taken_at=values.taken_at or utcnow(),
        client_uuid=client_uuid,
    )
    db.session.add(mark)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        theirs = find_mark(pupil.id, values.date, values.session)
        if theirs is None:
            raise
        raise MarkConflict(theirs) from None
    _keep_change(mark, marker, values)
    if not mark.attendance_code.is_present_on_time or values.reason:
        record(
            "attendance.marked",
            pupil_id=pupil.id,
            date=values.date,
            session=values.session,
            code=mark.shown,
            reason=values.reason,
        )
    tell_school_of_mark(pupil, mark, None)
    db.session.commit()
    return mark


def report_to_local_authority(
    pupil: Pupil, concern: Concern, lead: User, today: date, client_uuid: uuid.UUID
) -> LocalAuthorityReport:
    """Record that the lead told the local authority; a second report of the same concern in
    the same academic year finds the first."""
    year = academic_year_start(today)
    existing = db.session.scalar(
        sa.select(LocalAuthorityReport).filter_by(
            pupil_id=pupil.id, concern=concern, academic_year=year
        )
    )
    if existing is not None:
        return existing
    report = LocalAuthorityReport(
        pupil_id=pupil.id,
        concern=concern,
        academic_year=year,
        reported_by_id=lead.id,
        client_uuid=client_uuid,
    )
    db.session.add(report)
    record("attendance.reported", pupil_id=pupil.id, concern=concern.label)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        return db.session.scalar(
            sa.select(LocalAuthorityReport).filter_by(
                pupil_id=pupil.id, concern=concern, academic_year=year
            )
        )
    return report


def record_export(first: date, last: date, pupil_count: int) -> None:
    record("attendance.exported", pupil_id=None, first=first, last=last, pupils=pupil_count)
    db.session.commit()
