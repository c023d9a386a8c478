from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ap_field.auth.models import Role
from ap_field.common.access import allow
from ap_field.common.confirm import confirmation_page
from ap_field.common.conflicts import conflict_page
from ap_field.common.time import london_today
from ap_field.common.writes import StaleEdit
from ap_field.extensions import htmx
from ap_field.plans import bp
from ap_field.plans.forms import AgreementForm, PlanForm, ReviewForm, SlotForm, TargetForm
from ap_field.plans.models import (
    FULL_TIME_MINUTES,
    LearningPlan,
    Party,
    Review,
    TimetableSlot,
)
from ap_field.plans.queries import (
    current_plan,
    last_review,
    plans_of,
    register_figures,
    review_attendance,
    review_due_after,
    review_period_start,
    reviews_of,
    timetable,
)
from ap_field.plans.services import (
    SlotOverlaps,
    add_slot,
    change_slot,
    hold_review,
    record_agreement,
    remove_slot,
    weekly_minutes,
    write_plan,
)
from ap_field.pupils.models import Pupil
from ap_field.pupils.queries import pupil_in_scope_or_404, record_of_pupil_or_404
from ap_field.sessions.queries import delivery_between

TEACHING = (Role.TEACHER, Role.LEAD, Role.ADMIN)


@bp.route("/pupils/<int:pupil_id>/plan")
@allow(*TEACHING)
def plan(pupil_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    versions = plans_of(pupil)
    if not versions:
        return render_template("plans/no_plan.html", pupil=pupil)
    return redirect(url_for("plans.version", pupil_id=pupil.id, plan_id=versions[0].id))


@bp.route("/pupils/<int:pupil_id>/plan/versions/<int:plan_id>")
@allow(*TEACHING)
def version(pupil_id: int, plan_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    shown = record_of_pupil_or_404(LearningPlan, plan_id, pupil)
    form = AgreementForm(formdata=None, agreed_on=london_today(), waiting=_waiting(shown))
    return _plan_page(pupil, shown, form)


def _waiting(plan: LearningPlan) -> list[Party]:
    return [party for party in Party if plan.agreement(party) is None]


def _plan_page(pupil: Pupil, shown: LearningPlan, form: AgreementForm):
    return render_template(
        "plans/plan.html",
        pupil=pupil,
        plan=shown,
        versions=plans_of(pupil),
        latest=current_plan(pupil),
        parties=list(Party),
        form=form,
    )


@bp.route("/pupils/<int:pupil_id>/plan/new", methods=["GET", "POST"])
@allow(*TEACHING)
def new_plan(pupil_id: int):
    """A new version, starting from the current one."""
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    previous = current_plan(pupil)
    form = PlanForm(data=_starting_from(previous))
    if replayed := form.made_before(LearningPlan):
        return redirect(url_for("plans.version", pupil_id=pupil.id, plan_id=replayed.id))
    if form.validate_on_submit():
        written = write_plan(
            pupil,
            {"client_uuid": form.record_uuid(), **form.values()},
            form.target_values(),
            current_user,
        )
        flash(
            f"Plan version {written.version_number} saved. Record each party's agreement.",
            "success",
        )
        return redirect(url_for("plans.version", pupil_id=pupil.id, plan_id=written.id))
    return render_template("plans/plan_form.html", pupil=pupil, form=form, previous=previous)


def _starting_from(previous: LearningPlan | None) -> dict:
    """A new version's form, filled in from the current one."""
    if previous is None:
        return {"starts_on": london_today()}
    return {
        "aims": previous.aims,
        "success_criteria": previous.success_criteria,
        "transition_plan": previous.transition_plan,
        "starts_on": london_today(),
        "ends_on": previous.ends_on,
        "targets": [
            {name: getattr(target, name) for name in TargetForm.REQUIRED}
            for target in previous.targets
        ],
    }


@bp.post("/pupils/<int:pupil_id>/plan/versions/<int:plan_id>/agree")
@allow(*TEACHING)
def agree(pupil_id: int, plan_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    agreed = record_of_pupil_or_404(LearningPlan, plan_id, pupil)
    form = AgreementForm(waiting=_waiting(agreed))
    if form.validate_on_submit():
        party = Party(form.party.data)
        record_agreement(agreed, party, form.agreed_by.data, form.agreed_on.data, current_user)
        flash(f"The {party.label.lower()}'s agreement is recorded.", "success")
        return redirect(url_for("plans.version", pupil_id=pupil.id, plan_id=agreed.id))
    return _plan_page(pupil, agreed, form)


def _timetable_context(pupil: Pupil, form: SlotForm | None = None) -> dict:
    slots = timetable(pupil)
    return {
        "pupil": pupil,
        "slots": slots,
        "total_minutes": weekly_minutes(slots),
        "full_time_minutes": FULL_TIME_MINUTES,
        "form": form,
    }


def _timetable_page(pupil: Pupil, form: SlotForm):
    """The whole page, or for htmx only the timetable and its form, which it swaps in place."""
    template = "plans/_timetable.html" if htmx else "plans/timetable.html"
    return render_template(template, **_timetable_context(pupil, form)), {"Vary": "HX-Request"}


@bp.route("/pupils/<int:pupil_id>/timetable", methods=["GET", "POST"])
@allow(*TEACHING)
def timetable_page(pupil_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    form = SlotForm(providers=pupil.providers)
    if form.made_before(TimetableSlot):
        return redirect(url_for("plans.timetable_page", pupil_id=pupil.id))
    if form.validate_on_submit():
        try:
            add_slot(pupil, form.values(), form.record_uuid())
        except SlotOverlaps as overlap:
            form.starts_at.errors.append(str(overlap))
        else:
            if not htmx:
                flash("Session added to the timetable.", "success")
                return redirect(url_for("plans.timetable_page", pupil_id=pupil.id))
            form = SlotForm(formdata=None, providers=pupil.providers)
            form.open_new()
    return _timetable_page(pupil, form)


@bp.route("/pupils/<int:pupil_id>/timetable/total")
@allow(*TEACHING)
def timetable_total(pupil_id: int):
    """The weekly total as the form would leave it, shown while the times are typed."""
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    form = SlotForm(request.args, meta={"csrf": False}, providers=pupil.providers)
    slots = timetable(pupil)
    extra = 0
    if form.starts_at.data and form.ends_at.data and form.ends_at.data > form.starts_at.data:
        extra = TimetableSlot(starts_at=form.starts_at.data, ends_at=form.ends_at.data).minutes
    return render_template(
        "plans/_total.html",
        total_id="draft-weekly-total",
        total_minutes=weekly_minutes(slots) + extra,
        extra_minutes=extra,
        full_time_minutes=FULL_TIME_MINUTES,
    )


@bp.route("/pupils/<int:pupil_id>/timetable/slots/<int:slot_id>", methods=["GET", "POST"])
@allow(*TEACHING)
def edit_slot(pupil_id: int, slot_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    slot = record_of_pupil_or_404(TimetableSlot, slot_id, pupil)
    form = SlotForm(obj=slot, providers=pupil.providers)
    if form.validate_on_submit():
        try:
            change_slot(slot, form.values(), seen_version=form.version.data)
        except StaleEdit:
            return conflict_page(
                slot,
                form,
                what="this session",
                keep_url=url_for("plans.timetable_page", pupil_id=pupil.id),
                pupil=pupil,
            )
        except SlotOverlaps as overlap:
            form.starts_at.errors.append(str(overlap))
        else:
            flash("Session changed.", "success")
            return redirect(url_for("plans.timetable_page", pupil_id=pupil.id))
    return render_template("plans/slot_form.html", pupil=pupil, slot=slot, form=form)


@bp.route("/pupils/<int:pupil_id>/timetable/slots/<int:slot_id>/remove", methods=["GET", "POST"])
@allow(*TEACHING)
def delete_slot(pupil_id: int, slot_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    slot = record_of_pupil_or_404(TimetableSlot, slot_id, pupil)
    back = url_for("plans.timetable_page", pupil_id=pupil.id)
    if request.method == "GET":
        when = f"{slot.day_name} {slot.starts_at:%H:%M}–{slot.ends_at:%H:%M}"
        return confirmation_page(
            title=f"Remove the {when} session?",
            consequence=f"{slot.focus.label}, {slot.place}, comes off the weekly timetable"
            " from now on. Sessions already held and their notes stay.",
            button="Yes, remove it",
            back_url=back,
            outbox="Removal of a timetabled session",
            caption=pupil.display_name,
        )
    remove_slot(slot)
    flash("Session removed from the timetable.", "success")
    return redirect(back)


@bp.route("/pupils/<int:pupil_id>/reviews")
@allow(*TEACHING, Role.SCHOOL)
def reviews(pupil_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    held = reviews_of(pupil)
    return render_template(
        "plans/reviews.html",
        pupil=pupil,
        reviews=held,
        attendance=review_attendance(pupil, held),
        plan=current_plan(pupil),
        today=london_today(),
    )


@bp.route("/pupils/<int:pupil_id>/reviews/new", methods=["GET", "POST"])
@allow(*TEACHING)
def new_review(pupil_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    reviewed = current_plan(pupil)
    if reviewed is None:
        flash("Write the learning plan first: a review looks at its targets.", "important")
        return redirect(url_for("plans.plan", pupil_id=pupil.id))
    form = _review_form(pupil, reviewed)
    if replayed := form.made_before(Review):
        return redirect(url_for("plans.review", pupil_id=pupil.id, review_id=replayed.id))
    targets = {target.id: target for target in reviewed.targets}
    if form.validate_on_submit() and _progress_matches(form, targets):
        held = _hold(pupil, reviewed, form)
        flash("Review saved. The next review date is set.", "success")
        return redirect(url_for("plans.review", pupil_id=pupil.id, review_id=held.id))
    return _review_form_page(pupil, reviewed, form, targets)


def _hold(pupil: Pupil, reviewed: LearningPlan, form: ReviewForm) -> Review:
    """The review as the form gives it, with the sessions delivered since the last one."""
    delivery = delivery_between(pupil, review_period_start(pupil, reviewed), form.held_on.data)
    return hold_review(
        pupil,
        reviewed,
        form.values(),
        form.progress_values(),
        delivery,
        current_user,
        form.record_uuid(),
    )


def _review_form(pupil: Pupil, reviewed: LearningPlan) -> ReviewForm:
    """The review form, opened with a row for each of the plan's targets."""
    previous = last_review(pupil)
    form = ReviewForm(
        previous_review_on=previous.held_on if previous else None,
        next_review_due=review_due_after(pupil, london_today()),
    )
    if request.method == "GET":
        for target in reviewed.targets:
            form.progress.append_entry({"target_id": target.id})
    return form


def _review_form_page(pupil: Pupil, reviewed: LearningPlan, form: ReviewForm, targets: dict):
    start, today = review_period_start(pupil, reviewed), london_today()
    return render_template(
        "plans/review_form.html",
        pupil=pupil,
        plan=reviewed,
        form=form,
        targets=targets,
        period_start=start,
        delivery=delivery_between(pupil, start, today),
        register=register_figures(pupil, start, today),
    )


def _progress_matches(form: ReviewForm, targets: dict) -> bool:
    """One progress entry for each of the plan's targets, and no other."""
    given = [entry.form.target_id.data for entry in form.progress]
    if sorted(given) != sorted(targets):
        form.progress.errors = ["Record progress on each of the plan's targets"]
        return False
    return True


@bp.route("/pupils/<int:pupil_id>/reviews/<int:review_id>")
@allow(*TEACHING, Role.SCHOOL)
def review(pupil_id: int, review_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    held = record_of_pupil_or_404(Review, review_id, pupil)
    return render_template(
        "plans/review.html",
        pupil=pupil,
        review=held,
        register=register_figures(pupil, held.period_start, held.held_on),
    )
