import sqlalchemy as sa

from ap_field.assessments.models import Assessment
from ap_field.extensions import db


def test_the_demo_gives_each_taught_pupil_one_baseline_and_every_other_one_a_second(runner):
    counts = []
    for _ in range(2):
        assert runner.invoke(args=["demo", "seed"]).exit_code == 0
        counts.append(
            db.session.execute(
                sa.select(Assessment.pupil_id, sa.func.count()).group_by(Assessment.pupil_id)
            ).all()
        )
    assert counts[0] == counts[1], "seeding again adds none"
    per_pupil = dict(counts[1])
    assert len(per_pupil) == 10
    assert sorted(per_pupil.values()) == [1] * 5 + [2] * 5
