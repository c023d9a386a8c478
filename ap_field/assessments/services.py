"""Recording and correcting assessments, each written with its audit event in one transaction."""

from ap_field.assessments.models import Assessment
from ap_field.audit.models import plain, record
from ap_field.auth.models import User
from ap_field.common.writes import add_recorded, apply_edit, commit_or_stale
from ap_field.pupils.models import Pupil

AUDITED_FIELDS = (
    "assessed_on",
    "literacy_level",
    "literacy_score",
    "numeracy_level",
    "numeracy_score",
    "reading_age_years",
    "reading_age_months",
    "wellbeing",
    "resilience",
    "confidence",
    "anxiety",
    "barriers",
    "barrier_other",
    "barrier_notes",
    "interests_and_strengths",
    "communication_and_send_needs",
    "focus_areas",
    "focus_other",
)


def snapshot_of(values: dict) -> dict:
    """The audited fields, as the audit trail keeps them."""
    return {name: plain(values[name]) for name in AUDITED_FIELDS}


def snapshot(assessment: Assessment) -> dict:
    return snapshot_of({name: getattr(assessment, name) for name in AUDITED_FIELDS})


def create_assessment(pupil: Pupil, assessor: User, values: dict) -> Assessment:
    return add_recorded(
        Assessment(pupil_id=pupil.id, assessor_id=assessor.id, **values),
        "assessment.created",
        lambda assessment: {
            "pupil_id": pupil.id,
            "assessment_id": assessment.id,
            "after": snapshot(assessment),
        },
    )


def update_assessment(assessment: Assessment, values: dict, seen_version: int | None) -> None:
    """Apply an edit made on version `seen_version`; refuse it if the record moved on since."""
    if (changed := apply_edit(assessment, values, seen_version, snapshot)) is None:
        return
    before, after = changed
    record(
        "assessment.updated",
        pupil_id=assessment.pupil_id,
        assessment_id=assessment.id,
        before=before,
        after=after,
    )
    commit_or_stale()
