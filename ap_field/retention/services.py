"""Anonymising a pupil whose retention period is over (docs/architecture.md, "Retention").

Everything that names or describes the child goes, in one transaction with one audit event;
what the programme counts stays: attendance marks and codes, hours and minutes, dates,
categories, statuses, scores and ratings, so its figures add up as they did. The
append-only records give way only inside `anonymising` (ap_field/common/append_only.py).
"""

import logging
import secrets
from datetime import date

import sqlalchemy as sa
from flask import current_app

from ap_field.absences.models import AbsenceReport
from ap_field.assessments.models import Assessment
from ap_field.attendance.models import AttendanceMarkChange
from ap_field.audit.models import declare_events, record
from ap_field.auth.devices import sign_out_everywhere
from ap_field.auth.models import User
from ap_field.common.append_only import anonymising
from ap_field.common.time import london_today, utcnow
from ap_field.extensions import db
from ap_field.mail.models import OutgoingMail
from ap_field.parents.models import (
    DisputeReply,
    ParentInvitation,
    ParentLink,
    SessionConfirmation,
)
from ap_field.photos.services import delete_files
from ap_field.plans.models import (
    LearningPlan,
    PlanAgreement,
    PlanTarget,
    Review,
    TargetProgress,
    TimetableSlot,
)
from ap_field.pupils.models import Pupil, PupilStatus, academic_year_start
from ap_field.push.models import PushSubscription
from ap_field.retention.queries import (
    audit_events_of,
    has_other_children,
    owned_by,
    parents_of,
    photo_links,
    photos_of,
    pupils_due,
    records_of,
)
from ap_field.safeguarding.models import Concern, ConcernAction, ConcernAddendum, ConcernClosure
from ap_field.schools.notice_models import AttendanceNotice, NoticeLine
from ap_field.sessions.models import NoteAddendum, SessionNote
from ap_field.visits.models import HomeVisit, VisitAction

logger = logging.getLogger(__name__)

declare_events(
    {
        "pupil.anonymised": (
            "Record anonymised: its retention period was over",
            {"rule", "closed_on"},
        )
    }
)

# What a text about the child reads once anonymised.
ANONYMISED = "Anonymised"

# The free text of each kind of record about a pupil, and anything naming a person in it.
BLANKED = {
    SessionNote: ("place", "progress", "wellbeing", "next_steps"),
    NoteAddendum: ("text",),
    HomeVisit: (
        "address",
        "purpose_other",
        "others_present",
        "concerns",
        "child_voice",
        "parent_voice",
    ),
    VisitAction: ("description", "owner"),
    LearningPlan: ("aims", "success_criteria", "transition_plan"),
    PlanTarget: ("description", "baseline", "goal", "measure"),
    PlanAgreement: ("agreed_by",),
    TimetableSlot: ("place",),
    Review: ("timetable_changes",),
    TargetProgress: ("comment",),
    Assessment: (
        "barrier_other",
        "barrier_notes",
        "interests_and_strengths",
        "communication_and_send_needs",
        "focus_other",
    ),
    AttendanceMarkChange: ("reason",),
    AbsenceReport: ("note",),
    SessionConfirmation: ("comment",),
    DisputeReply: ("reply",),
    Concern: (
        "place",
        "category_other",
        "what_happened",
        "child_words",
        "others_present",
        "action_taken",
        "body_marks",
    ),
    ConcernAction: ("taken_by", "note", "reference", "referral_outcome"),
    ConcernAddendum: ("text",),
    ConcernClosure: ("rationale", "reopen_reason"),
}

# The details of the pupil's audit events that stay: ids, dates, codes, counts, labels and
# staff's names. Every other key (values before and after, parents' names, comments,
# replies, reasons) is dropped; so is a key an event gains later, until it is listed here.
KEPT_DETAILS = frozenset(
    {
        "action_id",
        "after_expected_finish",
        "assessment_id",
        "closed_on",
        "code",
        "concern",
        "concern_id",
        "date",
        "due_on",
        "expected_finish",
        "expires_at",
        "files",
        "first",
        "held_on",
        "last",
        "minutes",
        "note_id",
        "outcome",
        "party",
        "rule",
        "session",
        "slot",
        "teacher",
        "version",
        "visit_id",
    }
)


def anonymise_due(today: date | None = None) -> int:
    """Anonymise every pupil whose retention period is over; how many were."""
    anonymised = 0
    for pupil_id in [pupil.id for pupil in pupils_due(today or london_today())]:
        try:
            if anonymise(db.session.get(Pupil, pupil_id)):
                anonymised += 1
        except Exception:
            # One pupil's failure leaves the others, and the tick's mail and reminders, to go on.
            db.session.rollback()
            logger.exception(
                "Pupil %s could not be anonymised; the next tick tries again", pupil_id
            )
    return anonymised


