"""The programme's figures, read through the caller's scope in a fixed number of queries,
however many pupils there are."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from math import ceil

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.dialects import postgresql, sqlite

from ap_field.assessments.models import Assessment
from ap_field.assessments.queries import MeasureChange, assessment_summary
from ap_field.attendance.figures import Period, Tally, periods, week_first_day
from ap_field.attendance.models import AttendanceMark
from ap_field.attendance.queries import missing_education_ids, tallies, under_full_time_ids
from ap_field.auth.models import Role, User
from ap_field.calendars.queries import half_term_starts as programme_half_term_starts
from ap_field.common.pagination import ListPage
from ap_field.common.time import LONDON
from ap_field.extensions import db
from ap_field.plans.models import PlanTarget, Progress, Review, TargetProgress
from ap_field.plans.queries import (
    Disagreement,
    current_plan,
    disagreement_order,
    disagreements,
    review_attendance,
)
from ap_field.premises.queries import compliance_of_all
from ap_field.pupils.models import FULL_TIME_HOURS, CaseloadAssignment, Pupil, PupilStatus
from ap_field.pupils.queries import EVERY_PUPIL, joined_to_scope, pupils_in_scope
from ap_field.reports.charts import Chart, Point, columns, rows, trend
from ap_field.reports.models import ProgrammeDisagreement, ProgrammeSnapshot
from ap_field.sessions.models import SessionNote
from ap_field.sessions.queries import Delivery, delivery_between

EVIDENCE_NOTES = 10
WEEKS_CHARTED = 12
PROGRAMME = 1  # the snapshot's one row
PROGRAMME_READERS = (Role.LEAD, Role.ADMIN)
KEPT_FOR = timedelta(minutes=5)
# `flask reminders tick` works the figures out again unless someone did within this long, so
# that leads seldom wait for them.
REFRESHED_WITHIN = timedelta(minutes=1)
DISAGREEMENTS_PAGE_SIZE = 25


def _code_counts(query: sa.Select) -> list[list]:
    """(code, sessions) pairs as JSON keeps them."""
    return [[code, count] for code, count in db.session.execute(query)]


@dataclass
class Dashboard:
    under_25_hours: int
    missed_15_days: int
    attendance: list[tuple[Period, Tally]]
    providers_flagged: int
    providers: int
    trend: Chart
    computed_at: datetime


def programme_snapshot(user: User, now: datetime, half_term_starts) -> ProgrammeSnapshot:
    """The programme's figures as kept when they were worked out today less than KEPT_FOR
    ago; otherwise worked out now and kept. They are the whole programme's, shared by
    everyone who reads them, so only those who see every pupil may."""
    if user.role not in PROGRAMME_READERS:
        raise PermissionError("The programme's figures are for leads and admins")
    snapshot = db.session.get(ProgrammeSnapshot, PROGRAMME)
    if _older_than(snapshot, KEPT_FOR, now):
        snapshot = _work_out(pupils_in_scope(user), now, half_term_starts)
    return snapshot


def refresh_programme_figures(now: datetime) -> bool:
    """The programme's figures worked out again and kept, as `flask reminders tick` does every
    few minutes so that a lead's visit finds them kept, unless they were worked out less than
    REFRESHED_WITHIN ago. Whether they were."""
    if not _older_than(db.session.get(ProgrammeSnapshot, PROGRAMME), REFRESHED_WITHIN, now):
        return False
    _work_out(EVERY_PUPIL, now, programme_half_term_starts(now.astimezone(LONDON).date()))
    return True


def _older_than(snapshot: ProgrammeSnapshot | None, age: timedelta, now: datetime) -> bool:
    """Whether there are no figures kept today, or they were worked out `age` or longer ago."""
    return (
        snapshot is None
        or snapshot.for_day != now.astimezone(LONDON).date()
        or now - snapshot.computed_at >= age
    )


def _work_out(in_scope: sa.Select, now: datetime, half_term_starts) -> ProgrammeSnapshot:
    today = now.astimezone(LONDON).date()
    figures = _programme_figures(in_scope, today, half_term_starts)
    return _keep(now, figures, in_scope, today, half_term_starts)


def dashboard(snapshot: ProgrammeSnapshot, half_term_starts) -> Dashboard:
    week, half_term, _year = periods(snapshot.for_day, half_term_starts)
    figures = snapshot.figures
    return Dashboard(
        under_25_hours=len(figures["under_full_time"]),
        missed_15_days=len(figures["missing_education"]),
        attendance=[
            (week, Tally.of_counts(figures["week"])),
            (half_term, Tally.of_counts(figures["half_term"])),
        ],
        providers_flagged=figures["providers_flagged"],
        providers=figures["providers"],
        trend=_trend(figures["trend"]),
        computed_at=snapshot.computed_at,
    )


@dataclass
class Disagreements:
    """A page of the sessions this half-term where the register and the session notes
    disagree, as kept with the programme's figures."""

    period: Period
    page: ListPage


