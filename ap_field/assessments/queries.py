"""A pupil's assessments, the baseline progress is measured from, and the change since."""

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.assessments.models import MEASURES, Assessment
from ap_field.extensions import db
from ap_field.pupils.models import Pupil
from ap_field.pupils.queries import record_of_pupil_or_404


def assessments_of(pupil: Pupil) -> sa.Select[tuple[Assessment]]:
    """The pupil's assessments, earliest first: the first is the baseline."""
    return (
        sa.select(Assessment)
        .where(Assessment.pupil_id == pupil.id)
        .order_by(Assessment.assessed_on, Assessment.id)
    )


def assessment_of_pupil_or_404(pupil: Pupil, assessment_id: int) -> Assessment:
    """The assessment, if it belongs to this pupil (already checked to be in scope)."""
    return record_of_pupil_or_404(Assessment, assessment_id, pupil)


def baseline(pupil: Pupil) -> Assessment | None:
    """The pupil's first assessment (by date, then by when it was recorded)."""
    return db.session.scalar(assessments_of(pupil).limit(1))


def _newest_first(pupil: Pupil) -> sa.Select[tuple[Assessment]]:
    """The pupil's assessments, latest first: by date, then by when each was recorded."""
    return (
        sa.select(Assessment)
        .where(Assessment.pupil_id == pupil.id)
        .order_by(Assessment.assessed_on.desc(), Assessment.id.desc())
    )


def latest(pupil: Pupil) -> Assessment | None:
    return db.session.scalar(_newest_first(pupil).limit(1))


@dataclass(frozen=True)
class MeasureChange:
    """One 1-5 measure at the baseline and now, and whether the change is for the better."""

    label: str
    before: int
    after: int
    higher_is_better: bool

    def __str__(self) -> str:
        return f"{self.label} {self.before} → {self.after}"

    @property
    def direction(self) -> str:
        """'better', 'worse' or 'same': more anxiety is worse, more of the others better."""
        if self.after == self.before:
            return "same"
        return "better" if (self.after > self.before) == self.higher_is_better else "worse"


def changes_from_baseline(assessment: Assessment, first: Assessment) -> list[MeasureChange]:
    """Each 1-5 measure of `assessment` against the baseline `first`: "Wellbeing 2 → 4"."""
    return [
        MeasureChange(label, getattr(first, name), getattr(assessment, name), higher_is_better)
        for name, (label, higher_is_better) in MEASURES.items()
    ]


@dataclass(frozen=True)
class AssessmentSummary:
    """What the pupil page shows: the baseline, the latest and the change between them."""

    baseline: Assessment | None
    latest: Assessment | None
    count: int
    changes: list[MeasureChange]


def assessment_summary(pupil: Pupil) -> AssessmentSummary:
    first, last = baseline(pupil), latest(pupil)
    count = db.session.scalar(sa.select(sa.func.count()).where(Assessment.pupil_id == pupil.id))
    changes = changes_from_baseline(last, first) if last and last.id != first.id else []
    return AssessmentSummary(first, last, count, changes)


def assessment_list(pupil: Pupil) -> list[Assessment]:
    """Every assessment of the pupil, newest first, with its assessor loaded in the same query."""
    return list(
        db.session.scalars(_newest_first(pupil).options(so.joinedload(Assessment.assessor)))
    )
