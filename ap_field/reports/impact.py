"""The programme's impact over a period: attendance against each pupil's baseline, academic
progress, and destinations, each as a count of pupils with the pupils behind it.

Read through the caller's scope in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from ap_field.assessments.models import Assessment
from ap_field.attendance.queries import tallies
from ap_field.extensions import db
from ap_field.plans.models import Progress, Review, TargetProgress
from ap_field.pupils.models import Destination, Pupil, PupilStatus

# Positive destinations as the programme's outcome measures name them: a school (mainstream,
# special or registered AP), further education, training, employment.
POSITIVE_DESTINATIONS = frozenset(
    {
        Destination.MAINSTREAM,
        Destination.SPECIAL_SCHOOL,
        Destination.REGISTERED_AP,
        Destination.FURTHER_EDUCATION,
        Destination.TRAINING,
        Destination.EMPLOYMENT,
    }
)
TARGET_PROGRESS_THAT_COUNTS = frozenset({Progress.ON_TRACK, Progress.ACHIEVED})
SCORES = ("literacy_score", "numeracy_score")


@dataclass(frozen=True)
class Finding:
    """One pupil against one measure: whether it counts, and what the page says why."""

    pupil: Pupil
    counts: bool
    reason: str


@dataclass(frozen=True)
class Measure:
    title: str
    findings: list[Finding]

    @property
    def count(self) -> int:
        return sum(1 for finding in self.findings if finding.counts)

    @property
    def of(self) -> int:
        return len(self.findings)

    @property
    def percent(self) -> Decimal | None:
        if not self.findings:
            return None
        return (Decimal(100 * self.count) / self.of).quantize(Decimal("1"))


@dataclass(frozen=True)
class Impact:
    first: date
    last: date
    attendance: Measure
    academic: Measure
    destination: Measure


def pupils_in_period(in_scope: sa.Select, first: date, last: date) -> list[Pupil]:
    """In-scope pupils whose placement began by the last day and had not ended before the
    first (a placement with no planned end is taken to run on)."""
    return list(
        db.session.scalars(
            in_scope.where(
                Pupil.provision_start_date.is_not(None),
                Pupil.provision_start_date <= last,
                sa.or_(Pupil.planned_end_date.is_(None), Pupil.planned_end_date >= first),
            ).order_by(None).order_by(Pupil.legal_name, Pupil.id)
        )
    )  # fmt: skip


def attendance_finding(pupil: Pupil, during: Decimal | None) -> Finding:
    """Improved when attendance in the period (DfE method) is above the baseline before the
    placement; with no baseline, or no marks, there is no improvement to count."""
    before = pupil.attendance_before_percent
    if before is None:
        return Finding(pupil, False, "No baseline")
    if during is None:
        return Finding(pupil, False, f"{before}% before; no marks in the period")
    change = during - before
    return Finding(pupil, change > 0, f"{before}% before, {during}% during ({change:+} points)")


def academic_finding(
    pupil: Pupil, assessments: list[Assessment], reviewed: list[Progress]
) -> Finding:
    """Measurable progress: a higher literacy or numeracy score at the latest assessment
    than at the baseline assessment, or a target reviewed On track or Achieved in the period."""
    gains = []
    if len(assessments) >= 2:
        first, latest = assessments[0], assessments[-1]
        for name in SCORES:
            before, after = getattr(first, name), getattr(latest, name)
            if before is not None and after is not None and after > before:
                gains.append(f"{name.split('_')[0]} score {before} → {after}")
    targets = sum(1 for progress in reviewed if progress in TARGET_PROGRESS_THAT_COUNTS)
    if targets:
        gains.append(f"{targets} target review{'s' if targets > 1 else ''} on track or achieved")
    if gains:
        return Finding(pupil, True, "; ".join(gains).capitalize())
    if not assessments:
        return Finding(pupil, False, "No baseline assessment, no target on track")
    return Finding(pupil, False, "No higher score, no target on track")


def destination_finding(pupil: Pupil) -> Finding:
    if pupil.destination is None:
        return Finding(pupil, False, "Destination not recorded")
    return Finding(pupil, pupil.destination in POSITIVE_DESTINATIONS, pupil.destination.label)


def impact(in_scope: sa.Select, first: date, last: date) -> Impact:
    pupils = pupils_in_period(in_scope, first, last)
    ids = [pupil.id for pupil in pupils]
    during = tallies(ids, first, last)
    assessments: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in db.session.scalars(
        sa.select(Assessment)
        .where(Assessment.pupil_id.in_(ids), Assessment.assessed_on <= last)
        .order_by(Assessment.assessed_on, Assessment.id)
    ):
        assessments[assessment.pupil_id].append(assessment)
    reviewed: dict[int, list[Progress]] = defaultdict(list)
    for pupil_id, progress in db.session.execute(
        sa.select(Review.pupil_id, TargetProgress.progress)
        .join(TargetProgress.review)
        .where(Review.pupil_id.in_(ids), Review.held_on.between(first, last))
    ):
        reviewed[pupil_id].append(progress)
    moved_on = [
        pupil for pupil in pupils if pupil.status == PupilStatus.CLOSED or pupil.destination
    ]
    return Impact(
        first,
        last,
        attendance=Measure(
            "Attendance improved against the baseline",
            [attendance_finding(p, during[p.id].attendance_percent) for p in pupils],
        ),
        academic=Measure(
            "Measurable academic progress",
            [academic_finding(p, assessments[p.id], reviewed[p.id]) for p in pupils],
        ),
        destination=Measure(
            "Moved on to a positive destination",
            [destination_finding(pupil) for pupil in moved_on],
        ),
    )
