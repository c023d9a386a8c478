"""Which pupils' retention periods are over, and what anonymising one finds of theirs
(docs/architecture.md, "Retention"). A pupil's records are found from the schema, as the
subject access export finds them (`reports.subject_access.record_tables`)."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app

from ap_field.absences.models import AbsenceReport
from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role, User
from ap_field.extensions import db
from ap_field.parents.models import ParentInvitation, ParentLink, SessionConfirmation
from ap_field.photos.models import Photo
from ap_field.pupils.models import Pupil, PupilStatus
from ap_field.reports.subject_access import RecordTable, record_tables


def born_on_or_before(today: date, years: int) -> date:
    """The latest date of birth of someone who is `years` old by `today`. A 29 February
    birthday falls on 1 March in other years, so on a 29 February the latest is the 28th."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return date(today.year - years, 2, 28)


def pupils_due(today: date) -> list[Pupil]:
    """Closed pupils not yet anonymised who have reached RETENTION_YEARS_OF_AGE and whose
    placement closed on or before `today`."""
    years = current_app.config["RETENTION_YEARS_OF_AGE"]
    return list(
        db.session.scalars(
            sa.select(Pupil)
            .where(
                Pupil.status == PupilStatus.CLOSED,
                Pupil.anonymised_at.is_(None),
                Pupil.closed_on <= today,
                Pupil.date_of_birth <= born_on_or_before(today, years),
            )
            .order_by(Pupil.id)
        )
    )


def owned_by(records: RecordTable, pupil_id: int) -> sa.ColumnElement[bool]:
    """The rows of `records` that are the pupil's, directly or through their rows of another
    table."""
    if records.through is None:
        return records.column == pupil_id
    through = records.through
    return records.column.in_(sa.select(through.c.id).where(through.c.pupil_id == pupil_id))


def _record_table(table: sa.Table) -> RecordTable:
    return next(found for found in record_tables(safeguarding=True) if found.table is table)


def records_of(model: type, pupil_id: int) -> list:
    """Every `model` row of the pupil's records."""
    condition = owned_by(_record_table(model.__table__), pupil_id)
    return list(db.session.scalars(sa.select(model).where(condition).order_by(model.id)))


@dataclass(frozen=True)
class PhotoLinks:
    """A table linking a pupil's records to photos, as `check_answer_photos` links site
    checks' answers (ap_field/photos/models.py)."""

    records: RecordTable
    photo_id: sa.Column


def photo_links() -> list[PhotoLinks]:
    photos = Photo.__table__
    return [
        PhotoLinks(records, column)
        for records in record_tables(safeguarding=True)
        for column in records.table.c
        if any(key.column.table is photos for key in column.foreign_keys)
    ]


def photos_of(pupil_id: int) -> list[Photo]:
    """The photos of the pupil's records, whatever record holds them."""
    photos = []
    for links in photo_links():
        linked = sa.select(links.photo_id).where(owned_by(links.records, pupil_id))
        photos += db.session.scalars(sa.select(Photo).where(Photo.id.in_(linked)))
    return photos


def parents_of(pupil_id: int) -> list[User]:
    """Every parent or carer account that was ever the pupil's: linked now, or once linked
    and still named by an answer, an absence report or an invitation they accepted."""
    ids = sa.union(
        sa.select(ParentLink.parent_id).where(ParentLink.pupil_id == pupil_id),
        sa.select(SessionConfirmation.parent_id).where(SessionConfirmation.pupil_id == pupil_id),
        sa.select(AbsenceReport.parent_id).where(AbsenceReport.pupil_id == pupil_id),
        sa.select(ParentInvitation.accepted_by_id).where(ParentInvitation.pupil_id == pupil_id),
    )
    return list(
        db.session.scalars(
            sa.select(User).where(User.id.in_(ids), User.role == Role.PARENT).order_by(User.id)
        )
    )


def has_other_children(parent: User, pupil_id: int) -> bool:
    other = sa.select(ParentLink.id).where(
        ParentLink.parent_id == parent.id, ParentLink.pupil_id != pupil_id
    )
    return db.session.scalar(sa.select(other.exists()))


def audit_events_of(pupil_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.pupil_id == pupil_id).order_by(AuditEvent.id)
        )
    )
