"""The demo programme's registers show real figures: a pupil past 15 days missed, and an
absence to follow up."""

from datetime import date

import sqlalchemy as sa

from ap_field.attendance.models import AttendanceMark, reportable_pupils
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.pupils.models import Pupil


def test_demo_registers_are_seeded_once_with_a_pupil_to_report(runner):
    runner.invoke(args=["demo", "seed"])
    marks = db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceMark))
    runner.invoke(args=["demo", "seed"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceMark)) == marks
    assert marks > 10 * 40

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
