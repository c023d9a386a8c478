"""Linking parents and carers to pupils, invitations, and parents' answers about sessions,
each change with its audit event in the same transaction."""

import secrets
import uuid
from datetime import datetime

import sqlalchemy as sa

from ap_field.audit.models import plain, record
from ap_field.auth.models import Role, User, token_hash
from ap_field.auth.queries import active_users_of_role
from ap_field.common.time import LONDON, format_long_date, utcnow
from ap_field.common.writes import StaleEdit, by_client_uuid, commit_or_stale
from ap_field.extensions import db
from ap_field.mail.services import link_to, queue_mail
from ap_field.parents.models import (
    INVITATION_LIFETIME,
    Answer,
    DisputeReply,
    InvitationState,
    Outcome,
    ParentInvitation,
    ParentLink,
    SessionConfirmation,
)
from ap_field.parents.queries import answer_for, parents_to_ask, parents_without_push, reply_of
from ap_field.pupils.models import Pupil
from ap_field.push.reminders import claim_mail
from ap_field.sessions.models import SessionNote
from ap_field.sessions.services import append_addendum


def _values(link: ParentLink) -> dict:
    return {
        "relationship": link.relationship,
        "may_confirm_attendance": link.may_confirm_attendance,
    }


def link_parent(pupil: Pupil, parent: User, relationship: str, may_confirm: bool) -> ParentLink:
    link = ParentLink(
        pupil=pupil,
        parent=parent,
        relationship=relationship,
        may_confirm_attendance=may_confirm,
    )
    db.session.add(link)
    record(
        "parent.linked",
        pupil_id=pupil.id,
        parent=parent.name,
        relationship=relationship,
        after=_values(link),
    )
    db.session.commit()
    return link


def update_link(
    link: ParentLink, relationship: str, may_confirm: bool, seen_version: int | None
) -> None:
    """Change the link as seen at `seen_version`; refuse it if the link moved on since."""
    if link.version != seen_version:
        raise StaleEdit()
    before = _values(link)
    link.relationship, link.may_confirm_attendance = relationship, may_confirm
    if _values(link) != before:
        record(
            "parent.updated",
            pupil_id=link.pupil_id,
            parent=link.parent.name,
            before=before,
            after=_values(link),
        )
    commit_or_stale()


def unlink(link: ParentLink) -> None:
    record("parent.unlinked", pupil_id=link.pupil_id, parent=link.parent.name, before=_values(link))
    db.session.delete(link)
    db.session.commit()


# Invitations


class InvitationNotUsable(Exception):
    """The link is expired, used, withdrawn or unknown; `state` says which (None: unknown)."""

    def __init__(self, invitation: ParentInvitation | None, now: datetime):
        self.invitation = invitation
        self.state = invitation.state(now) if invitation else None
        super().__init__(self.state.value if self.state else "unknown")


def invite(
    pupil: Pupil, invited_by: User, values: dict, now: datetime | None = None
) -> tuple[ParentInvitation, str]:
    """A new invitation and its token. Only the token's hash is kept: the token itself is
    shown once, to the person who made the invitation."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    invitation = ParentInvitation(
        pupil_id=pupil.id,
        token_hash=token_hash(token),
        invited_by_id=invited_by.id,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
        **values,
    )
    db.session.add(invitation)
    record(
        "invitation.created",
        pupil_id=pupil.id,
        parent=invitation.invitee,
        relationship=invitation.relationship,
        expires_at=invitation.expires_at,
    )
    db.session.commit()
    return invitation, token


def withdraw(invitation: ParentInvitation, now: datetime | None = None) -> None:
    now = now or utcnow()
    if invitation.state(now) != InvitationState.PENDING:
        raise InvitationNotUsable(invitation, now)
    invitation.withdrawn_at = now
    record(
        "invitation.withdrawn",
        pupil_id=invitation.pupil_id,
        parent=invitation.invitee,
        relationship=invitation.relationship,
    )
    db.session.commit()


def usable_invitation(token: str, now: datetime | None = None) -> ParentInvitation:
    """The pending invitation this token opens; otherwise InvitationNotUsable."""
    invitation = db.session.scalar(
        sa.select(ParentInvitation).where(ParentInvitation.token_hash == token_hash(token))
    )
    now = now or utcnow()
    if invitation is None or invitation.state(now) != InvitationState.PENDING:
        raise InvitationNotUsable(invitation, now)
    return invitation


def _claim(invitation: ParentInvitation, now: datetime) -> None:
    """Mark the invitation used, in one conditional UPDATE: of two requests with the same
    link at the same moment, the database lets exactly one through."""
    claimed = db.session.execute(
        sa.update(ParentInvitation)
        .where(ParentInvitation.id == invitation.id, ParentInvitation.pending_at(now))
        .values(accepted_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        db.session.refresh(invitation)
        raise InvitationNotUsable(invitation, now)
    invitation.accepted_at = now
    db.session.flush()


class EmailInUse(Exception):
    pass


def accept_as_new_parent(
    invitation: ParentInvitation, name: str, email: str, password: str, now: datetime | None = None
) -> User:
    """Use the invitation to make a parent's account linked to the child; one transaction."""
    now = now or utcnow()
    _claim(invitation, now)
    parent = User(name=name, email=email, role=Role.PARENT)
    parent.set_password(password)
    db.session.add(parent)
    try:
        db.session.flush()
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        raise EmailInUse from error
    _link_from(invitation, parent)
    db.session.commit()
    return parent


