"""Reads for registers and attendance figures; each runs a fixed number of queries, however
many pupils or marks there are."""

import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from math import ceil

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.attendance.clock import AM, PM, due_by, is_school_day
from ap_field.attendance.codes import CODES, NOT_YET_ESTABLISHED, PRESENT_AM, PRESENT_PM
from ap_field.attendance.figures import (
    Period,
    Tally,
    academic_year_first_day,
    periods,
)
from ap_field.attendance.models import (
    AttendanceMark,
    AttendanceMarkChange,
    Concern,
    LocalAuthorityReport,
    RegisterSession,
    reportable_pupils,
)
from ap_field.auth.models import User
from ap_field.calendars.queries import (
    NO_SCHOOL,
    is_pupils_school_day,
    on_school_days,
    schools_closed_on,
)
from ap_field.common.pagination import ListPage
from ap_field.extensions import db
from ap_field.plans.models import FULL_TIME_MINUTES, TimetableSlot, minutes_between
from ap_field.pupils.models import (
    FULL_TIME_HOURS,
    CaseloadAssignment,
    Pupil,
    PupilStatus,
    academic_year_start,
)
from ap_field.pupils.queries import joined_to_scope, of_compulsory_school_age, pupils_in_scope
from ap_field.sessions.queries import Delivery, deliveries

QUICK_CODES = (PRESENT_AM, "L", NOT_YET_ESTABLISHED)
MORE_QUICK_CODES = 2
POPULAR_SINCE = timedelta(days=28)
FOLLOW_UP_DAYS = 7
EXPORT_BATCH = 1_000  # rows read from the database at a time
EXPORT_HEADER = [
    "UPN", "Case number", "Legal name", "School on roll", "Date", "Session",
    "Code", "Meaning", "Category", "Minutes late",
]  # fmt: skip


def block_of(user: User, teacher: User) -> list[Pupil]:
    """The teacher's current caseload, by name, as far as `user` may see it."""
    held = sa.select(CaseloadAssignment.pupil_id).where(
        CaseloadAssignment.teacher_id == teacher.id, CaseloadAssignment.ended_on.is_(None)
    )
    return list(
        db.session.scalars(
            pupils_in_scope(user).where(Pupil.id.in_(held)).order_by(Pupil.display_name, Pupil.id)
        )
    )


def marks_for(
    pupil_ids: list[int], day: date, session: RegisterSession
) -> dict[int, AttendanceMark]:
    marks = db.session.scalars(
        sa.select(AttendanceMark)
        .where(
            AttendanceMark.pupil_id.in_(pupil_ids),
            AttendanceMark.date == day,
            AttendanceMark.session == session,
        )
        .options(so.joinedload(AttendanceMark.taken_by))
    )
    return {mark.pupil_id: mark for mark in marks}


def marks_of_pupil(
    pupil_id: int, first: date, last: date
) -> dict[tuple[date, RegisterSession], AttendanceMark]:
    """The pupil's marks between two days, by day and session, in one query."""
    marks = db.session.scalars(
        sa.select(AttendanceMark).where(
            AttendanceMark.pupil_id == pupil_id, AttendanceMark.date.between(first, last)
        )
    )
    return {(mark.date, mark.session): mark for mark in marks}


def quick_codes(pupil_ids: list[int], today: date) -> list[str]:
    """Present, late and not yet known, then the block's most used other codes of late."""
    used = db.session.execute(
        sa.select(AttendanceMark.code, sa.func.count())
        .where(
            AttendanceMark.pupil_id.in_(pupil_ids),
            AttendanceMark.date >= today - POPULAR_SINCE,
            AttendanceMark.code.not_in([*QUICK_CODES, PRESENT_PM]),
        )
        .group_by(AttendanceMark.code)
        .order_by(sa.func.count().desc(), AttendanceMark.code)
        .limit(MORE_QUICK_CODES)
    ).all()
    return [*QUICK_CODES, *(code for code, _ in used)]


def history_of(mark: AttendanceMark) -> list[AttendanceMarkChange]:
    return list(
        db.session.scalars(
            mark.changes.select()
            .options(so.joinedload(AttendanceMarkChange.changed_by))
            .order_by(AttendanceMarkChange.id.desc())
        )
    )


@dataclass
class RegisterStatus:
    teacher: sa.Row  # the teacher's id and name: a day's registers read no more of them
    pupils: int  # the pupils whose school is open on the day: a register is due for them
    marked: dict[RegisterSession, int]
    overdue: dict[RegisterSession, bool]

    def is_taken(self, session: RegisterSession) -> bool:
        return self.marked[session] >= self.pupils

    @property
    def is_overdue(self) -> bool:
        return any(self.overdue.values())


