"""Safeguarding concerns, under their pupil, and the DSL's pages.

Staff who may see a pupil record concerns about them; DSLs may record about any pupil.
A concern's content is read only by DSLs and its recorder; each read is audited. The DSL's
steps (seen, actions, close, reopen) need the safeguarding duty (`allow(..., dsl=True)`).
"""

from datetime import timedelta

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ap_field.auth.models import STAFF_ROLES
from ap_field.common.access import allow
from ap_field.common.pdf import pdf_response
from ap_field.common.time import phone_time, utcnow
from ap_field.common.writes import StaleEdit
from ap_field.mail.services import send_soon
from ap_field.pupils.models import Pupil
from ap_field.safeguarding import bp
from ap_field.safeguarding.forms import (
    ActionForm,
    AddendumForm,
    CloseForm,
    ConcernForm,
    ReopenForm,
    VersionForm,
)
from ap_field.safeguarding.models import Concern, ConcernAction, ConcernAddendum, Outcome
from ap_field.safeguarding.queries import (
    chronology,
    concern_or_404,
    linked_record,
    open_concerns,
    pupil_for_dsl_or_404,
    pupil_for_new_concern_or_404,
    readers_of,
    recently_closed,
)
from ap_field.safeguarding.services import (
    add_action,
    add_addendum,
    close,
    mark_seen,
    note_read,
    record_concern,
    reopen,
)
from ap_field.sessions.models import SessionNote
from ap_field.visits.models import HomeVisit

# The longest a concern kept on a phone is believed to have been recorded when the phone says.
LONGEST_KEPT_CONCERN = timedelta(days=7)
CLOSED_SHOWN_FOR = timedelta(days=30)


def _concern_url(concern: Concern) -> str:
    return url_for("safeguarding.show", pupil_id=concern.pupil_id, concern_id=concern.id)


def _recorded_at(form: ConcernForm):
    now = utcnow()
    return phone_time(form.recorded_at.data, now, earliest=now - LONGEST_KEPT_CONCERN) or now


def _links(form: ConcernForm, pupil: Pupil) -> dict:
    visit = linked_record(HomeVisit, form.linked_id("visit_id"), pupil)
    note = linked_record(SessionNote, form.linked_id("note_id"), pupil)
    return {"visit_id": visit and visit.id, "note_id": note and note.id}


@bp.route("/pupils/<int:pupil_id>/concerns/new", methods=["GET", "POST"])
@allow(*STAFF_ROLES)
def new(pupil_id: int):
    pupil, after_placement = pupil_for_new_concern_or_404(current_user, pupil_id)
    form = ConcernForm()
    if replayed := form.made_before(Concern, pupil_id=pupil.id):
        return redirect(_concern_url(replayed))
    if request.method == "GET":
        form.visit_id.data = request.args.get("visit", "")
        form.note_id.data = request.args.get("note", "")
    if form.validate_on_submit():
        values = form.values() | {
            "recorded_at": _recorded_at(form),
            "after_placement_ended": after_placement,
        }
        concern = record_concern(
            pupil, current_user, form.record_uuid(), values, _links(form, pupil)
        )
        send_soon()
        flash("The concern is recorded. Every designated safeguarding lead is told.", "success")
        return redirect(_concern_url(concern))
    return render_template("safeguarding/form.html", form=form, pupil=pupil)


def _show_page(concern: Concern, status: int = 200):
    page = render_template(
        "safeguarding/show.html",
        concern=concern,
        pupil=concern.pupil,
        readers=readers_of(concern) if current_user.is_dsl else [],
        step=VersionForm(formdata=None, obj=concern),
    )
    return page, status


@bp.route("/pupils/<int:pupil_id>/concerns/<int:concern_id>")
@allow(*STAFF_ROLES)
def show(pupil_id: int, concern_id: int):
    concern = concern_or_404(current_user, pupil_id, concern_id)
    note_read(concern)
    return _show_page(concern)


def _changed_since(concern: Concern):
    flash("Something was added to this concern after you opened it. Read it first.", "important")
    return _show_page(concern, status=409)