def accept_for_existing_parent(
    invitation: ParentInvitation, parent: User, now: datetime | None = None
) -> bool:
    """Use the invitation to link the child to a signed-in parent's account. False when they
    were already linked (the invitation is used up all the same)."""
    _claim(invitation, now or utcnow())
    already = db.session.scalar(
        sa.select(ParentLink.id).filter_by(pupil_id=invitation.pupil_id, parent_id=parent.id)
    )
    if not already:
        _link_from(invitation, parent)
    invitation.accepted_by_id = parent.id
    db.session.commit()
    return not already


def _link_from(invitation: ParentInvitation, parent: User) -> None:
    link = ParentLink(
        pupil_id=invitation.pupil_id,
        parent=parent,
        relationship=invitation.relationship,
        may_confirm_attendance=invitation.may_confirm_attendance,
    )
    db.session.add(link)
    invitation.accepted_by_id = parent.id
    event = record(
        "invitation.accepted",
        pupil_id=invitation.pupil_id,
        parent=parent.name,
        relationship=invitation.relationship,
        after=_values(link),
    )
    event.actor_id = parent.id


# Answers about sessions


class AlreadyAnswered(Exception):
    def __init__(self, confirmation: SessionConfirmation):
        super().__init__(confirmation.answer.value)
        self.confirmation = confirmation


def confirm_session(
    note: SessionNote, parent: User, answer: Answer, comment: str, client_uuid: uuid.UUID
) -> SessionConfirmation:
    """The parent's one answer about a session. A second answer, even one racing the first,
    is refused by the unique note_id and raises AlreadyAnswered with the answer that won."""
    if existing := answer_for(note):
        raise AlreadyAnswered(existing)
    confirmation = SessionConfirmation(
        note_id=note.id,
        pupil_id=note.pupil_id,
        parent_id=parent.id,
        answer=answer,
        comment=comment if answer == Answer.DISPUTED else "",
        client_uuid=client_uuid,
    )
    db.session.add(confirmation)
    details = {"parent": parent.name, "held_on": plain(note.held_on)}
    if answer == Answer.DISPUTED:
        record("session.disputed", pupil_id=note.pupil_id, comment=comment, **details)
        _tell_staff_of_dispute(note)
    else:
        record("session.confirmed", pupil_id=note.pupil_id, **details)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        if existing := answer_for(note):
            raise AlreadyAnswered(existing) from None
        raise
    return confirmation


def _tell_staff_of_dispute(note: SessionNote) -> None:
    """A mail to the session's teacher and every lead: which session, not who or what."""
    with db.session.no_autoflush:
        people = [note.teacher, *active_users_of_role(Role.LEAD)]
    when = f"{format_long_date(note.held_on)} at {note.starts_at:%H:%M}"
    body = (
        f"A parent or carer said that the session on {when} did not happen as recorded.\n\n"
        f"Read what they said and answer them: {link_to('parents.disputed_sessions')}\n\n"
        "They see your answer on their page."
    )
    for person in dict.fromkeys(people):
        if person.active:
            queue_mail(person.email, "A parent says a session did not happen", body)


class AlreadyReplied(Exception):
    def __init__(self, reply: DisputeReply):
        super().__init__()
        self.reply = reply


def reply_to_dispute(
    dispute: SessionConfirmation,
    staff: User,
    values: dict,
    client_uuid: uuid.UUID,
) -> DisputeReply:
    """The one answer to a parent's "No". A correction is added to the session note as an
    addendum, in the same transaction; a second answer raises AlreadyReplied with the first."""
    made = by_client_uuid(DisputeReply, client_uuid, confirmation_id=dispute.id)
    if made is not None:
        return made
    if (existing := reply_of(dispute)) is not None:
        raise AlreadyReplied(existing)
    outcome = values["outcome"]
    reply = DisputeReply(
        confirmation_id=dispute.id,
        pupil_id=dispute.pupil_id,
        replied_by_id=staff.id,
        outcome=outcome,
        reply=values["reply"],
        client_uuid=client_uuid,
    )
    db.session.add(reply)
    if outcome == Outcome.CORRECTED:
        append_addendum(
            dispute.note, staff, f"Corrected after a parent's answer: {values['correction']}"
        )
    record(
        "dispute.answered",
        pupil_id=dispute.pupil_id,
        held_on=plain(dispute.note.held_on),
        outcome=outcome.value,
        reply=values["reply"],
    )
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        if (existing := reply_of(dispute)) is not None:
            raise AlreadyReplied(existing) from None
        raise
    return reply


def ask_by_mail(now: datetime) -> int:
    """Parents with a session to confirm and no phone that takes reminders get a mail
    instead, at most once a day; how many were mailed."""
    today = now.astimezone(LONDON).date()
    link = link_to("parents.my_child")
    asked = 0
    for parent in parents_without_push(parents_to_ask(today)):
        if claim_mail("session_to_confirm_mail", parent.id, today, parent.id, now):
            queue_mail(
                parent.email,
                "Did your child's session happen?",
                "Your child's teacher wrote down a session. Please tell them if it happened"
                f" as planned. It takes one tap: {link}",
            )
            asked += 1
        db.session.commit()
    return asked
