"""When `flask demo seed` refuses, and the large programme `flask demo scale` builds; the seeded
demo programme itself is tested in test_demo_programme.py."""

import pytest
import sqlalchemy as sa
from stdnum.gb import upn

from ap_field.attendance.models import AttendanceMark, AttendanceMarkChange
from ap_field.auth.models import Role, User
from ap_field.demo import DEMO_PASSWORD
from ap_field.extensions import db
from ap_field.plans.models import Review
from ap_field.premises.models import Provider, SiteCheck
from ap_field.pupils.models import CaseloadAssignment, Pupil
from ap_field.sessions.models import SessionNote


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_if_empty_leaves_a_database_with_users_alone(runner, make_user):
    make_user(Role.ADMIN)
    result = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert "demo data not added" in result.output
    assert count(Pupil) == 0


@pytest.mark.real_commits
def test_scale_builds_a_large_programme_with_a_year_of_records(runner):
    result = runner.invoke(args=["demo", "scale", "--pupils", "20"])

    assert result.exit_code == 0, result.output
    assert count(Pupil) == 20
    assert count(Provider) == 300
    assert count(SiteCheck) == 300
    caseloads = db.session.execute(
        sa.select(CaseloadAssignment.teacher_id, sa.func.count()).group_by(
            CaseloadAssignment.teacher_id
        )
    ).all()
    assert {size for _, size in caseloads} <= {1, 2, 3, 4, 5}
    assert sum(size for _, size in caseloads) == 18
    taught = {pupil_id for (pupil_id,) in db.session.execute(sa.select(AttendanceMark.pupil_id))}
    assert len(taught) == 18
    assert count(AttendanceMarkChange) == count(AttendanceMark) > 18 * 2 * 150
    assert count(SessionNote) > 18 * 3 * 30
    assert count(Review) > 18 * 20
    assert all(upn.is_valid(pupil.upn) for pupil in db.session.scalars(sa.select(Pupil)))
    teacher = db.session.scalar(sa.select(User).where(User.email == "teacher1@example.org"))
    assert teacher.check_password(DEMO_PASSWORD)


def test_scale_refuses_a_database_with_users(runner, make_user):
    make_user(Role.ADMIN)

    result = runner.invoke(args=["demo", "scale", "--pupils", "5"])

    assert result.exit_code == 1
    assert "already has users" in result.output
    assert count(Pupil) == 0


def test_seed_refuses_outside_development_unless_forced(make_app):
    production = make_app(DEMO_DATA_ALLOWED=False)
    runner = production.test_cli_runner()
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 1
    assert "only added in development" in result.output
    with production.app_context():
        assert count(User) == 0
        assert runner.invoke(args=["demo", "seed", "--force"]).exit_code == 0
        assert count(Pupil) == 13
