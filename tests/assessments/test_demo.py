import sqlalchemy as sa

from ap_field.assessments.models import Assessment
from ap_field.extensions import db


def test_the_demo_gives_each_taught_pupil_one_baseline(runner):
    for _ in range(2):
        assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    per_pupil = db.session.execute(
        sa.select(Assessment.pupil_id, sa.func.count()).group_by(Assessment.pupil_id)
    ).all()
    assert len(per_pupil) == 10
    assert {count for _, count in per_pupil} == {1}