def disagreements_this_half_term(
    snapshot: ProgrammeSnapshot, half_term_starts, page: int
) -> Disagreements:
    """The page numbered `page`, or the last one there is, read by position."""
    _week, half_term, _year = periods(snapshot.for_day, half_term_starts)
    total, items = _kept_disagreements_page(page)
    last = max(1, ceil(total / DISAGREEMENTS_PAGE_SIZE))
    if not 1 <= page <= last:
        page = min(max(page, 1), last)
        total, items = _kept_disagreements_page(page)
    return Disagreements(half_term, ListPage(items, page, DISAGREEMENTS_PAGE_SIZE, total))


def _kept_disagreements_page(page: int) -> tuple[int, list[Disagreement]]:
    """How many disagreements are kept, and the page of them, in one statement: so both come
    from the same refresh of the figures, even while another is committed. Positions run
    from 1 without a gap, so the last one is how many there are."""
    kept = ProgrammeDisagreement
    first = (page - 1) * DISAGREEMENTS_PAGE_SIZE + 1
    counted = sa.select(sa.func.coalesce(sa.func.max(kept.position), 0).label("total")).subquery()
    listed = (
        sa.select(
            kept.position,
            kept.pupil_id,
            Pupil.display_name,
            kept.day,
            kept.session,
            kept.code,
            kept.note_id,
        )
        .join(Pupil, Pupil.id == kept.pupil_id)
        .where(kept.position.between(first, first + DISAGREEMENTS_PAGE_SIZE - 1))
        .subquery()
    )
    rows = db.session.execute(
        sa.select(counted.c.total, *list(listed.c)[1:])
        .select_from(counted.outerjoin(listed, sa.true()))
        .order_by(listed.c.position)
    ).all()
    items = [Disagreement(*row[1:]) for row in rows if row.pupil_id is not None]
    return rows[0].total, items


DISAGREEMENT_COLUMNS = ("position", "pupil_id", "day", "session", "code", "note_id")


def _stage_disagreements(in_scope: sa.Select, today: date, half_term_starts) -> sa.Table:
    """This half-term's disagreements, numbered in the page's order, in a temporary table of
    the connection's own: the long read takes no lock on what others write (SQLite's one
    writer at a time)."""
    _week, half_term, _year = periods(today, half_term_starts)
    listed = disagreements(in_scope, half_term.first, half_term.last).order_by(None).subquery()
    position = sa.func.row_number().over(order_by=disagreement_order(listed.c))
    staged = sa.Table(
        "staged_disagreements",
        sa.MetaData(),
        sa.Column("position", sa.Integer),
        sa.Column("pupil_id", sa.Integer),
        sa.Column("day", sa.Date),
        sa.Column("session", sa.String(2)),
        sa.Column("code", sa.String(2)),
        sa.Column("note_id", sa.Integer),
        prefixes=["TEMPORARY"],
    )
    staged.create(db.session.connection())
    db.session.execute(
        staged.insert().from_select(
            DISAGREEMENT_COLUMNS,
            sa.select(position, *(listed.c[name] for name in DISAGREEMENT_COLUMNS[1:])),
        )
    )
    return staged


def _keep_disagreements(staged: sa.Table) -> None:
    """The staged disagreements written over those kept, the staging dropped."""
    kept = ProgrammeDisagreement.__table__
    db.session.execute(kept.delete())
    db.session.execute(kept.insert().from_select(DISAGREEMENT_COLUMNS, sa.select(staged)))
    staged.drop(db.session.connection())


def _trend(weekly: list[list]) -> Chart:
    points = []
    for monday, counts in weekly:
        percent = Tally.of_counts(counts).attendance_percent
        points.append(Point(_week_label(date.fromisoformat(monday)), percent))
    return trend(points)


def _programme_figures(in_scope: sa.Select, today: date, half_term_starts) -> dict:
    """What the lead's pages show of every in-scope pupil and provider, as JSON keeps it:
    the pupils to watch as ids, by name."""
    week, half_term, _year = periods(today, half_term_starts)
    compliance = compliance_of_all()
    return {
        "under_full_time": under_full_time_ids(in_scope, today),
        "missing_education": missing_education_ids(in_scope, today),
        "week": _code_counts(_tally_of_marks(in_scope, week.first, week.last)),
        "half_term": _code_counts(_tally_of_marks(in_scope, half_term.first, half_term.last)),
        "providers_flagged": sum(1 for provider in compliance if provider.flags),
        "providers": len(compliance),
        "trend": _weekly_counts(in_scope, today),
    }


