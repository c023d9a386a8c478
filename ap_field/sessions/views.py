from datetime import date, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ap_field.attendance.queries import unexplained_absences_of
from ap_field.auth.models import Role
from ap_field.common.access import allow
from ap_field.common.pagination import requested_page
from ap_field.common.routing import id_from_query
from ap_field.common.time import london_now, london_today
from ap_field.parents.queries import answer_for, answers_by_note, recent_disputes
from ap_field.plans.models import TimetableSlot
from ap_field.plans.queries import current_plan, slot_of
from ap_field.pupils.models import CASELOAD_LIMIT, Pupil
from ap_field.pupils.queries import (
    pupil_in_scope_or_404,
    pupils_in_scope_by_name,
    record_of_pupil_or_404,
)
from ap_field.safeguarding.queries import concerns_raised_from
from ap_field.sessions import bp
from ap_field.sessions.forms import AddendumForm, NoteForm
from ap_field.sessions.models import SessionNote
from ap_field.sessions.queries import notes_newest_first, notes_not_written, occurrences
from ap_field.sessions.services import add_addendum, write_note
from ap_field.visits.queries import visits_in_progress

TEACHING = (Role.TEACHER, Role.LEAD, Role.ADMIN)
CHECK_INS = (("AM check-in", "Morning register for your whole block"),
             ("PM check-in", "Afternoon register for your whole block"))  # fmt: skip
REVIEWS_AHEAD = timedelta(days=7)
NOTES_PAGE_SIZE = 25


@bp.route("/today")
@allow(Role.TEACHER)
def today():
    """The teacher's day, most urgent first: overdue reviews, visits under way (lone working),
    the day's registers and sessions, reviews due, absences and disputes to answer, then the
    notes still to write, folded by pupil."""
    now = london_now()
    block = pupils_in_scope_by_name(current_user)
    reviews_due = sorted(
        (p for p in block if p.review_date and p.review_date <= now.date() + REVIEWS_AHEAD),
        key=lambda pupil: pupil.review_date,
    )
    return render_template(
        "sessions/today.html",
        today=now.date(),
        block=block,
        caseload_limit=CASELOAD_LIMIT,
        check_ins=CHECK_INS,
        sessions=occurrences(block, now.date(), now.date()),
        visits_in_progress=visits_in_progress(current_user),
        reviews_due=reviews_due,
        notes_to_write=notes_not_written(block, now),
        disputes=recent_disputes(block, now.date()),
        unexplained=unexplained_absences_of(current_user, now.date()),
    )


@bp.route("/pupils/<int:pupil_id>/notes")
@allow(*TEACHING)
def notes(pupil_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    page = requested_page(notes_newest_first(pupil), "page", NOTES_PAGE_SIZE)
    answers = answers_by_note([note.id for note in page.items])
    return render_template(
        "sessions/notes.html",
        pupil=pupil,
        notes=page.items,
        page=page,
        page_url=lambda number: url_for("sessions.notes", pupil_id=pupil.id, page=number),
        answers=answers,
    )


@bp.route("/pupils/<int:pupil_id>/notes/new", methods=["GET", "POST"])
@allow(*TEACHING)
def new_note(pupil_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    plan = current_plan(pupil)
    targets = plan.targets if plan else []
    form = NoteForm(targets=targets)
    if replayed := form.made_before(SessionNote):
        return redirect(url_for("sessions.note", pupil_id=pupil.id, note_id=replayed.id))
    if request.method == "GET":
        _fill_from_timetable(form, pupil)
    if form.validate_on_submit():
        chosen = [target for target in targets if target.id in (form.target_ids.data or [])]
        slot = _timetabled_slot(pupil)
        values = form.values() | {"slot_id": slot.id if slot else None}
        note = write_note(pupil, current_user, values, chosen, form.record_uuid())
        flash("Session note sent. It can no longer be changed, only added to.", "success")
        return redirect(url_for("sessions.note", pupil_id=pupil.id, note_id=note.id))
    return render_template("sessions/note_form.html", pupil=pupil, form=form)


def _fill_from_timetable(form: NoteForm, pupil: Pupil) -> None:
    """A note opened from a timetabled session starts with that session's details."""
    form.held_on.data = request.args.get("date", type=_date) or london_today()
    slot = _timetabled_slot(pupil)
    if slot is None:
        return
    form.starts_at.data, form.ends_at.data = slot.starts_at, slot.ends_at
    form.mode.data, form.focus.data, form.place.data = slot.mode, slot.focus, slot.place
    form.planned_minutes.data = slot.minutes


def _timetabled_slot(pupil: Pupil) -> TimetableSlot | None:
    """The pupil's timetabled session the note was opened from (?slot=), if any."""
    slot_id = id_from_query("slot")
    return slot_of(pupil, slot_id) if slot_id else None


def _date(value: str) -> date:
    return date.fromisoformat(value)


@bp.route("/pupils/<int:pupil_id>/notes/<int:note_id>", methods=["GET", "POST"])
@allow(*TEACHING)
def note(pupil_id: int, note_id: int):
    """A sent note, read only, with its addenda and a form to add one."""
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    shown = record_of_pupil_or_404(SessionNote, note_id, pupil)
    form = AddendumForm()
    if form.validate_on_submit():
        add_addendum(shown, current_user, form.text.data)
        flash("Addendum added.", "success")
        return redirect(url_for("sessions.note", pupil_id=pupil.id, note_id=shown.id))
    return render_template(
        "sessions/note.html",
        pupil=pupil,
        note=shown,
        form=form,
        answer=answer_for(shown),
        concerns=concerns_raised_from(note=shown),
    )