def register_statuses(day: date, now: datetime) -> list[RegisterStatus]:
    """Each teacher with a caseload, how much of each of the day's registers is marked, and
    which are still not taken after their due time. A pupil whose school is closed on the day
    has no register due (docs/architecture.md, "Term calendars")."""
    statuses = _statuses(day, now).subquery()
    rows = db.session.execute(sa.select(statuses).order_by(statuses.c.name, statuses.c.id))
    return [_status(row, day, now) for row in rows]


def register_statuses_page(
    day: date, now: datetime, page: int, per_page: int
) -> tuple[ListPage, int]:
    """A page of register_statuses, those not taken by their due time first, and how many
    are not: worked out in the database, one query however many teachers there are. A page
    past the end is the last."""
    statuses = _statuses(day, now).subquery()
    overdue = sa.func.sum(sa.cast(statuses.c.overdue, sa.Integer)).over()
    query = sa.select(statuses, sa.func.count().over().label("total"), overdue.label("late"))
    rows = db.session.execute(
        query.order_by(statuses.c.overdue.desc(), statuses.c.name, statuses.c.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    if not rows and page > 1:
        teachers = db.session.scalar(sa.select(sa.func.count()).select_from(statuses))
        return register_statuses_page(day, now, max(1, ceil(teachers / per_page)), per_page)
    total, late = (rows[0].total, rows[0].late or 0) if rows else (0, 0)
    return ListPage([_status(row, day, now) for row in rows], page, per_page, total), late


def _statuses(day: date, now: datetime) -> sa.Select:
    """Per teacher with a caseload: id, name, the pupils due a register (their school open on
    the day), how many of them are marked each session, and whether a register is overdue.
    The day's marks are read first, by day (ix_attendance_marks_date_pupil_id_session), one
    row per pupil, whatever statistics the database has: looked up pupil by pupil, they would
    be a search of every pupil's year."""
    held = CaseloadAssignment
    is_open = sa.func.coalesce(Pupil.school_id, NO_SCHOOL).not_in(schools_closed_on(day))
    sessions = (AM, PM)
    marks = (
        sa.select(
            AttendanceMark.pupil_id,
            *(
                sa.func.max(sa.cast(AttendanceMark.session == session, sa.Integer)).label(
                    session.value
                )
                for session in sessions
            ),
        )
        .where(AttendanceMark.date == day)
        .group_by(AttendanceMark.pupil_id)
        .subquery("marks_of_the_day")
    )
    due = sa.func.count(Pupil.id).filter(is_open)
    counts = {
        session: sa.func.count(Pupil.id).filter(is_open, marks.c[session.value] == 1)
        for session in sessions
    }
    late = [counts[session] < due for session in sessions if _past_due(day, session, now)]
    return (
        sa.select(
            User.id,
            User.name,
            due.label("pupils"),
            counts[AM].label("marked_am"),
            counts[PM].label("marked_pm"),
            (sa.or_(*late) if late else sa.false()).label("overdue"),
        )
        .join(held, held.teacher_id == User.id)
        .join(Pupil, Pupil.id == held.pupil_id)
        .outerjoin(marks, marks.c.pupil_id == held.pupil_id)
        .where(held.ended_on.is_(None))
        .group_by(User.id, User.name)
    )


def _status(row, day: date, now: datetime) -> RegisterStatus:
    marked = {AM: row.marked_am, PM: row.marked_pm}
    overdue = {
        session: marked[session] < row.pupils and _past_due(day, session, now) for session in marked
    }
    return RegisterStatus(row, row.pupils, marked, overdue)


def _past_due(day: date, session: RegisterSession, now: datetime) -> bool:
    if not is_school_day(day):
        return False
    return day < now.date() or (day == now.date() and now.time() >= due_by(session))


def tallies(pupil_ids: list[int], first: date, last: date) -> dict[int, Tally]:
    """Each pupil's sessions between two days, counted by category, on their school's school
    days only."""
    marks = sa.select(AttendanceMark.pupil_id, AttendanceMark.code, sa.func.count()).where(
        AttendanceMark.pupil_id.in_(pupil_ids), AttendanceMark.date.between(first, last)
    )
    rows = db.session.execute(
        on_school_days(marks, AttendanceMark.date, AttendanceMark.pupil_id, first, last).group_by(
            AttendanceMark.pupil_id, AttendanceMark.code
        )
    ).all()
    counts: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for pupil_id, code, count in rows:
        counts[pupil_id].append((code, count))
    return {pupil_id: Tally.of_counts(counts[pupil_id]) for pupil_id in pupil_ids}


@dataclass
class PeriodFigures:
    period: Period
    tally: Tally
    delivery: Delivery

    @property
    def hours_delivered(self) -> Decimal:
        return _hours(self.delivery.minutes_delivered)

    @property
    def hours_planned(self) -> Decimal:
        return _hours(self.delivery.minutes_planned)


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"))


def pupil_figures(pupil: Pupil, today: date, half_term_starts) -> list[PeriodFigures]:
    """This week, this half-term and the year to date: sessions by category on the school days
    of the pupil's school, and hours delivered (session notes) against hours planned (the
    timetable) since provision began."""
    figures = []
    year = periods(today, half_term_starts)
    marks = db.session.execute(
        sa.select(AttendanceMark.date, AttendanceMark.code).where(
            AttendanceMark.pupil_id == pupil.id,
            AttendanceMark.date.between(year[-1].first, today),
        )
    ).all()
    started = {
        period: max(period.first, pupil.provision_start_date or period.first) for period in year
    }
    counted = [period for period in year if started[period] <= period.last]
    spans = [(started[period], period.last) for period in counted]
    delivered = dict(zip(counted, deliveries(pupil, spans), strict=True))
    marks = [(day, code) for day, code in marks if is_pupils_school_day(pupil, day)]
    for period in year:
        tally = Tally.of(code for day, code in marks if day in period)
        figures.append(PeriodFigures(period, tally, delivered.get(period, Delivery(0, 0, 0, 0))))
    return figures


@dataclass
class Watched:
    """A pupil on the lead's attendance screen, and whether they have been reported yet."""

    pupil: Pupil
    tally: Tally | None = None
    planned_hours: Decimal | None = None
    timetabled_hours: Decimal | None = None
    report: LocalAuthorityReport | None = None


def missing_education_ids(in_scope: sa.Select, today: date) -> list[int]:
    """Open pupils of compulsory school age with 15 or more days missed this school year, by
    name."""
    return list(
        db.session.scalars(
            in_scope.with_only_columns(Pupil.id)
            .where(
                Pupil.id.in_(reportable_pupils(today)),
                Pupil.status != PupilStatus.CLOSED,
                of_compulsory_school_age(today),
            )
            .order_by(Pupil.display_name, Pupil.id)
        )
    )


def missing_education(pupil_ids: list[int], today: date) -> list[Watched]:
    pupils = _pupils_in_order(pupil_ids)
    counted = tallies(pupil_ids, academic_year_first_day(today), today)
    reports = _reports(pupil_ids, Concern.MISSED_15_DAYS, today)
    return [
        Watched(pupil, tally=counted[pupil.id], report=reports.get(pupil.id)) for pupil in pupils
    ]


def _timetabled_minutes(pupil_ids: sa.Select | list[int]) -> dict[int, int]:
    minutes: dict[int, int] = defaultdict(int)
    for pupil_id, starts_at, ends_at in db.session.execute(
        sa.select(TimetableSlot.pupil_id, TimetableSlot.starts_at, TimetableSlot.ends_at).where(
            TimetableSlot.pupil_id.in_(pupil_ids)
        )
    ):
        minutes[pupil_id] += minutes_between(starts_at, ends_at)
    return minutes


def under_full_time_ids(in_scope: sa.Select, today: date) -> list[int]:
    """Open pupils of compulsory school age planned for under 25 hours a week, or timetabled
    for under 25 hours, by name: read as ids and times only, so counting them costs little."""
    open_pupils = in_scope.where(
        Pupil.status != PupilStatus.CLOSED, of_compulsory_school_age(today)
    )
    planned = db.session.execute(
        open_pupils.with_only_columns(Pupil.id, Pupil.planned_hours_per_week).order_by(
            Pupil.display_name, Pupil.id
        )
    ).all()
    timetabled = _timetabled_minutes(open_pupils.with_only_columns(Pupil.id).order_by(None))
    return [
        pupil_id
        for pupil_id, hours in planned
        if (hours is not None and hours < FULL_TIME_HOURS)
        or (pupil_id in timetabled and timetabled[pupil_id] < FULL_TIME_MINUTES)
    ]


def under_full_time(pupil_ids: list[int], today: date) -> list[Watched]:
    pupils = _pupils_in_order(pupil_ids)
    timetabled = _timetabled_minutes(pupil_ids)
    reports = _reports(pupil_ids, Concern.UNDER_25_HOURS, today)
    return [
        Watched(
            pupil,
            planned_hours=pupil.planned_hours_per_week,
            timetabled_hours=_hours(timetabled[pupil.id]) if pupil.id in timetabled else None,
            report=reports.get(pupil.id),
        )
        for pupil in pupils
    ]


def _pupils_in_order(pupil_ids: list[int]) -> list[Pupil]:
    found = {p.id: p for p in db.session.scalars(sa.select(Pupil).where(Pupil.id.in_(pupil_ids)))}
    return [found[pupil_id] for pupil_id in pupil_ids]


def _reports(
    pupil_ids: list[int], concern: Concern, today: date
) -> dict[int, LocalAuthorityReport]:
    reports = db.session.scalars(
        sa.select(LocalAuthorityReport)
        .where(
            LocalAuthorityReport.pupil_id.in_(pupil_ids),
            LocalAuthorityReport.concern == concern,
            LocalAuthorityReport.academic_year == academic_year_start(today),
        )
        .options(so.joinedload(LocalAuthorityReport.reported_by))
    )
    return {report.pupil_id: report for report in reports}


def unexplained_absences(in_scope: sa.Select, today: date) -> sa.Select:
    """The in-scope pupils' marks still N (reason not yet established) from the last week,
    newest first: each needs following up, today's the same day."""
    return (
        joined_to_scope(sa.select(AttendanceMark), AttendanceMark.pupil_id, in_scope)
        .where(
            AttendanceMark.code == NOT_YET_ESTABLISHED,
            AttendanceMark.date.between(today - timedelta(days=FOLLOW_UP_DAYS), today),
        )
        .options(so.joinedload(AttendanceMark.pupil), so.joinedload(AttendanceMark.taken_by))
        .order_by(AttendanceMark.date.desc(), AttendanceMark.session.desc(), AttendanceMark.id)
    )


def unexplained_absences_of(user: User, today: date) -> list[AttendanceMark]:
    """Every unexplained absence of the pupils `user` may see: a teacher's block is small."""
    return list(db.session.scalars(unexplained_absences(pupils_in_scope(user), today)))


def export_rows(in_scope: sa.Select, first: date, last: date) -> Iterator[list]:
    """One row per pupil per school-day session of the range, in pupil then date order; a
    session without a mark is exported with an empty code, so gaps are visible. Dates stay
    dates and minutes late a number (or None), for spreadsheets to sort.

    One query, its rows read as they are written (a server-side cursor on PostgreSQL), each
    pupil's marks held only while their rows are: memory stays flat however many pupils.
    A download stopped part way closes the cursor with it."""
    statement = (
        in_scope.with_only_columns(
            Pupil.id,
            Pupil.upn,
            Pupil.case_number,
            Pupil.legal_name,
            Pupil.school_on_roll,
            AttendanceMark.date,
            AttendanceMark.session,
            AttendanceMark.code,
            AttendanceMark.minutes_late,
        )
        .outerjoin(
            AttendanceMark,
            sa.and_(AttendanceMark.pupil_id == Pupil.id, AttendanceMark.date.between(first, last)),
        )
        .order_by(Pupil.display_name, Pupil.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    with db.session.execute(statement) as rows:
        for _, pupil_rows in itertools.groupby(rows, key=lambda row: row.id):
            yield from _pupil_export_rows(list(pupil_rows), days)


def _pupil_export_rows(pupil_rows: list[sa.Row], days: list[date]) -> Iterator[list]:
    """A pupil's rows of the register export, from their pupil-and-mark rows (one, with no
    mark, if they have none in the range)."""
    pupil = pupil_rows[0]
    found = {
        (row.date, row.session): (row.code, row.minutes_late)
        for row in pupil_rows
        if row.date is not None
    }
    for day in days:
        if day.weekday() > 4 and not any((day, session) in found for session in (AM, PM)):
            continue
        for session in (AM, PM):
            code, late = found.get((day, session), ("", None))
            meaning = CODES[code].meaning if code else "No mark"
            category = CODES[code].category.label if code else ""
            yield [
                pupil.upn or "", pupil.case_number, pupil.legal_name,
                pupil.school_on_roll or "", day, session.label,
                code, meaning, category, late,
            ]  # fmt: skip


def find_mark(pupil_id: int, day: date, session: RegisterSession) -> AttendanceMark | None:
    return db.session.scalar(
        sa.select(AttendanceMark).where(
            AttendanceMark.pupil_id == pupil_id,
            AttendanceMark.date == day,
            AttendanceMark.session == session,
        )
    )
