import sqlalchemy as sa

from ap_field.extensions import db
from ap_field.visits.models import HomeVisit, VisitPurpose, VisitStatus


def test_the_demo_has_two_first_home_visits_and_seeding_again_adds_none(runner):
    for _ in range(2):
        assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    visits = db.session.scalars(sa.select(HomeVisit)).all()
    assert len(visits) == 2
    assert {visit.purpose for visit in visits} == {VisitPurpose.FIRST_VISIT}
    assert {visit.status for visit in visits} == {VisitStatus.COMPLETED}
    assert len({visit.pupil_id for visit in visits}) == 2
