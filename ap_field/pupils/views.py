from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ap_field.assessments.queries import assessment_summary
from ap_field.attendance.queries import pupil_figures
from ap_field.auth.models import Role
from ap_field.auth.queries import user_by_id
from ap_field.calendars.queries import half_term_starts
from ap_field.common.access import allow
from ap_field.common.conflicts import conflict_page
from ap_field.common.pagination import requested_page
from ap_field.common.routing import id_from_query
from ap_field.common.time import london_today, utcnow
from ap_field.common.writes import StaleEdit
from ap_field.parents.queries import disputes_of, pending_invitations
from ap_field.pupils import bp
from ap_field.pupils.forms import AssignForm, PupilForm
from ap_field.pupils.models import (
    CASELOAD_LIMIT,
    Pupil,
    PupilStatus,
    national_curriculum_year,
    nc_year_label,
)
from ap_field.pupils.queries import (
    PAGE_SIZE,
    PupilFilters,
    active_teachers,
    active_teachers_with_caseloads,
    assignment_history,
    chronology_of,
    current_assignment,
    current_teachers,
    events_of,
    parent_links_of,
    pupil_in_scope_or_404,
    pupils_in_scope,
    pupils_in_scope_by_name,
)
from ap_field.pupils.services import (
    CaseloadFull,
    assign,
    create_pupil,
    snapshot,
    snapshot_of,
    update_pupil,
)
from ap_field.pwa.services import caseload_pages, pupil_pages
from ap_field.safeguarding.queries import concerns_recorded_by
from ap_field.schools.notices import NOTICES_SHOWN, notices_of_pupil
from ap_field.schools.queries import schools_by_name
from ap_field.visits.queries import pupil_visits

STAFF = (Role.LEAD, Role.ADMIN)
TRAIL_PAGE_SIZE = 50
PUPIL_VIEWERS = (Role.LEAD, Role.ADMIN, Role.TEACHER)


def _filters() -> PupilFilters:
    args = request.args
    return PupilFilters(
        q=args.get("q", "").strip(),
        status=args.get("status", ""),
        teacher=id_from_query("teacher"),
        school=id_from_query("school"),
        under_25_hours="under-25-hours" in args.getlist("show"),
        review_overdue="review-overdue" in args.getlist("show"),
        missed_15_days="missed-15-days" in args.getlist("show"),
    )


def _results_context() -> dict:
    filters = _filters()
    query = filters.apply(pupils_in_scope(current_user), london_today())
    page = requested_page(query, "page", PAGE_SIZE)
    return {
        "filters": filters,
        "page": page,
        "page_url": lambda number: url_for(
            "pupils.index", **(request.args.to_dict(flat=False) | {"page": number})
        ),
        "teachers_by_pupil": current_teachers([pupil.id for pupil in page.items]),
        "today": london_today(),
    }


@bp.route("/pupils")
@allow(*STAFF)
def index():
    return render_template(
        "pupils/index.html",
        statuses=PupilStatus.choices(),
        teachers=active_teachers(),
        schools=schools_by_name(),
        **_results_context(),
    )


@bp.route("/pupils/results")
@allow(*STAFF)
def results():
    """The list alone, for htmx's live search; the address bar shows the full page's URL."""
    chosen = {name: values for name, values in request.args.lists() if any(values)}
    response = render_template("pupils/_results.html", **_results_context())
    return response, {"HX-Push-Url": url_for("pupils.index", **chosen)}


@bp.route("/caseload")
@allow(Role.TEACHER)
def caseload():
    pupils = pupils_in_scope_by_name(current_user)
    return render_template(
        "pupils/caseload.html",
        pupils=pupils,
        today=london_today(),
        caseload_limit=CASELOAD_LIMIT,
        nc_year_label=nc_year_label,
        keep_pages=caseload_pages(pupils),
    )


@bp.route("/pupils/nc-year")
@allow(*STAFF)
def nc_year():
    """The hint under the date of birth, updated as it is typed."""
    date_of_birth = request.args.get("date_of_birth", "")
    try:
        year = national_curriculum_year(date.fromisoformat(date_of_birth), london_today())
    except ValueError:
        year = None
    return render_template("pupils/_nc_year.html", year=year, label=nc_year_label)


