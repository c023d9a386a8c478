"""Home visits, under their pupil so that the pupil's scope is the visit's scope.

Teachers (for their caseload) and leads plan, make and record visits; admins may read
them. A safeguarding worry raised at a visit is a concern (ap_field/safeguarding), linked here.
"""

from datetime import datetime, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ap_field.auth.models import Role
from ap_field.common.access import allow
from ap_field.common.conflicts import conflict_page
from ap_field.common.time import format_london_datetime, format_london_time, phone_time, utcnow
from ap_field.common.writes import StaleEdit
from ap_field.pupils.models import Pupil
from ap_field.pupils.queries import is_in_scope, pupil_in_scope_or_404
from ap_field.safeguarding.queries import concerns_raised_from
from ap_field.visits import bp
from ap_field.visits.forms import ActionForm, ArrivalForm, VisitForm
from ap_field.visits.models import (
    HomeVisit,
    Present,
    VisitAction,
    VisitPlace,
    VisitPurpose,
    VisitStatus,
)
from ap_field.visits.queries import own_visit_under_way, pupil_visits, visit_or_404
from ap_field.visits.services import (
    VisitNotDue,
    add_action,
    arrive,
    create_visit,
    leave,
    snapshot,
    snapshot_of,
    update_visit,
)

VISITORS = (Role.TEACHER, Role.LEAD)
READERS = (Role.TEACHER, Role.LEAD, Role.ADMIN)
# The longest a check-in or check-out kept on a phone is believed to have happened when the
# phone says; a later one counts from when it arrives.
LONGEST_KEPT_CHECK_IN = timedelta(hours=12)


def _visit_url(visit: HomeVisit) -> str:
    return url_for("visits.show", pupil_id=visit.pupil_id, visit_id=visit.id)


