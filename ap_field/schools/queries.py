from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from ap_field.attendance.figures import week_first_day
from ap_field.attendance.models import AttendanceMark, RegisterSession
from ap_field.attendance.queries import marks_of_pupil
from ap_field.auth.models import User
from ap_field.extensions import db
from ap_field.pupils.models import Pupil, PupilStatus
from ap_field.schools.models import School


def schools_by_name() -> list[sa.Row]:
    """Each school's id and name, by name, for a list to choose from."""
    return db.session.execute(
        sa.select(School.id, School.name).order_by(School.name, School.id)
    ).all()


def schools_with_pupil_counts() -> list[tuple[School, int]]:
    """Every school, by name, with how many of its pupils are on the programme now."""
    open_pupils = (
        sa.select(Pupil.school_id, sa.func.count(Pupil.id).label("pupils"))
        .where(Pupil.status != PupilStatus.CLOSED)
        .group_by(Pupil.school_id)
        .subquery()
    )
    query = (
        sa.select(School, sa.func.coalesce(open_pupils.c.pupils, 0))
        .outerjoin(open_pupils, open_pupils.c.school_id == School.id)
        .order_by(School.name)
    )
    return [(school, count) for school, count in db.session.execute(query)]


def school_or_404(school_id: int) -> School:
    return db.get_or_404(School, school_id)


@dataclass(frozen=True)
class RegisterDay:
    day: date
    am: AttendanceMark | None
    pm: AttendanceMark | None


def register_weeks(pupil: Pupil, today: date, weeks: int) -> list[list[RegisterDay]]:
    """The pupil's marks, Monday to Friday, for the last `weeks` weeks up to today, newest week
    first; one query."""
    first = week_first_day(today) - timedelta(weeks=weeks - 1)
    marks = marks_of_pupil(pupil.id, first, today)
    return [
        [
            RegisterDay(
                day, marks.get((day, RegisterSession.AM)), marks.get((day, RegisterSession.PM))
            )
            for offset in range(5)
            if (day := monday + timedelta(days=offset)) <= today
        ]
        for monday in reversed([first + timedelta(weeks=week) for week in range(weeks)])
    ]


def officers_of(school: School) -> list[User]:
    return list(
        db.session.scalars(sa.select(User).where(User.school_id == school.id).order_by(User.name))
    )
