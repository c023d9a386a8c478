"""Changes to schools, each with its audit event in one transaction."""

import uuid

from ap_field.audit.models import plain, record
from ap_field.common.writes import apply_edit, commit_or_stale
from ap_field.extensions import db
from ap_field.schools.models import School

SCHOOL_FIELDS = (
    "name",
    "urn",
    "laestab",
    "local_authority",
    "phase",
    "attendance_email",
    "dsl_email",
)


def _snapshot(school: School) -> dict:
    return {name: plain(getattr(school, name)) for name in SCHOOL_FIELDS}


def add_school(values: dict, client_uuid: uuid.UUID) -> School:
    school = School(client_uuid=client_uuid, **values)
    db.session.add(school)
    db.session.flush()
    record("school.added", pupil_id=None, school_id=school.id, after=_snapshot(school))
    db.session.commit()
    return school


def update_school(school: School, values: dict, seen_version: int | None) -> None:
    if (changed := apply_edit(school, values, seen_version, _snapshot)) is None:
        return
    before, after = changed
    record("school.updated", pupil_id=None, school_id=school.id, before=before, after=after)
    commit_or_stale()
