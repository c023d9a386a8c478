"""The baseline, the latest assessment and the change between them."""

from datetime import timedelta

from ap_field.assessments.queries import (
    assessment_summary,
    baseline,
    changes_from_baseline,
    latest,
)
from ap_field.auth.models import Role
from ap_field.common.time import london_today
from tests.assessments.helpers import make_assessment


def test_baseline_and_latest_follow_the_assessment_dates(make_pupil, make_user):
    pupil, teacher = make_pupil(), make_user(Role.TEACHER)
    assert baseline(pupil) is None
    assert latest(pupil) is None

    today = london_today()
    middle = make_assessment(pupil, teacher, assessed_on=today - timedelta(days=14))
    newest = make_assessment(pupil, teacher, assessed_on=today)
    first = make_assessment(pupil, teacher, assessed_on=today - timedelta(days=28))
    same_day_as_first = make_assessment(pupil, teacher, assessed_on=first.assessed_on)

    assert baseline(pupil) == first
    assert latest(pupil) == newest
    assert middle not in (baseline(pupil), latest(pupil))
    assert same_day_as_first != baseline(pupil)


def test_changes_from_baseline_read_as_before_and_after(make_pupil, make_user):
    pupil, teacher = make_pupil(), make_user(Role.TEACHER)
    first = make_assessment(
        pupil,
        teacher,
        assessed_on=london_today() - timedelta(days=28),
        wellbeing=2,
        resilience=4,
        confidence=3,
        anxiety=5,
    )
    later = make_assessment(pupil, teacher, wellbeing=4, resilience=2, confidence=3, anxiety=2)

    changes = changes_from_baseline(later, first)

    assert [str(change) for change in changes] == [
        "Wellbeing 2 → 4",
        "Resilience 4 → 2",
        "Confidence 3 → 3",
        "Anxiety 5 → 2",
    ]
    assert [change.direction for change in changes] == ["better", "worse", "same", "better"]


def test_the_summary_has_no_changes_until_a_second_assessment(make_pupil, make_user):
    pupil, teacher = make_pupil(), make_user(Role.TEACHER)
    only = make_assessment(pupil, teacher)
    summary = assessment_summary(pupil)
    assert (summary.baseline, summary.latest, summary.count, summary.changes) == (
        only,
        only,
        1,
        [],
    )
