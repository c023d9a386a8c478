import sqlalchemy as sa
from flask import Response, render_template, request, stream_with_context, url_for
from flask_login import current_user

from ap_field.attendance.figures import academic_year_first_day
from ap_field.auth.models import Role
from ap_field.calendars.queries import half_term_starts
from ap_field.common.access import allow
from ap_field.common.csv_files import csv_response
from ap_field.common.pagination import list_page_url, page_number, rows_page
from ap_field.common.time import london_now, london_today, utcnow
from ap_field.parents.queries import open_disputes
from ap_field.premises.queries import provider_count, providers_with_overdue_high_risk
from ap_field.pupils.models import CASELOAD_LIMIT
from ap_field.pupils.queries import pupil_count, pupil_in_scope_or_404, pupils_in_scope
from ap_field.reports import bp
from ap_field.reports.exports import (
    EXPORTS,
    PUPIL_EXPORTERS,
    Export,
    exports_for,
    xlsx_chunks,
)
from ap_field.reports.forms import ExportForm, ImpactForm
from ap_field.reports.impact import impact
from ap_field.reports.queries import (
    KEPT_FOR,
    PROGRAMME_READERS,
    dashboard,
    disagreements_this_half_term,
    final_report,
    programme_snapshot,
    progress_chart,
    pupil_charts,
    pupils_by_status,
    reviews_overdue,
    teacher_caseloads,
)
from ap_field.reports.services import record_export, record_subject_access
from ap_field.reports.subject_access import pupil_file
from ap_field.safeguarding.queries import concerns_of, unseen_count
from ap_field.safeguarding.services import note_read
from ap_field.visits.queries import overdue_check_outs

TEACHERS_PAGE_SIZE = 25
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/programme")
@allow(*PROGRAMME_READERS)
def programme():
    """The programme at a glance: pupils by status, each teacher's caseload, and the sessions
    where the register and the session notes disagree."""
    in_scope = pupils_in_scope(current_user).subquery()
    now = london_now()
    starts = half_term_starts(now.date())
    snapshot = programme_snapshot(current_user, now, starts)
    return render_template(
        "reports/programme.html",
        figures=dashboard(snapshot, starts),
        figures_kept_for=KEPT_FOR.seconds // 60,
        **_disagreements(snapshot, starts),
        reviews_overdue=reviews_overdue(in_scope, london_today()),
        by_status=pupils_by_status(in_scope),
        caseloads=rows_page(teacher_caseloads(), page_number("teachers-page"), TEACHERS_PAGE_SIZE),
        caseloads_url=lambda n: url_for("reports.programme", **{"teachers-page": n}) + "#teachers",
        caseload_limit=CASELOAD_LIMIT,
        overdue_check_outs=overdue_check_outs(),
        providers_at_risk=providers_with_overdue_high_risk(london_today()),
        unseen_concerns=unseen_count(),
        disputes=open_disputes(current_user, utcnow()),
    )


def _disagreements(snapshot, starts) -> dict:
    """The Programme page's list of sessions where the register and the notes disagree."""
    page = page_number("disagreements-page")
    return {
        "disagreements": disagreements_this_half_term(snapshot, starts, page),
        "disagreements_url": lambda n: list_page_url(
            "reports.programme", "disagreements-page", n, "register-and-notes"
        ),
    }


@bp.route("/exports")
@allow(*PUPIL_EXPORTERS)
def exports():
    """The returns a user may download; a teacher's hold only their caseload."""
    allowed, today = exports_for(current_user.role), london_today()
    form = ExportForm(request.args, exports=allowed, today=today)
    if not request.args or not form.validate():
        if not request.args:
            form = ExportForm(formdata=None, exports=allowed, today=today)
        return render_template("reports/exports.html", form=form)
    export = EXPORTS[form.export.data]
    first, last, file_format = form.first.data, form.last.data, form.format.data
    in_scope = pupils_in_scope(current_user)
    record_export(export.slug, file_format, _records(export, in_scope), first, last)
    rows = export.rows(in_scope, today, first, last)
    name = export.slug + (f"-{first.isoformat()}-to-{last.isoformat()}" if last else "")
    if file_format == "csv":
        return csv_response(f"{name}.csv", export.header, rows)
    return Response(
        stream_with_context(xlsx_chunks(export.title, export.header, rows)),
        mimetype=XLSX_MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


def _records(export: Export, in_scope: sa.Select) -> int:
    return provider_count() if export.slug == "providers" else pupil_count(in_scope)


@bp.route("/pupils/<int:pupil_id>/final-report")
@allow(Role.TEACHER, Role.LEAD, Role.ADMIN, Role.SCHOOL)
def final(pupil_id: int):
    """The placement's final report for the commissioning school, laid out to print on A4."""
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    report = final_report(pupil, london_today())
    return render_template(
        "reports/final.html",
        report=report,
        charts=pupil_charts(pupil, report.first, report.last),
        progress=progress_chart(report.targets),
        today=london_today(),
    )


@bp.route("/impact")
@allow(Role.LEAD, Role.ADMIN)
def impact_page():
    """The programme's impact over a period, the academic year to date unless chosen."""
    today = london_today()
    if not request.args:
        form = ImpactForm(formdata=None, first=academic_year_first_day(today), last=today)
    elif not (form := ImpactForm(request.args)).validate():
        return render_template("reports/impact.html", form=form, impact=None)
    return render_template(
        "reports/impact.html",
        form=form,
        impact=impact(pupils_in_scope(current_user), form.first.data, form.last.data),
    )


@bp.route("/pupils/<int:pupil_id>/subject-access.zip")
@allow(Role.LEAD)
def subject_access(pupil_id: int) -> Response:
    """Everything held about the pupil, for a subject access request; the safeguarding
    records too when the lead is a designated safeguarding lead, each read audited."""
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    body, files = pupil_file(pupil, safeguarding=current_user.is_dsl)
    record_subject_access(pupil.id, files)
    if current_user.is_dsl:
        note_read(*concerns_of(pupil))
    name = f"subject-access-{pupil.case_number}.zip"
    return Response(
        body,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
