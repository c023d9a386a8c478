"""Schools, kept by leads and admins (docs/architecture.md, "Schools")."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ap_field.attendance.figures import academic_year_first_day
from ap_field.attendance.queries import pupil_figures, tallies
from ap_field.auth.limits import attempts_per_minute, link_refused, refuse_link
from ap_field.auth.models import Role
from ap_field.calendars.queries import half_term_starts
from ap_field.common.access import allow, public
from ap_field.common.conflicts import conflict_page
from ap_field.common.security import private
from ap_field.common.time import london_today
from ap_field.common.writes import StaleEdit
from ap_field.extensions import limiter
from ap_field.mail.services import send_soon
from ap_field.pupils.queries import (
    pupil_in_scope_or_404,
    pupils_in_scope_by_name,
    pupils_of_school,
)
from ap_field.schools import bp
from ap_field.schools.forms import OfficerInvitationForm, ReceiptForm, SchoolForm, WelcomeForm
from ap_field.schools.models import School
from ap_field.schools.notices import (
    NOTICES_SHOWN,
    confirm_receipt,
    notice_by_token,
    notice_of_school_or_404,
    notices_of_pupil,
    notices_of_school,
)
from ap_field.schools.queries import (
    officers_of,
    register_weeks,
    school_or_404,
    schools_with_pupil_counts,
)
from ap_field.schools.services import (
    add_school,
    invite_officer,
    invited_user,
    set_first_password,
    update_school,
)

REGISTER_WEEKS_SHOWN = 4

SCHOOL_KEEPERS = (Role.LEAD, Role.ADMIN)


@bp.route("/schools")
@allow(*SCHOOL_KEEPERS)
def index():
    return render_template("schools/index.html", schools=schools_with_pupil_counts())


@bp.route("/schools/new", methods=["GET", "POST"])
@allow(*SCHOOL_KEEPERS)
def new():
    form = SchoolForm()
    if replayed := form.made_before(School):
        return redirect(url_for("schools.show", school_id=replayed.id))
    if form.validate_on_submit():
        school = add_school(form.values(), form.record_uuid())
        flash(f"{school.name} is added.", "success")
        return redirect(url_for("schools.show", school_id=school.id))
    return render_template("schools/form.html", form=form, school=None)


@bp.route("/schools/<int:school_id>")
@allow(*SCHOOL_KEEPERS)
def show(school_id: int):
    school = school_or_404(school_id)
    return render_template(
        "schools/show.html",
        school=school,
        pupils=pupils_of_school(school),
        officers=officers_of(school),
        notices=notices_of_school(school.id, london_today() - NOTICES_SHOWN),
    )


@bp.route("/schools/<int:school_id>/edit", methods=["GET", "POST"])
@allow(*SCHOOL_KEEPERS)
def edit(school_id: int):
    school = school_or_404(school_id)
    form = SchoolForm(school=school)
    back = url_for("schools.show", school_id=school.id)
    if form.validate_on_submit():
        try:
            update_school(school, form.values(), seen_version=form.version.data)
        except StaleEdit:
            return conflict_page(school, form, what="this school", keep_url=back, caption="Schools")
        flash(f"{school.name} is saved.", "success")
        return redirect(back)
    return render_template("schools/form.html", form=form, school=school)


# The school attendance officer's pages: their school's pupils' registers and figures only.


@bp.route("/school")
@allow(Role.SCHOOL)
def officer_home():
    pupils = pupils_in_scope_by_name(current_user)
    today = london_today()
    return render_template(
        "schools/officer_home.html",
        school=current_user.school,
        pupils=pupils,
        year=tallies([pupil.id for pupil in pupils], academic_year_first_day(today), today),
        notices=notices_of_school(current_user.school_id, today - NOTICES_SHOWN),
    )


@bp.route("/school/pupils/<int:pupil_id>")
@allow(Role.SCHOOL)
def officer_pupil(pupil_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    today = london_today()
    return render_template(
        "schools/officer_pupil.html",
        pupil=pupil,
        attendance_figures=pupil_figures(pupil, today, half_term_starts(today, pupil.school_id)),
        weeks=register_weeks(pupil, today, REGISTER_WEEKS_SHOWN),
        notices=notices_of_pupil(pupil, today - NOTICES_SHOWN),
    )


@bp.route("/school/notices/<int:notice_id>/read", methods=["POST"])
@allow(Role.SCHOOL)
def officer_read(notice_id: int):
    notice = notice_of_school_or_404(notice_id, current_user.school_id)
    confirm_receipt(notice, current_user)
    flash("Receipt confirmed.", "success")
    return redirect(request.form.get("next") or url_for("schools.officer_home"))


# The link a notice's email carries: confirming receipt needs no account.


@bp.route("/notices/<token:token>", methods=["GET", "POST"])
@public
@limiter.limit(attempts_per_minute, deduct_when=link_refused)
def receipt(token: str):
    notice = notice_by_token(token)
    if notice is None:
        refuse_link()
        return private(render_template("schools/receipt_unknown.html"), 404)
    if request.method == "POST" and ReceiptForm().validate_on_submit():
        reader = current_user if _reads_for(notice.school_id) else None
        confirm_receipt(notice, reader)
        return redirect(url_for("schools.receipt", token=token))
    return private(
        render_template(
            "schools/receipt.html",
            notice=notice,
            form=ReceiptForm(),
            signed_in_here=_reads_for(notice.school_id),
        )
    )


def _reads_for(school_id: int) -> bool:
    return current_user.is_authenticated and current_user.school_id == school_id


@bp.route("/schools/<int:school_id>/officers/new", methods=["GET", "POST"])
@allow(*SCHOOL_KEEPERS)
def new_officer(school_id: int):
    school = school_or_404(school_id)
    form = OfficerInvitationForm()
    if form.validate_on_submit():
        officer = invite_officer(school, form.name.data, form.email.data)
        send_soon()
        flash(f"{officer.name} is invited: the link to set a password is sent.", "success")
        return redirect(url_for("schools.show", school_id=school.id))
    return render_template("schools/officer_form.html", form=form, school=school)


@bp.route("/welcome/<token:token>", methods=["GET", "POST"])
@public
@limiter.limit(attempts_per_minute, deduct_when=link_refused)
def welcome(token: str):
    """An invited officer sets their password; then they sign in, with a second factor where
    their role needs one."""
    user = invited_user(token)
    if user is None:
        refuse_link()
        return private(render_template("schools/welcome_unknown.html"), 404)
    form = WelcomeForm(user=user)
    if form.validate_on_submit():
        set_first_password(user, form.new_password.data)
        flash("Your password is set. Sign in with your email address and it.", "success")
        return redirect(url_for("auth.sign_in"))
    return private(render_template("schools/welcome.html", form=form, user=user))