def _keep(
    now: datetime, figures: dict, in_scope: sa.Select, today: date, half_term_starts
) -> ProgrammeSnapshot:
    """The figures written over the snapshot, then the disagreements (worked out first, aside)
    over those kept, all committed at once: the pages that read them change nothing else. Two
    leads computing at once both write; the last wins. The snapshot's row, written first,
    keeps the second waiting until the first has committed, so that it writes its
    disagreements over the first's."""
    staged = _stage_disagreements(in_scope, today, half_term_starts)
    dialect = sqlite if db.engine.dialect.name == "sqlite" else postgresql
    values = {"id": PROGRAMME, "for_day": today, "computed_at": now, "figures": figures}
    upsert = dialect.insert(ProgrammeSnapshot).values(values)
    upsert = upsert.on_conflict_do_update(
        index_elements=["id"],
        set_={name: upsert.excluded[name] for name in ("for_day", "computed_at", "figures")},
    )
    db.session.execute(upsert)
    _keep_disagreements(staged)
    db.session.commit()
    return ProgrammeSnapshot(**values)


def _tally_of_marks(in_scope: sa.Select, first: date, last: date) -> sa.Select:
    """Every in-scope pupil's sessions between two days, counted by code."""
    return (
        joined_to_scope(
            sa.select(AttendanceMark.code, sa.func.count()), AttendanceMark.pupil_id, in_scope
        )
        .where(AttendanceMark.date.between(first, last))
        .group_by(AttendanceMark.code)
    )


def _weekly_counts(in_scope: sa.Select, today: date) -> list[list]:
    """The in-scope pupils' sessions of each charted week, counted by code, in one query."""
    weeks = charted_weeks(today - timedelta(weeks=WEEKS_CHARTED - 1), today)
    counts: dict[date, list[list]] = {monday: [] for monday in weeks}
    for day, code, count in db.session.execute(
        joined_to_scope(
            sa.select(AttendanceMark.date, AttendanceMark.code, sa.func.count()),
            AttendanceMark.pupil_id,
            in_scope,
        )
        .where(AttendanceMark.date.between(weeks[0], today))
        .group_by(AttendanceMark.date, AttendanceMark.code)
    ):
        counts[week_first_day(day)].append([code, count])
    return [[monday.isoformat(), pairs] for monday, pairs in counts.items()]


@dataclass
class TargetOutcome:
    target: PlanTarget
    progress: TargetProgress | None

    @property
    def has_baseline(self) -> bool:
        return bool(self.target.baseline.strip())


@dataclass
class FinalReport:
    """What the commissioning guidance asks a final report to cover: attainment and progress,
    attendance records, evidence of changes in behaviour, and the next destination.
    Attendance, the placement's and each review's, is the register's; the session notes give
    only the hours delivered and the sessions written up."""

    pupil: Pupil
    first: date
    last: date
    baseline: Assessment | None
    latest: Assessment | None
    changes: list[MeasureChange]
    targets: list[TargetOutcome]
    attendance: Tally
    delivery: Delivery
    reviews: list[Review]
    review_attendance: dict[int, Tally]
    notes: list[SessionNote]

    @property
    def attendance_change(self) -> Decimal | None:
        """During minus before, only when both are known: no baseline, no improvement."""
        before, during = self.pupil.attendance_before_percent, self.attendance.attendance_percent
        if before is None or during is None:
            return None
        return during - before


def final_report(pupil: Pupil, today: date) -> FinalReport:
    first = pupil.provision_start_date or today
    last = min(pupil.planned_end_date or today, today)
    summary = assessment_summary(pupil)
    plan = current_plan(pupil)
    targets = plan.targets if plan else []
    latest_progress = {}
    for progress in db.session.scalars(
        sa.select(TargetProgress)
        .join(Review)
        .where(TargetProgress.target_id.in_([target.id for target in targets]))
        .order_by(Review.held_on, Review.id)
    ):
        latest_progress[progress.target_id] = progress
    reviews = list(
        db.session.scalars(
            sa.select(Review)
            .where(Review.pupil_id == pupil.id)
            .options(so.selectinload(Review.progress))
            .order_by(Review.held_on, Review.id)
        )
    )
    return FinalReport(
        pupil=pupil,
        first=first,
        last=last,
        baseline=summary.baseline,
        latest=summary.latest,
        changes=summary.changes,
        targets=[TargetOutcome(target, latest_progress.get(target.id)) for target in targets],
        attendance=tallies([pupil.id], first, last)[pupil.id],
        delivery=delivery_between(pupil, first, last) if first <= last else Delivery(0, 0, 0, 0),
        reviews=reviews,
        review_attendance=review_attendance(pupil, reviews),
        notes=list(
            db.session.scalars(
                sa.select(SessionNote)
                .where(SessionNote.pupil_id == pupil.id, SessionNote.wellbeing != "")
                .order_by(SessionNote.held_on.desc(), SessionNote.starts_at.desc())
                .limit(EVIDENCE_NOTES)
            )
        ),
    )


