"""The demo programme `flask demo seed` builds, seeded once for the module and then seeded again,
which must add nothing: its people, caseloads and parents, registers with a pupil to report,
assessments and first home visits."""

from datetime import date

import pytest
import sqlalchemy as sa
from stdnum.gb import upn

from ap_field.assessments.models import Assessment
from ap_field.attendance.models import AttendanceMark, reportable_pupils
from ap_field.auth.models import Role, User
from ap_field.common.time import london_today
from ap_field.demo import DEMO_PASSWORD
from ap_field.extensions import db
from ap_field.parents.models import Answer, ParentLink, SessionConfirmation
from ap_field.premises.models import Provider
from ap_field.pupils.models import CaseloadAssignment, Pupil
from ap_field.visits.models import HomeVisit, VisitPurpose, VisitStatus
from tests.helpers import LANDING, AuthActions
from tests.test_demo import count

# What the second seed must leave as the first made it.
SEEDED = (User, Pupil, CaseloadAssignment, ParentLink, AttendanceMark, Assessment, HomeVisit)


@pytest.fixture(scope="module")
def transaction(module_transaction):
    return module_transaction


@pytest.fixture(scope="module")
def first_seed(transaction, rollback_app) -> dict:
    """How many of each kind of record the first seed made; the second has run since."""
    runner = rollback_app.test_cli_runner()
    with rollback_app.app_context():
        result = runner.invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
        made = {model: count(model) for model in SEEDED}
        result = runner.invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
    return made


def test_seeding_again_adds_nothing(app, first_seed):
    assert {model: count(model) for model in SEEDED} == first_seed


def test_the_programme_has_its_people_caseloads_and_parents(app, first_seed):
    roles = db.session.execute(sa.select(User.role, sa.func.count()).group_by(User.role)).all()
    assert dict(roles) == {
        Role.ADMIN: 1,
        Role.LEAD: 1,
        Role.TEACHER: 2,
        Role.ASSESSOR: 1,
        Role.PARENT: 13,
        Role.SCHOOL: 1,
    }
    assert count(Pupil) == 13
    assert count(CaseloadAssignment) == 10
    assert count(ParentLink) == 13
    assert count(Provider) == 3
    answers = db.session.scalars(sa.select(SessionConfirmation.answer)).all()
    assert sorted(answers) == [Answer.CONFIRMED] * 6 + [Answer.DISPUTED]
    caseloads = db.session.execute(
        sa.select(CaseloadAssignment.teacher_id, sa.func.count()).group_by(
            CaseloadAssignment.teacher_id
        )
    ).all()
    assert sorted(size for _, size in caseloads) == [5, 5]
    assert all(upn.is_valid(pupil.upn) for pupil in db.session.scalars(sa.select(Pupil)))


def test_every_demo_account_signs_in(app, first_seed):
    for user in db.session.scalars(sa.select(User)):
        client = app.test_client()
        AuthActions(client).login(user, DEMO_PASSWORD)
        assert client.get("/").location == LANDING[user.role][0], user.email


def test_the_registers_show_a_pupil_to_report_and_an_absence_to_follow_up(app, first_seed):
    assert count(AttendanceMark) > 10 * 40
    today = london_today()
    reported = db.session.scalars(
        sa.select(Pupil.legal_name).where(Pupil.id.in_(reportable_pupils(today)))
    ).all()
    assert reported == ["Zara Ahmed"]
    unexplained = db.session.scalar(
        sa.select(sa.func.count()).where(
            AttendanceMark.code == "N",
            AttendanceMark.date >= date.fromordinal(today.toordinal() - 7),
        )
    )
    assert unexplained >= 1


def test_each_taught_pupil_has_one_baseline_and_every_other_one_a_second(app, first_seed):
    per_pupil = dict(
        db.session.execute(
            sa.select(Assessment.pupil_id, sa.func.count()).group_by(Assessment.pupil_id)
        ).all()
    )
    assert len(per_pupil) == 10
    assert sorted(per_pupil.values()) == [1] * 5 + [2] * 5


def test_two_pupils_have_had_their_first_home_visit(app, first_seed):
    visits = db.session.scalars(sa.select(HomeVisit)).all()
    assert len(visits) == 2
    assert {visit.purpose for visit in visits} == {VisitPurpose.FIRST_VISIT}
    assert {visit.status for visit in visits} == {VisitStatus.COMPLETED}
    assert len({visit.pupil_id for visit in visits}) == 2
