from datetime import date, timedelta

import segno
from flask import (
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectChoice

from ap_field.attendance.clock import session_of_time
from ap_field.auth.devices import sign_in_here
from ap_field.auth.limits import attempts_per_minute
from ap_field.auth.models import Role, User
from ap_field.auth.queries import user_by_id
from ap_field.common.access import allow, public
from ap_field.common.confirm import confirmation_page
from ap_field.common.conflicts import conflict_page
from ap_field.common.forms import BaseForm
from ap_field.common.pagination import requested_page
from ap_field.common.security import private
from ap_field.common.time import format_long_date, london_today
from ap_field.common.writes import StaleEdit
from ap_field.extensions import limiter
from ap_field.mail.services import send_soon
from ap_field.parents import bp
from ap_field.parents.forms import (
    DisputeReplyForm,
    InvitationForm,
    JoinForm,
    ParentLinkForm,
    SessionAnswerForm,
)
from ap_field.parents.models import (
    Answer,
    InvitationState,
    ParentInvitation,
    ParentLink,
    SessionConfirmation,
)
from ap_field.parents.queries import (
    RECENT_DAYS,
    answer_for,
    child_overview,
    dispute_or_404,
    disputes_in_scope,
    link_of,
)
from ap_field.parents.services import (
    AlreadyAnswered,
    AlreadyReplied,
    EmailInUse,
    InvitationNotUsable,
    accept_as_new_parent,
    accept_for_existing_parent,
    confirm_session,
    invite,
    link_parent,
    reply_to_dispute,
    unlink,
    update_link,
    usable_invitation,
    withdraw,
)
from ap_field.plans.models import SCHOOL_DAYS
from ap_field.pupils.queries import (
    pupil_in_scope_or_404,
    pupils_in_scope_by_name,
    record_of_pupil_or_404,
)
from ap_field.sessions.models import SessionNote

INVITERS = (Role.TEACHER, Role.LEAD, Role.ADMIN)
DISPUTES_PAGE_SIZE = 25


@bp.route("/my-child")
@allow(Role.PARENT)
def my_child():
    """Each linked child: sessions to answer about first, then today, the week and the
    next review."""
    today = london_today()
    children = pupils_in_scope_by_name(current_user)
    return render_template(
        "parents/my_child.html",
        children=[child_overview(current_user, child, today) for child in children],
        today=today,
        week_days=_school_week(today),
    )


def _school_week(today: date) -> list[tuple[str, date]]:
    """The days of this school week, or of next week at the weekend."""
    monday = today - timedelta(days=today.weekday())
    if today.weekday() >= len(SCHOOL_DAYS):
        monday += timedelta(days=7)
    return [(name, monday + timedelta(days=n)) for n, name in enumerate(SCHOOL_DAYS)]


def _thanks(note: SessionNote, answer: Answer) -> str:
    if answer == Answer.CONFIRMED:
        return f"Thank you. You confirmed the session on {format_long_date(note.held_on)}."
    return "Thank you. Your child's teacher and the programme lead will see this."


@bp.route("/my-child/<int:pupil_id>/sessions/<int:note_id>", methods=["GET", "POST"])
@allow(Role.PARENT)
def session_answer(pupil_id: int, note_id: int):
    """A parent says whether a delivered session happened; they see when and what it was,
    never what the teacher wrote."""
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    note = record_of_pupil_or_404(SessionNote, note_id, pupil)
    if not link_of(current_user, pupil).may_confirm_attendance:
        abort(403)
    form = SessionAnswerForm()
    answer = answer_for(note)
    if answer is None and note.held_on < london_today() - timedelta(days=RECENT_DAYS):
        return _answers_closed(pupil, note)
    if request.method == "GET":
        form.open_new()
    elif answer is not None:
        return _already_answered(answer)
    if form.validate_on_submit():
        answer = Answer(form.answer.data)
        try:
            confirm_session(note, current_user, answer, form.comment.data, form.record_uuid())
        except AlreadyAnswered as already:
            return _already_answered(already.confirmation)
        send_soon()
        flash(_thanks(note, answer), "success")
        return redirect(url_for("parents.my_child"))
    return render_template("parents/session.html", pupil=pupil, note=note, answer=answer, form=form)


def _answers_closed(pupil, note: SessionNote):
    """A session older than RECENT_DAYS takes no answer: sent from a phone, it is refused."""
    page = render_template("parents/session.html", pupil=pupil, note=note, closed_after=RECENT_DAYS)
    return page, 200 if request.method == "GET" else 422


def _already_answered(existing: SessionConfirmation):
    who = "you" if existing.parent_id == current_user.id else existing.parent.name
    if existing.answer == Answer.CONFIRMED:
        flash(f"This session is already confirmed: {who} said it happened.", "important")
    else:
        flash(f"This session already has an answer: {who} said it did not happen.", "important")
    return redirect(
        url_for("parents.session_answer", pupil_id=existing.pupil_id, note_id=existing.note_id)
    )


@bp.route("/pupils/<int:pupil_id>/disputes/<int:confirmation_id>/reply", methods=["GET", "POST"])
@allow(*INVITERS)
def reply_to_parent(pupil_id: int, confirmation_id: int):
    """The teacher or a lead answers a parent's "No": corrected, explained, or the record
    stands. One answer per dispute; the parent reads it on their page."""
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    dispute = dispute_or_404(pupil, confirmation_id)
    form = DisputeReplyForm()
    if request.method == "GET":
        form.open_new()
    if form.validate_on_submit():
        try:
            reply_to_dispute(dispute, current_user, form.values(), form.record_uuid())
        except AlreadyReplied as already:
            return _reply_page(pupil, dispute, form, already.reply, 409)
        flash(f"Your answer is on {dispute.parent.name}'s page.", "success")
        return redirect(url_for("sessions.note", pupil_id=pupil.id, note_id=dispute.note_id))
    return _reply_page(pupil, dispute, form, dispute.reply)


def _reply_page(pupil, dispute, form, reply, status: int = 200):
    page = render_template(
        "parents/reply.html",
        pupil=pupil,
        dispute=dispute,
        form=form,
        reply=reply,
        session=session_of_time(dispute.note.starts_at),
    )
    return page, status


# Invitations


@bp.route("/pupils/<int:pupil_id>/invitations/new", methods=["GET", "POST"])
@allow(*INVITERS)
def new_invitation(pupil_id: int):
    """The link and its QR code are shown once, in the answer to the POST that made them:
    only a hash is kept, and the page is never stored (Cache-Control: no-store)."""
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    form = InvitationForm()
    if form.validate_on_submit():
        invitation, token = invite(pupil, current_user, form.values())
        link = url_for("parents.join", token=token, _external=True)
        return render_template(
            "parents/invitation.html",
            pupil=pupil,
            invitation=invitation,
            link=link,
            qr_code=_qr_code(link),
        )
    return render_template("parents/invitation_form.html", form=form, pupil=pupil)


def _qr_code(link: str) -> Markup:
    """An inline SVG: paths with presentation attributes only, so the CSP needs no exception."""
    code = segno.make(link, error="m")
    svg = code.svg_inline(
        scale=6, dark="#0b0c0c", light="#ffffff", title="QR code of the invitation link"
    )
    return Markup(svg)  # noqa: S704 (segno's output from a URL we built)


@bp.post("/pupils/<int:pupil_id>/invitations/<int:invitation_id>/withdraw")
@allow(*INVITERS)
def withdraw_invitation(pupil_id: int, invitation_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    invitation = record_of_pupil_or_404(ParentInvitation, invitation_id, pupil)
    try:
        withdraw(invitation)
    except InvitationNotUsable:
        flash("That invitation had already been used or had expired.", "important")
    else:
        flash(
            f"The invitation for {invitation.invitee} is withdrawn: its link no longer works.",
            "success",
        )
    return redirect(url_for("pupils.show", pupil_id=pupil.id))


def _join_refused(_response) -> bool:
    return g.get("invitation_refused", False)


@bp.route("/join/<token:token>", methods=["GET", "POST"])
@public
@limiter.limit(attempts_per_minute, deduct_when=_join_refused)
def join(token: str):
    """The parent's own phone opens the invitation: a new account, or, when they are signed
    in already, the child added to theirs. Links that do not work count towards the same
    per-address limit as failed sign-ins."""
    try:
        invitation = usable_invitation(token)
    except InvitationNotUsable as refused:
        if refused.state == InvitationState.ACCEPTED and _accepted_by_me(refused.invitation):
            return redirect(url_for("parents.my_child"))
        return _refused(refused)
    if current_user.is_authenticated:
        return _join_signed_in(invitation)
    form = JoinForm(data={"name": invitation.parent_name})
    if form.validate_on_submit():
        return _join_as_new_parent(invitation, form)
    return private(render_template("parents/join.html", form=form, invitation=invitation))


def _join_as_new_parent(invitation: ParentInvitation, form: JoinForm):
    try:
        parent = accept_as_new_parent(
            invitation, form.name.data, form.email.data, form.new_password.data
        )
    except InvitationNotUsable as refused:
        return _refused(refused)
    except EmailInUse:
        form.email.errors.append("There is already an account with this email address")
        return private(render_template("parents/join.html", form=form, invitation=invitation))
    _sign_in(parent, remember=form.remember.data)
    flash(f"Your account is ready and linked to {invitation.pupil.display_name}.", "success")
    return redirect(url_for("parents.my_child"))


def _accepted_by_me(invitation: ParentInvitation) -> bool:
    """A parent who scans the code again, after using it, is simply taken to their child."""
    return current_user.is_authenticated and invitation.accepted_by_id == current_user.id


def _join_signed_in(invitation: ParentInvitation):
    if current_user.role != Role.PARENT:
        return private(render_template("parents/join_staff.html", invitation=invitation))
    form = BaseForm()
    if link_of(current_user, invitation.pupil) is None and form.validate_on_submit():
        try:
            accept_for_existing_parent(invitation, current_user)
        except InvitationNotUsable as refused:
            return _refused(refused)
        flash(f"{invitation.pupil.display_name} is added to your account.", "success")
        return redirect(url_for("parents.my_child"))
    return private(
        render_template(
            "parents/join_existing.html",
            form=form,
            invitation=invitation,
            linked=link_of(current_user, invitation.pupil) is not None,
        )
    )


def _sign_in(parent: User, remember: bool) -> None:
    session.clear()
    sign_in_here(parent, remember)


def _refused(refused: InvitationNotUsable):
    g.invitation_refused = True
    status = 404 if refused.state is None else 410
    return private(render_template("parents/join_refused.html", state=refused.state), status)


# Disputed sessions


@bp.route("/disputed-sessions")
@allow(Role.LEAD, Role.ADMIN)
def disputed_sessions():
    page = requested_page(disputes_in_scope(current_user), "page", DISPUTES_PAGE_SIZE)
    return render_template("parents/disputed_sessions.html", page=page)


# Links to existing accounts


@bp.route("/pupils/<int:pupil_id>/parents/new", methods=["GET", "POST"])
@allow(Role.LEAD, Role.ADMIN)
def new_link(pupil_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    form = ParentLinkForm()
    if form.validate_on_submit():
        parent = user_by_id(form.parent_id.data)
        if link_of(parent, pupil) is not None:
            form.parent_id.errors.append(f"{parent.name} is already linked to this pupil")
        else:
            link_parent(pupil, parent, form.relationship.data, form.may_confirm_attendance.data)
            flash(f"{parent.name} is linked to {pupil.display_name}.", "success")
            return redirect(url_for("pupils.show", pupil_id=pupil.id))
    return render_template("parents/link_form.html", form=form, pupil=pupil, link=None)


@bp.route("/pupils/<int:pupil_id>/parents/<int:link_id>", methods=["GET", "POST"])
@allow(Role.LEAD, Role.ADMIN)
def edit_link(pupil_id: int, link_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    link = record_of_pupil_or_404(ParentLink, link_id, pupil)
    form = ParentLinkForm(obj=link)
    form.parent_id.choices = [SelectChoice(link.parent_id, link.parent.name)]
    if form.validate_on_submit():
        try:
            update_link(
                link,
                form.relationship.data,
                form.may_confirm_attendance.data,
                seen_version=form.version.data,
            )
        except StaleEdit:
            return conflict_page(
                link,
                form,
                what=f"{link.parent.name}'s link",
                keep_url=url_for("pupils.show", pupil_id=pupil.id),
                pupil=pupil,
            )
        flash("Changes saved.", "success")
        return redirect(url_for("pupils.show", pupil_id=pupil.id))
    return render_template("parents/link_form.html", form=form, pupil=pupil, link=link)


@bp.route("/pupils/<int:pupil_id>/parents/<int:link_id>/unlink", methods=["GET", "POST"])
@allow(Role.LEAD, Role.ADMIN)
def unlink_parent(pupil_id: int, link_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    link = record_of_pupil_or_404(ParentLink, link_id, pupil)
    name = link.parent.name
    if request.method == "GET":
        return confirmation_page(
            title=f"Unlink {name}?",
            consequence=f"{name} will no longer see {pupil.display_name}'s page, sessions or"
            " timetable, nor confirm sessions. Their account stays.",
            button=f"Yes, unlink {name}",
            back_url=url_for("parents.edit_link", pupil_id=pupil.id, link_id=link.id),
            outbox="Unlinking a parent or carer",
            caption=pupil.display_name,
        )
    unlink(link)
    flash(f"{name} is no longer linked to {pupil.display_name}.", "success")
    return redirect(url_for("pupils.show", pupil_id=pupil.id))