@bp.post("/pupils/<int:pupil_id>/concerns/<int:concern_id>/seen")
@allow(*STAFF_ROLES, dsl=True)
def seen(pupil_id: int, concern_id: int):
    concern = concern_or_404(current_user, pupil_id, concern_id)
    try:
        mark_seen(concern, current_user, VersionForm().version.data)
    except StaleEdit:
        return _changed_since(concern)
    flash("The concern is marked as seen.", "success")
    return redirect(_concern_url(concern))


@bp.route("/pupils/<int:pupil_id>/concerns/<int:concern_id>/actions/new", methods=["GET", "POST"])
@allow(*STAFF_ROLES, dsl=True)
def new_action(pupil_id: int, concern_id: int):
    concern = concern_or_404(current_user, pupil_id, concern_id)
    form = ActionForm()
    if form.made_before(ConcernAction, concern_id=concern.id):
        return redirect(_concern_url(concern))
    if form.validate_on_submit():
        add_action(concern, current_user, form.record_uuid(), form.values())
        flash("The action is recorded.", "success")
        return redirect(_concern_url(concern))
    return render_template("safeguarding/action_form.html", form=form, concern=concern)


@bp.route("/pupils/<int:pupil_id>/concerns/<int:concern_id>/addenda/new", methods=["GET", "POST"])
@allow(*STAFF_ROLES)
def new_addendum(pupil_id: int, concern_id: int):
    concern = concern_or_404(current_user, pupil_id, concern_id)
    form = AddendumForm()
    if form.made_before(ConcernAddendum, concern_id=concern.id):
        return redirect(_concern_url(concern))
    if form.validate_on_submit():
        add_addendum(concern, current_user, form.record_uuid(), form.text.data)
        flash("Your addition is saved.", "success")
        return redirect(_concern_url(concern))
    return render_template("safeguarding/addendum_form.html", form=form, concern=concern)


@bp.route("/pupils/<int:pupil_id>/concerns/<int:concern_id>/close", methods=["GET", "POST"])
@allow(*STAFF_ROLES, dsl=True)
def close_concern(pupil_id: int, concern_id: int):
    concern = concern_or_404(current_user, pupil_id, concern_id)
    form = CloseForm(obj=concern)
    if form.validate_on_submit():
        outcome = Outcome(form.outcome.data)
        try:
            close(concern, current_user, form.version.data, outcome, form.rationale.data)
        except StaleEdit:
            return _changed_since(concern)
        flash("The concern is closed.", "success")
        return redirect(_concern_url(concern))
    return render_template("safeguarding/close_form.html", form=form, concern=concern)


@bp.route("/pupils/<int:pupil_id>/concerns/<int:concern_id>/reopen", methods=["GET", "POST"])
@allow(*STAFF_ROLES, dsl=True)
def reopen_concern(pupil_id: int, concern_id: int):
    concern = concern_or_404(current_user, pupil_id, concern_id)
    form = ReopenForm(obj=concern)
    if form.validate_on_submit():
        try:
            reopen(concern, current_user, form.version.data, form.reason.data)
        except StaleEdit:
            return _changed_since(concern)
        flash("The concern is open again.", "success")
        return redirect(_concern_url(concern))
    return render_template("safeguarding/reopen_form.html", form=form, concern=concern)


@bp.route("/safeguarding")
@allow(*STAFF_ROLES, dsl=True)
def index():
    return render_template(
        "safeguarding/index.html",
        concerns=open_concerns(),
        closed=recently_closed(utcnow() - CLOSED_SHOWN_FOR),
    )


def _chronology(pupil_id: int):
    pupil = pupil_for_dsl_or_404(pupil_id)
    events, concerns = chronology(pupil)
    note_read(*concerns)
    return pupil, events


@bp.route("/pupils/<int:pupil_id>/safeguarding")
@allow(*STAFF_ROLES, dsl=True)
def pupil_chronology(pupil_id: int):
    pupil, events = _chronology(pupil_id)
    return render_template("safeguarding/chronology.html", pupil=pupil, events=events)


@bp.route("/pupils/<int:pupil_id>/safeguarding.pdf")
@allow(*STAFF_ROLES, dsl=True)
def chronology_pdf(pupil_id: int) -> Response:
    pupil, events = _chronology(pupil_id)
    page = render_template(
        "safeguarding/chronology_print.html", pupil=pupil, events=events, now=utcnow()
    )
    return pdf_response(page, f"safeguarding-chronology-{pupil.case_number}.pdf")
