"""Changes to pupils and caseloads, each written with its audit event in one transaction."""

from datetime import date

import sqlalchemy as sa

from ap_field.audit.models import plain, record
from ap_field.auth.models import Role, User
from ap_field.common.time import london_today
from ap_field.common.writes import add_recorded, apply_edit, commit_or_stale
from ap_field.extensions import db
from ap_field.pupils.models import CASELOAD_LIMIT, CaseloadAssignment, Pupil, PupilStatus
from ap_field.pupils.queries import current_assignment

AUDITED_FIELDS = (
    "case_number",
    "legal_name",
    "preferred_name",
    "date_of_birth",
    "gender",
    "ethnicity",
    "upn",
    "send_status",
    "looked_after",
    "free_school_meals",
    "locality_team",
    "home_address",
    "parent_phone",
    "school_id",
    "commissioner",
    "exclusion_type",
    "reasons",
    "reason_other",
    "provision_start_date",
    "planned_end_date",
    "planned_hours_per_week",
    "attendance_before_percent",
    "review_date",
    "action_to_be_taken",
    "status",
    "destination",
)


class CaseloadFull(Exception):
    def __init__(self, teacher: User):
        super().__init__(
            f"{teacher.name} already holds {CASELOAD_LIMIT} pupils, the most a community "
            f"teacher may hold. Move one of their pupils first, or choose another teacher."
        )


def snapshot(pupil: Pupil) -> dict:
    """The audited fields of a record, as the audit trail keeps them."""
    return snapshot_of({name: getattr(pupil, name) for name in (*AUDITED_FIELDS, "providers")})


def snapshot_of(values: dict) -> dict:
    plain_values = {name: plain(values[name]) for name in AUDITED_FIELDS}
    plain_values["providers"] = [provider.name for provider in values["providers"]]
    return plain_values


def create_pupil(values: dict, override: dict | None = None) -> Pupil:
    """A new record; `override`, a lead's reason to place the pupil at a provider that
    should take no one new, is kept in its audit trail."""
    return add_recorded(
        Pupil(**values),
        "pupil.created",
        lambda pupil: {"pupil_id": pupil.id, "after": snapshot(pupil)},
        lambda pupil: _record_override(pupil, override),
    )


def _record_override(pupil: Pupil, override: dict | None) -> None:
    if override is not None:
        record("pupil.placement_override", pupil_id=pupil.id, **override)


def update_pupil(
    pupil: Pupil, values: dict, seen_version: int, override: dict | None = None
) -> Pupil:
    """Apply an edit made on version `seen_version`; refuse it if the record moved on since."""
    if (changed := apply_edit(pupil, values, seen_version, snapshot)) is None:
        return pupil
    before, after = changed
    record("pupil.updated", pupil_id=pupil.id, before=before, after=after)
    _record_override(pupil, override)
    if pupil.status == PupilStatus.CLOSED:
        end_assignment(pupil, reason="Record closed")
    commit_or_stale()
    return pupil


def end_assignment(pupil: Pupil, reason: str, on: date | None = None) -> None:
    assignment = current_assignment(pupil)
    if assignment is None:
        return
    assignment.ended_on = on or london_today()
    record(
        "caseload.ended",
        pupil_id=pupil.id,
        teacher=assignment.teacher.name,
        reason=reason,
    )
    db.session.flush()


def assign(pupil: Pupil, teacher: User, assigned_by: User | None, on: date | None = None) -> None:
    """Put `pupil` in `teacher`'s caseload, ending any other teacher's hold on them.

    The free slot is chosen here and the database's unique open slot settles a race:
    if another assignment took the slot first, the commit fails and we look again.
    """
    if teacher.role != Role.TEACHER or not teacher.active:
        raise ValueError("Only an active community teacher can hold a caseload")
    on = on or london_today()
    current = current_assignment(pupil)
    if current is not None and current.teacher_id == teacher.id:
        return
    for _attempt in range(CASELOAD_LIMIT + 1):
        taken = set(
            db.session.scalars(
                sa.select(CaseloadAssignment.slot).where(
                    CaseloadAssignment.teacher_id == teacher.id,
                    CaseloadAssignment.ended_on.is_(None),
                )
            )
        )
        free = sorted(set(range(1, CASELOAD_LIMIT + 1)) - taken)
        if not free:
            db.session.rollback()
            raise CaseloadFull(teacher)
        end_assignment(pupil, reason=f"Moved to {teacher.name}", on=on)
        db.session.add(
            CaseloadAssignment(
                pupil_id=pupil.id,
                teacher_id=teacher.id,
                slot=free[0],
                assigned_by_id=assigned_by.id if assigned_by else None,
                started_on=on,
            )
        )
        record("caseload.assigned", pupil_id=pupil.id, teacher=teacher.name, slot=free[0])
        try:
            db.session.commit()
            return
        except sa.exc.IntegrityError:
            db.session.rollback()
    raise CaseloadFull(teacher)