@bp.route("/pupils/new", methods=["GET", "POST"])
@allow(*STAFF)
def new():
    form = PupilForm()
    if replayed := form.made_before(Pupil):
        return redirect(url_for("pupils.show", pupil_id=replayed.id))
    if form.validate_on_submit():
        values = {"client_uuid": form.record_uuid(), **form.values()}
        pupil = create_pupil(values, form.override())
        flash(f"{pupil.display_name}'s record is saved.", "success")
        return redirect(url_for("pupils.show", pupil_id=pupil.id))
    return _form_page(form, pupil=None)


def _form_page(form: PupilForm, pupil: Pupil | None):
    born = form.date_of_birth.data
    return render_template(
        "pupils/form.html",
        form=form,
        pupil=pupil,
        year=national_curriculum_year(born, london_today()) if born else None,
        label=nc_year_label,
    )


@bp.route("/pupils/<int:pupil_id>")
@allow(*PUPIL_VIEWERS)
def show(pupil_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    return render_template(
        "pupils/show.html",
        pupil=pupil,
        history=assignment_history(pupil),
        parents=parent_links_of(pupil),
        chronology=chronology_of(pupil),
        assessments=assessment_summary(pupil),
        visits=pupil_visits(pupil),
        invitations=pending_invitations(pupil, utcnow()),
        disputes=disputes_of(pupil),
        attendance_figures=pupil_figures(
            pupil, london_today(), half_term_starts(london_today(), pupil.school_id)
        ),
        today=london_today(),
        nc_year_label=nc_year_label,
        keep_pages=pupil_pages(pupil),
        my_concerns=concerns_recorded_by(current_user, pupil),
        notices=notices_of_pupil(pupil, london_today() - NOTICES_SHOWN),
    )


@bp.route("/pupils/<int:pupil_id>/edit", methods=["GET", "POST"])
@allow(*STAFF)
def edit(pupil_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    if pupil.anonymised_at is not None:
        flash(
            "This record was anonymised at the end of its retention period; it stays as it is.",
            "important",
        )
        return redirect(url_for("pupils.show", pupil_id=pupil.id))
    form = PupilForm(pupil=pupil)
    if form.validate_on_submit():
        theirs = snapshot(pupil)
        try:
            update_pupil(pupil, form.values(), form.version.data, form.override())
        except StaleEdit:
            return conflict_page(
                pupil,
                form,
                what=f"{pupil.display_name}'s record",
                keep_url=url_for("pupils.show", pupil_id=pupil.id),
                differences=_differences(theirs, form),
                pupil=pupil,
            )
        flash("Changes saved.", "success")
        return redirect(url_for("pupils.show", pupil_id=pupil.id))
    return _form_page(form, pupil)


def _differences(theirs: dict, form: PupilForm) -> list[tuple[str, str, str]]:
    """The audited fields where the saved record and the form differ, as the page shows them."""
    mine = snapshot_of(form.values())
    return [
        (name.replace("_", " ").capitalize(), _shown(theirs[name]), _shown(mine[name]))
        for name in theirs
        if theirs[name] != mine[name]
    ]


def _shown(value) -> str:
    """An audited value as the conflict page shows it."""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


@bp.route("/pupils/<int:pupil_id>/assign", methods=["GET", "POST"])
@allow(*STAFF)
def assign_teacher(pupil_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    form = AssignForm(teachers=active_teachers_with_caseloads())
    if form.validate_on_submit():
        teacher = user_by_id(form.teacher_id.data)
        try:
            assign(pupil, teacher, assigned_by=current_user)
        except CaseloadFull as full:
            form.teacher_id.errors.append(str(full))
        else:
            flash(f"{pupil.display_name} is now in {teacher.name}'s caseload.", "success")
            return redirect(url_for("pupils.show", pupil_id=pupil.id))
    current = current_assignment(pupil)
    return render_template("pupils/assign.html", form=form, pupil=pupil, current=current)


@bp.route("/pupils/<int:pupil_id>/audit")
@allow(Role.LEAD, Role.ADMIN)
def audit_trail(pupil_id: int):
    """Every change to a pupil's record, caseload and parent links, newest first. Read only."""
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    events = requested_page(events_of(pupil, current_user.is_dsl), "page", TRAIL_PAGE_SIZE)
    return render_template("pupils/audit_trail.html", pupil=pupil, events=events)