@bp.route("/pupils/<int:pupil_id>/visits")
@allow(*READERS)
def index(pupil_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    return render_template("visits/index.html", pupil=pupil, visits=pupil_visits(pupil))


@bp.route("/pupils/<int:pupil_id>/visits/new", methods=["GET", "POST"])
@allow(*VISITORS)
def new(pupil_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    form = VisitForm()
    if replayed := form.made_before(HomeVisit, pupil_id=pupil.id):
        return redirect(_visit_url(replayed))
    if request.method == "GET":
        form.start_at_home(pupil)
    if form.validate_on_submit():
        visit = create_visit(
            pupil, current_user, {"client_uuid": form.record_uuid(), **form.values()}
        )
        flash("The visit is saved.", "success")
        return redirect(_visit_url(visit))
    return render_template("visits/form.html", form=form, pupil=pupil, visit=None)


def _show_page(pupil: Pupil, visit: HomeVisit, arrival: ArrivalForm | None = None, status=200):
    arrival = arrival or ArrivalForm(arriving_at=utcnow())
    page = render_template(
        "visits/show.html",
        pupil=pupil,
        visit=visit,
        arrival=arrival,
        may_visit=current_user.role in VISITORS,
        concerns=concerns_raised_from(visit=visit),
    )
    return page, status


@bp.route("/pupils/<int:pupil_id>/visits/<int:visit_id>")
@allow(*READERS)
def show(pupil_id: int, visit_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    return _show_page(pupil, visit_or_404(pupil, visit_id))


@bp.route("/pupils/<int:pupil_id>/visits/<int:visit_id>/record", methods=["GET", "POST"])
@allow(*VISITORS)
def record(pupil_id: int, visit_id: int):
    """Record what happened, or change the plan."""
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    visit = visit_or_404(pupil, visit_id)
    form = VisitForm(visit=visit)
    if form.validate_on_submit():
        theirs = snapshot(visit)
        try:
            update_visit(visit, form.values(), seen_version=form.version.data)
        except StaleEdit:
            return conflict_page(
                visit,
                form,
                what="this visit",
                keep_url=_visit_url(visit),
                differences=_differences(theirs, form),
                pupil=pupil,
            )
        flash("The visit is saved.", "success")
        return redirect(_visit_url(visit))
    return render_template("visits/form.html", form=form, pupil=pupil, visit=visit)


LABELS = {"starts_at": "Date and time", "status": "Status"}
CHOICES = {
    "status": VisitStatus,
    "place": VisitPlace,
    "purpose": VisitPurpose,
    "present": Present,
}


def _readable(name: str, value) -> str:
    """A value of the audit snapshot as a person reads it."""
    if value in (None, "", []):
        return "–"
    if name == "starts_at":
        return format_london_datetime(datetime.fromisoformat(value))
    if name in CHOICES:
        values = value if isinstance(value, list) else [value]
        return ", ".join(CHOICES[name](item).label for item in values)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _differences(theirs: dict, form: VisitForm) -> list[tuple[str, str, str]]:
    """The audited fields where the saved visit and the form differ, as a person reads them."""
    mine = snapshot_of(form.values())
    return [
        (
            LABELS.get(name) or form[name].label.text,
            _readable(name, theirs[name]),
            _readable(name, mine[name]),
        )
        for name in mine
        if theirs[name] != mine[name]
    ]


def _when_it_happened() -> datetime:
    """Arrived or left, by the phone's clock when the phone says so: the phone may have kept
    it in its outbox, with no signal at the door, for a while."""
    now = utcnow()
    sent = request.form.get("happened_at")
    return phone_time(sent, now, earliest=now - LONGEST_KEPT_CHECK_IN) or now


@bp.post("/pupils/<int:pupil_id>/visits/<int:visit_id>/arrived")
@allow(*VISITORS)
def arrived(pupil_id: int, visit_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    visit = visit_or_404(pupil, visit_id)
    form = ArrivalForm(arriving_at=_when_it_happened())
    if not form.validate_on_submit():
        return _show_page(pupil, visit, arrival=form)
    try:
        arrive(visit, current_user, form.arriving_at, form.expected_finish_at())
    except VisitNotDue as not_due:
        flash(str(not_due), "important")
    else:
        finish = format_london_time(visit.expected_finish_at)
        flash(f"You have arrived. Say you have left safely by {finish}.", "success")
    return redirect(_visit_url(visit))


@bp.post("/pupils/<int:pupil_id>/visits/<int:visit_id>/left")
@allow(*VISITORS)
def left(pupil_id: int, visit_id: int):
    """The visitor can always say they left safely, even if the pupil has since moved to
    another teacher's caseload; anyone else needs the pupil in scope."""
    visit = own_visit_under_way(current_user, pupil_id, visit_id)
    if visit is None:
        visit = visit_or_404(pupil_in_scope_or_404(current_user, pupil_id), visit_id)
    pupil = visit.pupil
    try:
        leave(visit, _when_it_happened())
    except VisitNotDue as not_due:
        flash(str(not_due), "important")
        return redirect(_visit_url(visit))
    left_at = format_london_time(visit.left_at)
    if not is_in_scope(current_user, pupil):
        flash(f"You left safely at {left_at}.", "success")
        return redirect(url_for("auth.home"))
    if visit.present:
        flash(f"You left safely at {left_at}.", "success")
        return redirect(_visit_url(visit))
    flash(f"You left safely at {left_at}. Now record what happened.", "success")
    return redirect(url_for("visits.record", pupil_id=pupil.id, visit_id=visit.id))


@bp.route("/pupils/<int:pupil_id>/visits/<int:visit_id>/actions/new", methods=["GET", "POST"])
@allow(*VISITORS)
def new_action(pupil_id: int, visit_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    visit = visit_or_404(pupil, visit_id)
    form = ActionForm(visit=visit)
    if form.made_before(VisitAction, visit_id=visit.id):
        return redirect(_visit_url(visit))
    if form.validate_on_submit():
        values = {"description": form.description.data, "owner": form.owner.data}
        add_action(visit, form.record_uuid(), values | {"due_on": form.due_on.data})
        flash("The action is saved.", "success")
        return redirect(_visit_url(visit))
    return render_template("visits/action_form.html", form=form, pupil=pupil, visit=visit)
