"""AM and PM registers, marks, the lead's attendance screen and the register export.

Teachers mark their own block; a lead sees and may mark every register; an admin reads them.
Every mark is a plain POST that redirects back to the register, and htmx swaps only the
pupil's row instead.
"""

import uuid
from datetime import date, datetime

from flask import (
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ap_field.absences.queries import reports_for
from ap_field.attendance import bp
from ap_field.attendance.clock import (
    current_session,
    due_by,
    has_started,
    is_past,
    is_school_day,
    next_session,
    previous_session,
)
from ap_field.attendance.codes import CODES, code_groups, short_label
from ap_field.attendance.forms import ExportForm, MarkForm, ReportForm
from ap_field.attendance.models import AttendanceMark, Concern, RegisterSession
from ap_field.attendance.queries import (
    EXPORT_HEADER,
    block_of,
    export_rows,
    find_mark,
    history_of,
    marks_for,
    missing_education,
    quick_codes,
    register_statuses_page,
    under_full_time,
    unexplained_absences,
)
from ap_field.attendance.services import (
    MarkConflict,
    record_export,
    record_mark,
    report_to_local_authority,
)
from ap_field.auth.models import Role, User
from ap_field.auth.queries import user_by_id
from ap_field.calendars.queries import half_term_starts
from ap_field.common.access import allow
from ap_field.common.conflicts import conflict_page
from ap_field.common.csv_files import csv_response
from ap_field.common.pagination import list_page_url, page_number, page_of, requested_page
from ap_field.common.routing import id_from_query
from ap_field.common.time import london_now, london_today
from ap_field.common.writes import by_client_uuid
from ap_field.extensions import htmx
from ap_field.mail.services import send_soon
from ap_field.pupils.models import Pupil
from ap_field.pupils.queries import (
    current_assignment,
    pupil_count,
    pupil_in_scope_or_404,
    pupils_in_scope,
)
from ap_field.reports.queries import KEPT_FOR, programme_snapshot

MARKERS = (Role.TEACHER, Role.LEAD)
READERS = (Role.TEACHER, Role.LEAD, Role.ADMIN)
OVERSEERS = (Role.LEAD, Role.ADMIN)
VARY = {"Vary": "HX-Request"}
WATCHED_PAGE_SIZE = 25
REGISTERS_PAGE_SIZE = 25


def _chosen_session(now: datetime) -> tuple[date, RegisterSession]:
    """The session named in the query string, or the one a register opens at now."""
    today, now_session = current_session(now)
    try:
        day = date.fromisoformat(request.args.get("date") or today.isoformat())
    except ValueError:
        return today, now_session
    try:
        return day, RegisterSession(request.args.get("session", ""))
    except ValueError:
        return day, now_session if day == today else RegisterSession.AM


def _registers_context(day: date, now: datetime, page_url) -> dict:
    """A page of the teachers' registers for a day, those not taken by their due time first,
    and how many are not."""
    statuses, overdue_count = register_statuses_page(
        day, now, page_number("registers-page"), REGISTERS_PAGE_SIZE
    )
    return {
        "statuses": statuses,
        "overdue_count": overdue_count,
        "registers_url": page_url,
        "sessions": list(RegisterSession),
        "due_by": due_by,
    }


def _register_url(day: date, session: RegisterSession, teacher_id: int | None = None) -> str:
    lead_view = current_user.role != Role.TEACHER
    return url_for(
        "attendance.register",
        date=day.isoformat(),
        session=session.value,
        teacher=teacher_id if lead_view else None,
    )


def _row_context(day: date, session: RegisterSession, now: datetime, pupil_ids: list[int]):
    """What every row of a session's register needs, whichever pupil it is for."""
    return {
        "day": day,
        "session": session,
        "past": is_past(day, session, now),
        "started": has_started(day, session, now) and is_school_day(day),
        "may_mark": current_user.role in MARKERS,
        "quick": quick_codes(pupil_ids, now.date()),
        "absences": reports_for(pupil_ids, day, session),
        "groups": code_groups(),
        "short_label": short_label,
        "new_uuid": lambda: str(uuid.uuid4()),
    }


def _every_register(day: date, now: datetime):
    """A lead's or admin's page of every teacher's registers for the day."""

    def page_url(number: int) -> str:
        query = {"date": day.isoformat(), "registers-page": number}
        return url_for("attendance.register", **query) + "#registers"

    context = _registers_context(day, now, page_url)
    return render_template("attendance/registers.html", day=day, **context)


@bp.route("/register")
@allow(*READERS)
def register():
    """A teacher's register for one session; a lead or admin without ?teacher= gets every
    teacher's registers for the day."""
    now = london_now()
    day, session = _chosen_session(now)
    teacher = current_user if current_user.role == Role.TEACHER else _teacher_from_query()
    if teacher is None:
        return _every_register(day, now)
    pupils = block_of(current_user, teacher)
    ids = [pupil.id for pupil in pupils]
    return render_template(
        "attendance/register.html",
        teacher=teacher,
        pupils=pupils,
        marks=marks_for(ids, day, session),
        earlier=previous_session(day, session),
        later=next_session(day, session),
        now_session=current_session(now),
        register_url=lambda d, s: _register_url(d, s, teacher.id),
        **_row_context(day, session, now, ids),
    )


def _teacher_from_query() -> User | None:
    teacher_id = id_from_query("teacher")
    teacher = user_by_id(teacher_id) if teacher_id else None
    return teacher if teacher is not None and teacher.role == Role.TEACHER else None


@bp.route("/pupils/<int:pupil_id>/attendance", methods=["GET", "POST"])
@allow(*MARKERS)
def mark(pupil_id: int):
    """One pupil's mark for a session: a register's tap posts here, and without JavaScript
    this page asks for whatever the tap could not say (minutes late, a reason)."""
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    now = london_now()
    form = MarkForm(now=now, date_of_birth=pupil.date_of_birth, pupil=pupil)
    if request.method == "GET":
        day, session = _chosen_session(now)
        _fill(form, pupil, day, session)
        return _mark_page(pupil, form)
    replayed = by_client_uuid(AttendanceMark, form.record_uuid())
    if replayed is not None and replayed.pupil_id == pupil.id:
        return _marked(pupil, replayed, now)
    if not form.validate_on_submit():
        if htmx:
            return _row(pupil, form, now, problem=None)
        return _mark_page(pupil, form)
    try:
        marked = record_mark(
            pupil, form.values(), current_user, form.version.data, form.record_uuid()
        )
    except MarkConflict as conflict:
        return _conflict(pupil, form, conflict.mark, now)
    send_soon()
    return _marked(pupil, marked, now)


def _fill(form: MarkForm, pupil: Pupil, day: date, session: RegisterSession) -> None:
    form.date.data, form.session.data = day, session.value
    existing = find_mark(pupil.id, day, session)
    if existing is None:
        form.open_new()
        form.code.data = request.args.get("code", "").upper() or None
        return
    form.version.data, form.code.data = existing.version, existing.code
    form.minutes_late.data = existing.minutes_late


def _mark_page(pupil: Pupil, form: MarkForm, status: int = 200):
    session = form.chosen_session()
    existing = find_mark(pupil.id, form.date.data, session) if form.date.data and session else None
    page = render_template(
        "attendance/mark.html",
        pupil=pupil,
        form=form,
        mark=existing,
        history=history_of(existing) if existing else [],
        groups=code_groups(),
        back_url=_back_url(pupil, form),
    )
    return page, status


def _back_url(pupil: Pupil, form: MarkForm) -> str:
    session = form.chosen_session()
    if form.date.data is None or session is None:
        return url_for("attendance.register")
    assignment = current_assignment(pupil)
    return _register_url(form.date.data, session, assignment.teacher_id if assignment else None)


def _marked(pupil: Pupil, mark: AttendanceMark, now: datetime):
    if htmx:
        return _row(pupil, None, now, problem=None, mark=mark)
    flash(f"{pupil.display_name}: {mark.shown}, {CODES[mark.code].meaning}.", "success")
    assignment = current_assignment(pupil)
    url = _register_url(mark.date, mark.session, assignment.teacher_id if assignment else None)
    return redirect(f"{url}#pupil-{pupil.id}")


def _row(pupil, form, now, problem, mark=None, status=200):
    """The pupil's row of the register, for htmx to swap in place of the one tapped."""
    if form is not None and form.date.data and form.chosen_session():
        day, session = form.date.data, form.chosen_session()
    elif mark is not None:
        day, session = mark.date, mark.session
    else:
        day, session = current_session(now)
    if mark is None:
        mark = find_mark(pupil.id, day, session)
    assignment = current_assignment(pupil)
    block = block_of(current_user, assignment.teacher) if assignment else [pupil]
    page = render_template(
        "attendance/_row.html",
        pupil=pupil,
        mark=mark,
        form=form,
        problem=problem,
        **_row_context(day, session, now, [member.id for member in block]),
    )
    return page, status, VARY


def _conflict(pupil: Pupil, form: MarkForm, theirs: AttendanceMark, now: datetime):
    """Someone marked this pupil first: show their mark, which the user may then change."""
    problem = (
        f"{theirs.taken_by.name} marked {pupil.display_name} {theirs.shown} while you were "
        "marking. Their mark is kept; tap a code to change it."
    )
    if htmx:
        return _row(pupil, None, now, problem=problem, mark=theirs, status=409)
    mine = form.values()
    shown_mine = f"L ({mine.minutes_late} minutes late)" if mine.minutes_late else mine.code
    return conflict_page(
        theirs,
        form,
        what="this mark",
        keep_url=_back_url(pupil, form),
        differences=[("Mark", f"{theirs.shown}: {theirs.attendance_code.meaning}", shown_mine)],
        pupil=pupil,
    )


@bp.route("/attendance")
@allow(*OVERSEERS)
def overview():
    """The lead's attendance screen: today's registers, absences to follow up, and pupils
    the local authority must hear about."""
    now = london_now()
    today = now.date()
    in_scope = pupils_in_scope(current_user)
    unexplained = requested_page(
        unexplained_absences(in_scope, today), "unexplained-page", WATCHED_PAGE_SIZE
    )
    return render_template(
        "attendance/overview.html",
        today=today,
        **_registers_context(
            today, now, lambda n: _overview_page_url("registers-page", n, "registers")
        ),
        unexplained=unexplained.items,
        unexplained_page=unexplained,
        unexplained_url=lambda n: _overview_page_url("unexplained-page", n, "unexplained"),
        **_watched_lists(now),
        concerns=Concern,
        new_uuid=lambda: str(uuid.uuid4()),
    )


def _watched_lists(now: datetime) -> dict:
    """The pupils past 15 days missed and under 25 hours, a page of each from the programme's
    kept figures, with each listed pupil's own figures read now."""
    today = now.date()
    kept = programme_snapshot(current_user, now, half_term_starts(today))
    missing = page_of(
        kept.figures["missing_education"], page_number("missed-page"), WATCHED_PAGE_SIZE
    )
    under_hours = page_of(
        kept.figures["under_full_time"], page_number("hours-page"), WATCHED_PAGE_SIZE
    )
    return {
        "lists_as_at": kept.computed_at,
        "lists_kept_for": KEPT_FOR.seconds // 60,
        "missing": missing,
        "missing_pupils": missing_education(missing.items, today),
        "under_hours": under_hours,
        "under_hours_pupils": under_full_time(under_hours.items, today),
        "missing_url": lambda n: _overview_page_url("missed-page", n, Concern.MISSED_15_DAYS.value),
        "hours_url": lambda n: _overview_page_url("hours-page", n, Concern.UNDER_25_HOURS.value),
    }


def _overview_page_url(parameter: str, number: int, anchor: str) -> str:
    return list_page_url("attendance.overview", parameter, number, anchor)


@bp.post("/pupils/<int:pupil_id>/attendance/report")
@allow(*OVERSEERS)
def report(pupil_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    form = ReportForm()
    if not form.validate_on_submit():
        flash("Choose what you reported to the local authority.", "important")
        return redirect(url_for("attendance.overview"))
    concern = Concern(form.concern.data)
    made = report_to_local_authority(
        pupil, concern, current_user, london_today(), form.record_uuid()
    )
    who = made.reported_by.name
    flash(f"Recorded: {pupil.display_name} reported to the local authority by {who}.", "success")
    return redirect(url_for("attendance.overview") + f"#{concern.value}")


@bp.route("/register/export")
@allow(*READERS)
def export():
    """The register for a date range as CSV for the commissioning school: one row per pupil
    per session, for the pupils the user may see."""
    today = london_today()
    form = ExportForm(request.args, today=today)
    if not request.args or not form.validate():
        if not request.args:
            form = ExportForm(formdata=None, today=today, first=today.replace(day=1), last=today)
        return render_template("attendance/export.html", form=form)
    in_scope = pupils_in_scope(current_user)
    record_export(form.first.data, form.last.data, pupil_count(in_scope))
    name = f"register-{form.first.data.isoformat()}-to-{form.last.data.isoformat()}.csv"
    return csv_response(name, EXPORT_HEADER, export_rows(in_scope, form.first.data, form.last.data))