def teacher_caseloads() -> sa.Select[tuple[User, int]]:
    """Each active community teacher, by name, with the number of pupils they hold now. The
    number is a subquery per teacher, so a page of them counts only its own teachers'
    pupils and the list's length is a count of teachers."""
    held = (
        sa.select(sa.func.count())
        .where(CaseloadAssignment.teacher_id == User.id, CaseloadAssignment.ended_on.is_(None))
        .scalar_subquery()
    )
    return (
        sa.select(User, held)
        .where(User.role == Role.TEACHER, User.active)
        .order_by(User.name, User.id)
    )


def charted_weeks(first: date, last: date) -> list[date]:
    """The Mondays of the weeks from `first` to `last`, at most the last WEEKS_CHARTED."""
    monday, end = week_first_day(first), week_first_day(last)
    start = max(monday, end - timedelta(weeks=WEEKS_CHARTED - 1))
    return [start + timedelta(weeks=week) for week in range((end - start).days // 7 + 1)]


def _week_label(monday: date) -> str:
    return f"{monday.day} {monday:%b}"


@dataclass
class PupilCharts:
    attendance: Chart
    hours: Chart


def pupil_charts(pupil: Pupil, first: date, last: date) -> PupilCharts:
    """Each week's attendance (DfE method) and the hours its session notes delivered, against
    the 25-hour line, in two queries."""
    weeks = charted_weeks(first, last) if first <= last else []
    start = weeks[0] if weeks else first
    codes: dict[date, list[str]] = defaultdict(list)
    for day, code in db.session.execute(
        sa.select(AttendanceMark.date, AttendanceMark.code).where(
            AttendanceMark.pupil_id == pupil.id, AttendanceMark.date.between(start, last)
        )
    ):
        codes[week_first_day(day)].append(code)
    minutes: dict[date, int] = defaultdict(int)
    for note in db.session.scalars(
        sa.select(SessionNote).where(
            SessionNote.pupil_id == pupil.id, SessionNote.held_on.between(start, last)
        )
    ):
        minutes[week_first_day(note.held_on)] += note.actual_minutes
    attendance = [
        Point(_week_label(monday), Tally.of(codes[monday]).attendance_percent) for monday in weeks
    ]
    hours = [
        Point(_week_label(monday), (Decimal(minutes[monday]) / 60).quantize(Decimal("0.1")))
        for monday in weeks
    ]
    most = max([FULL_TIME_HOURS + 5, *(point.value for point in hours)])
    return PupilCharts(
        attendance=columns(attendance, Decimal(100)),
        hours=columns(hours, Decimal(most), reference=Decimal(FULL_TIME_HOURS)),
    )


PROGRESS_STEPS = list(Progress)


def progress_chart(targets: list[TargetOutcome]) -> Chart:
    """Each target's latest reviewed progress on the scale from Not started to Achieved;
    a target not yet reviewed has no bar."""
    return rows(
        [
            Point(
                outcome.target.description,
                Decimal(PROGRESS_STEPS.index(outcome.progress.progress))
                if outcome.progress
                else None,
                outcome.progress.progress.label if outcome.progress else "Not yet reviewed",
            )
            for outcome in targets
        ],
        Decimal(len(PROGRESS_STEPS) - 1),
    )


def pupils_by_status(in_scope: sa.Subquery) -> list[tuple[PupilStatus, int]]:
    """How many in-scope pupils have each status, every status listed."""
    counts = dict(
        db.session.execute(
            sa.select(in_scope.c.status, sa.func.count()).group_by(in_scope.c.status)
        ).all()
    )
    return [(status, counts.get(status, 0)) for status in PupilStatus]


def reviews_overdue(in_scope: sa.Subquery, today: date) -> int:
    """In-scope pupils still on the programme whose review date has passed."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(in_scope)
        .where(in_scope.c.review_date < today, in_scope.c.status != PupilStatus.CLOSED)
    )
