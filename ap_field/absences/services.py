"""Reporting an absence ahead and withdrawing the report (docs/architecture.md, "Absence
reports"). A report that shares a session with, or runs straight on from, one the child
already has becomes part of it: one absence, never two."""

import uuid
from datetime import date

from ap_field.absences.forms import Span
from ap_field.absences.models import AM, PM, AbsenceReason, AbsenceReport, session_order
from ap_field.absences.queries import overlapping, register_taken_during
from ap_field.attendance.clock import has_started
from ap_field.audit.models import plain, record
from ap_field.auth.models import Role, User
from ap_field.auth.queries import active_users_of_role
from ap_field.common.time import london_now, utcnow
from ap_field.common.writes import StaleEdit, by_client_uuid, commit_or_stale
from ap_field.extensions import db
from ap_field.mail.services import link_to, queue_mail
from ap_field.pupils.models import Pupil
from ap_field.pupils.queries import current_assignment


class CannotWithdraw(Exception):
    """The report stands: what it is about has begun, or the register was taken for it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _day_and_session(order: int):
    return date.fromordinal(order // 2), AM if order % 2 == 0 else PM


def report_absence(
    pupil: Pupil,
    parent: User,
    span: Span,
    reason: AbsenceReason,
    note: str,
    client_uuid: uuid.UUID,
) -> AbsenceReport:
    """Keep what the parent said, joined to any report it overlaps, and tell the child's
    teacher and the programme leads."""
    if (made := by_client_uuid(AbsenceReport, client_uuid, pupil_id=pupil.id)) is not None:
        return made
    first = session_order(span[0], span[1])
    last = session_order(span[2], span[3])
    joined = overlapping(pupil.id, first, last)
    report = joined[0] if joined else AbsenceReport(pupil_id=pupil.id, client_uuid=client_uuid)
    for other in joined[1:]:
        other.withdrawn_at = utcnow()
    first = min([first, *(each.first for each in joined)])
    last = max([last, *(each.last for each in joined)])
    notes = [each.note for each in joined if each.note]
    report.first_day, report.first_session = _day_and_session(first)
    report.last_day, report.last_session = _day_and_session(last)
    report.parent_id, report.reason = parent.id, reason
    report.note = "\n".join(dict.fromkeys([*notes, note] if note else notes))
    db.session.add(report)
    record(
        "absence.reported",
        pupil_id=pupil.id,
        parent=parent.name,
        first=plain(report.first_day),
        last=plain(report.last_day),
        reason=reason.value,
    )
    _tell_staff(pupil, report)
    db.session.commit()
    return report


def _tell_staff(pupil: Pupil, report: AbsenceReport) -> None:
    """A mail to the child's teacher and every lead: when, and where to read who and why."""
    assignment = current_assignment(pupil)
    people = active_users_of_role(Role.LEAD)
    if assignment is not None:
        people.append(assignment.teacher)
    link = link_to(
        "attendance.register",
        date=report.first_day.isoformat(),
        session=report.first_session.value,
        teacher=assignment.teacher_id if assignment else None,
    )
    body = (
        f"A parent or carer has told ap-field that a pupil will be away: {report.sessions}.\n\n"
        f"See who and why, and the code it suggests, on the register: {link}\n\n"
        "The register is still yours to take: the report does not mark it."
    )
    for person in dict.fromkeys(people):
        queue_mail(person.email, "A parent reported an absence ahead", body)


def withdraw_report(report: AbsenceReport, parent: User, seen_version: int | None) -> None:
    """Until the absence begins and while no register covering it is taken."""
    if report.version != seen_version:
        raise StaleEdit()
    if report.withdrawn_at is not None:
        return
    if register_taken_during(report):
        raise CannotWithdraw(
            "The register has already been taken for this absence, so the report stays."
            " If it was a mistake, call your child's teacher."
        )
    if has_started(report.first_day, report.first_session, london_now()):
        raise CannotWithdraw(
            "This absence has already started, so the report stays. If your child is there"
            " after all, call your child's teacher."
        )
    report.withdrawn_at = utcnow()
    record(
        "absence.withdrawn",
        pupil_id=report.pupil_id,
        parent=parent.name,
        first=plain(report.first_day),
        last=plain(report.last_day),
    )
    commit_or_stale()
