from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ap_field.absences import bp
from ap_field.absences.forms import AbsenceForm
from ap_field.absences.models import AbsenceReason, AbsenceReport
from ap_field.absences.services import CannotWithdraw, report_absence, withdraw_report
from ap_field.auth.models import Role
from ap_field.common.access import allow
from ap_field.common.conflicts import conflict_page
from ap_field.common.forms import SyncedForm
from ap_field.common.time import london_today
from ap_field.common.writes import StaleEdit
from ap_field.mail.services import send_soon
from ap_field.pupils.queries import pupil_in_scope_or_404, record_of_pupil_or_404


def _child_url(pupil_id: int) -> str:
    return url_for("parents.my_child") + f"#child-{pupil_id}"


@bp.route("/my-child/<int:pupil_id>/absences/new", methods=["GET", "POST"])
@allow(Role.PARENT)
def new_report(pupil_id: int):
    """A parent tells the teacher ahead that their child will be away, and why."""
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    form = AbsenceForm(today=london_today())
    if request.method == "GET":
        form.open_new()
    if form.validate_on_submit():
        report = report_absence(
            pupil,
            current_user,
            form.span(),
            AbsenceReason(form.reason.data),
            form.note.data or "",
            form.record_uuid(),
        )
        send_soon()
        flash(
            f"Thank you. {pupil.display_name}'s teacher will see that "
            f"{pupil.display_name} is away: {report.sessions}.",
            "success",
        )
        return redirect(_child_url(pupil.id))
    return render_template("absences/new.html", form=form, pupil=pupil)


@bp.post("/my-child/<int:pupil_id>/absences/<int:report_id>/withdraw")
@allow(Role.PARENT)
def withdraw(pupil_id: int, report_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    report = record_of_pupil_or_404(AbsenceReport, report_id, pupil)
    form = SyncedForm()
    try:
        withdraw_report(report, current_user, form.version.data)
    except StaleEdit:
        return conflict_page(
            report, form, what="this absence report", keep_url=_child_url(pupil.id), pupil=pupil
        )
    except CannotWithdraw as refused:
        flash(refused.reason, "important")
        return redirect(_child_url(pupil.id))
    flash(f"Report withdrawn: {pupil.display_name}, {report.sessions}.", "success")
    return redirect(_child_url(pupil.id))
