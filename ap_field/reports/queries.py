"""The programme's figures, read through the caller's scope in a fixed number of queries,
however many pupils there are."""

import itertools
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ap_field.attendance.figures import Period, Tally, periods
from ap_field.attendance.models import AttendanceMark, reportable_pupils
from ap_field.attendance.queries import under_full_time
from ap_field.extensions import db
from ap_field.premises.queries import compliance_of_all
from ap_field.pupils.models import Pupil, PupilStatus


def programme_tally(in_scope: sa.Select, first: date, last: date) -> Tally:
    """Every in-scope pupil's sessions between two days, counted together by category."""
    rows = db.session.execute(
        sa.select(AttendanceMark.code, sa.func.count())
        .where(
            AttendanceMark.pupil_id.in_(in_scope.with_only_columns(Pupil.id).order_by(None)),
            AttendanceMark.date.between(first, last),
        )
        .group_by(AttendanceMark.code)
    ).all()
    return Tally.of(itertools.chain.from_iterable([code] * count for code, count in rows))


@dataclass
class Dashboard:
    under_25_hours: int
    missed_15_days: int
    attendance: list[tuple[Period, Tally]]
    providers_flagged: int
    providers: int


def dashboard(in_scope: sa.Select, today: date, half_term_starts) -> Dashboard:
    open_pupils = in_scope.where(Pupil.status != PupilStatus.CLOSED)
    missed = db.session.scalar(
        open_pupils.with_only_columns(sa.func.count(Pupil.id))
        .where(Pupil.id.in_(reportable_pupils(today)))
        .order_by(None)
    )
    week, half_term, _year = periods(today, half_term_starts)
    compliance = compliance_of_all()
    return Dashboard(
        under_25_hours=len(under_full_time(in_scope, today)),
        missed_15_days=missed,
        attendance=[
            (period, programme_tally(in_scope, period.first, period.last))
            for period in (week, half_term)
        ],
        providers_flagged=sum(1 for provider in compliance if provider.flags),
        providers=len(compliance),
    )
