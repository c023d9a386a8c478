from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ap_field.assessments import bp
from ap_field.assessments.forms import AssessmentForm
from ap_field.assessments.models import Assessment
from ap_field.assessments.queries import (
    assessment_list,
    assessment_of_pupil_or_404,
    baseline,
    changes_from_baseline,
)
from ap_field.assessments.services import (
    create_assessment,
    update_assessment,
)
from ap_field.auth.models import Role
from ap_field.common.access import allow
from ap_field.common.conflicts import conflict_page
from ap_field.common.writes import StaleEdit
from ap_field.pupils.models import Pupil
from ap_field.pupils.queries import pupil_in_scope_or_404

ASSESSMENT_USERS = (Role.TEACHER, Role.LEAD, Role.ADMIN)


@bp.route("/pupils/<int:pupil_id>/assessments")
@allow(*ASSESSMENT_USERS)
def index(pupil_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    assessments = assessment_list(pupil)
    first = assessments[-1] if assessments else None
    return render_template(
        "assessments/index.html",
        pupil=pupil,
        assessments=assessments,
        baseline=first,
        changes={
            assessment.id: changes_from_baseline(assessment, first)
            for assessment in assessments
            if assessment is not first
        },
    )


@bp.route("/pupils/<int:pupil_id>/assessments/new", methods=["GET", "POST"])
@allow(*ASSESSMENT_USERS)
def new(pupil_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    form = AssessmentForm()
    if replayed := form.made_before(Assessment, pupil_id=pupil.id):
        return redirect(url_for("assessments.show", pupil_id=pupil.id, assessment_id=replayed.id))
    if request.method == "GET":
        form.barriers.data, form.barrier_other.data = pupil.reasons, pupil.reason_other
    if form.validate_on_submit():
        assessment = create_assessment(
            pupil, current_user, {"client_uuid": form.record_uuid(), **form.values()}
        )
        flash(f"{pupil.display_name}'s assessment is saved.", "success")
        return redirect(url_for("assessments.show", pupil_id=pupil.id, assessment_id=assessment.id))
    return _form_page(form, pupil, assessment=None)


@bp.route("/pupils/<int:pupil_id>/assessments/<int:assessment_id>")
@allow(*ASSESSMENT_USERS)
def show(pupil_id: int, assessment_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    assessment = assessment_of_pupil_or_404(pupil, assessment_id)
    first = baseline(pupil)
    return render_template(
        "assessments/show.html",
        pupil=pupil,
        assessment=assessment,
        is_baseline=assessment is first,
        changes=[] if assessment is first else changes_from_baseline(assessment, first),
        baseline=first,
    )


@bp.route("/pupils/<int:pupil_id>/assessments/<int:assessment_id>/edit", methods=["GET", "POST"])
@allow(*ASSESSMENT_USERS)
def edit(pupil_id: int, assessment_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    assessment = assessment_of_pupil_or_404(pupil, assessment_id)
    form = AssessmentForm(obj=assessment)
    shown = url_for("assessments.show", pupil_id=pupil.id, assessment_id=assessment.id)
    if form.validate_on_submit():
        try:
            update_assessment(assessment, form.values(), seen_version=form.version.data)
        except StaleEdit:
            return conflict_page(
                assessment,
                form,
                what="this assessment",
                keep_url=shown,
                both_url=url_for("assessments.new", pupil_id=pupil.id),
                pupil=pupil,
            )
        flash("Changes saved.", "success")
        return redirect(shown)
    return _form_page(form, pupil, assessment)


def _form_page(form: AssessmentForm, pupil: Pupil, assessment: Assessment | None):
    return render_template("assessments/form.html", form=form, pupil=pupil, assessment=assessment)