def anonymise(pupil: Pupil) -> bool:
    """Anonymise a closed pupil's record and everything about them, once: False if the pupil
    is not closed or was anonymised already (by another tick, say)."""
    if not _claim(pupil):
        db.session.rollback()
        return False
    years = current_app.config["RETENTION_YEARS_OF_AGE"]
    with anonymising(db.session, pupil.id):
        _remove_photos(pupil.id)
        _remove_parents(pupil.id)
        _blank_records(pupil.id)
        _blank_school_notices(pupil.id)
        _clear_audit_trail(pupil.id)
        record(
            "pupil.anonymised",
            pupil_id=pupil.id,
            rule=f"{_ordinal(years)} birthday",
            closed_on=pupil.closed_on,
        )
        _blank_pupil(pupil)
        db.session.commit()
    return True


def _claim(pupil: Pupil) -> bool:
    """Marks the pupil anonymised now, if they are closed and nobody did first; two ticks at
    once claim a pupil once."""
    claimed = db.session.execute(
        sa.update(Pupil)
        .where(
            Pupil.id == pupil.id,
            Pupil.status == PupilStatus.CLOSED,
            Pupil.anonymised_at.is_(None),
        )
        .values(anonymised_at=utcnow())
    )
    return claimed.rowcount == 1


def _blank_pupil(pupil: Pupil) -> None:
    """The date of birth becomes 1 September of the school year the pupil was born in: their
    National Curriculum year, which the figures read, stays what it was, and so does the
    school year in which they left compulsory school age."""
    pupil.legal_name = f"Anonymised pupil {pupil.id}"
    pupil.preferred_name = None
    pupil.case_number = f"ANON-{pupil.id}"
    pupil.upn = None
    pupil.date_of_birth = date(academic_year_start(pupil.date_of_birth), 9, 1)
    pupil.reason_other = None
    pupil.action_to_be_taken = None
    pupil.home_address = pupil.parent_phone = None


def _blank_records(pupil_id: int) -> None:
    for model, names in BLANKED.items():
        columns = [model.__table__.c[name] for name in names]
        for row in records_of(model, pupil_id):
            for column in columns:
                setattr(row, column.key, _blanked(column, getattr(row, column.key)))


def _blank_school_notices(pupil_id: int) -> None:
    """The attendance notices that named the pupil keep what they said (the marks, the
    receipts), not the emails, which held the pupil's name."""
    db.session.execute(
        sa.update(OutgoingMail)
        .where(
            OutgoingMail.id.in_(
                sa.select(AttendanceNotice.mail_id)
                .join(NoticeLine)
                .where(NoticeLine.pupil_id == pupil_id)
            )
        )
        .values(body=ANONYMISED)
        .execution_options(synchronize_session=False)
    )


def _blanked(column: sa.Column, value):
    """A text that held something reads ANONYMISED, so whatever needs it written (a reopened
    concern's reason, a disputed answer's comment) still finds it; an empty one stays empty."""
    if isinstance(column.type, sa.JSON):
        return []
    return ANONYMISED if value else value


def _clear_audit_trail(pupil_id: int) -> None:
    for event in audit_events_of(pupil_id):
        kept = {key: value for key, value in event.details.items() if key in KEPT_DETAILS}
        if kept != event.details:
            event.details = kept


def _remove_photos(pupil_id: int) -> None:
    """The links, the photos' rows and their files go in the transaction."""
    photos = photos_of(pupil_id)
    for links in photo_links():
        db.session.execute(links.records.table.delete().where(owned_by(links.records, pupil_id)))
    for photo in photos:
        db.session.delete(photo)
        delete_files(photo)


def _remove_parents(pupil_id: int) -> None:
    """Links and invitations go; a parent or carer with no other child is anonymised."""
    parents = parents_of(pupil_id)
    for row in [*records_of(ParentLink, pupil_id), *records_of(ParentInvitation, pupil_id)]:
        db.session.delete(row)
    db.session.flush()
    for parent in parents:
        if not has_other_children(parent, pupil_id):
            _anonymise_parent(parent)


def _anonymise_parent(parent: User) -> None:
    """The account can no longer be used, and nothing in it or sent to it names anyone."""
    db.session.execute(sa.delete(OutgoingMail).where(OutgoingMail.to_address == parent.email))
    db.session.execute(sa.delete(PushSubscription).where(PushSubscription.user_id == parent.id))
    sign_out_everywhere(parent)
    parent.name = "Anonymised parent or carer"
    # .invalid is reserved (RFC 2606): no mail is ever delivered there.
    parent.email = f"anonymised-{parent.id}@example.invalid"
    parent.set_password(secrets.token_urlsafe(32))
    parent.active = False


def _ordinal(number: int) -> str:
    """25th, 21st, 22nd, 23rd, 11th."""
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    if 11 <= number % 100 <= 13:
        suffix = "th"
    return f"{number}{suffix}"
