"""Changes to concerns, each committed with its audit event, and the mail that tells DSLs.

Mail about a concern carries no name and nothing of what was recorded: a link and a
reference (docs/architecture.md, "Safeguarding").
"""

import uuid
from datetime import datetime

from ap_field.audit.models import record
from ap_field.auth.models import Role, User
from ap_field.auth.queries import active_dsls, active_users_of_role
from ap_field.common.time import format_london_datetime, utcnow
from ap_field.common.writes import StaleEdit, add_recorded, commit_or_stale
from ap_field.extensions import db
from ap_field.mail.services import link_to, queue_mail
from ap_field.pupils.models import Pupil
from ap_field.safeguarding.models import (
    Concern,
    ConcernAction,
    ConcernAddendum,
    ConcernClosure,
    ConcernStatus,
    Outcome,
)
from ap_field.safeguarding.queries import unseen_too_long


def record_concern(
    pupil: Pupil, recorder: User, client_uuid: uuid.UUID, values: dict, links: dict
) -> Concern:
    """Keep the concern and tell every DSL, and the school's DSL, that it was recorded."""
    concern = Concern(
        pupil_id=pupil.id, recorded_by_id=recorder.id, client_uuid=client_uuid, **values, **links
    )
    db.session.add(concern)
    db.session.flush()
    record("concern.recorded", pupil_id=pupil.id, concern_id=concern.id)
    _tell_dsls(concern, pupil)
    db.session.commit()
    return concern


def note_read(*concerns: Concern) -> None:
    """Every read of a concern's content is in the audit trail, for the DSL to see."""
    for concern in concerns:
        record("concern.read", pupil_id=concern.pupil_id, concern_id=concern.id)
    db.session.commit()


def _check_version(concern: Concern, seen_version: int | None) -> None:
    if concern.version != seen_version:
        raise StaleEdit()


def _see(concern: Concern, dsl: User) -> None:
    if concern.status == ConcernStatus.NEW:
        concern.status, concern.seen_at, concern.seen_by_id = ConcernStatus.SEEN, utcnow(), dsl.id
        record("concern.seen", pupil_id=concern.pupil_id, concern_id=concern.id)


def mark_seen(concern: Concern, dsl: User, seen_version: int | None) -> None:
    """The DSL has read the concern as it stood in `seen_version`."""
    _check_version(concern, seen_version)
    _see(concern, dsl)
    commit_or_stale()


def add_action(concern: Concern, dsl: User, client_uuid: uuid.UUID, values: dict) -> ConcernAction:
    """A step the DSL took; taking one means the concern was seen."""
    _see(concern, dsl)
    return add_recorded(
        ConcernAction(concern=concern, recorded_by_id=dsl.id, client_uuid=client_uuid, **values),
        "concern.action",
        lambda action: {
            "pupil_id": concern.pupil_id,
            "concern_id": concern.id,
            "action_id": action.id,
        },
    )


def add_addendum(
    concern: Concern, author: User, client_uuid: uuid.UUID, text: str
) -> ConcernAddendum:
    """Words added later. The concern's version moves on, so that a DSL closing it from an
    older page is told to read the addition first."""
    addendum = ConcernAddendum(
        concern=concern, author_id=author.id, client_uuid=client_uuid, text=text
    )
    db.session.add(addendum)
    concern.updated_at = utcnow()
    record("concern.addendum", pupil_id=concern.pupil_id, concern_id=concern.id)
    db.session.commit()
    return addendum


def close(concern: Concern, dsl: User, seen_version: int | None, outcome: Outcome, why: str):
    _check_version(concern, seen_version)
    if concern.status == ConcernStatus.CLOSED:
        return
    _see(concern, dsl)
    now = utcnow()
    concern.closures.append(
        ConcernClosure(closed_at=now, closed_by_id=dsl.id, outcome=outcome, rationale=why)
    )
    concern.status, concern.closed_at = ConcernStatus.CLOSED, now
    record("concern.closed", pupil_id=concern.pupil_id, concern_id=concern.id)
    commit_or_stale()


def reopen(concern: Concern, dsl: User, seen_version: int | None, reason: str) -> None:
    _check_version(concern, seen_version)
    if concern.status != ConcernStatus.CLOSED:
        return
    closure = concern.closures[-1]
    closure.reopened_at, closure.reopened_by_id, closure.reopen_reason = utcnow(), dsl.id, reason
    concern.status, concern.closed_at = ConcernStatus.SEEN, None
    record("concern.reopened", pupil_id=concern.pupil_id, concern_id=concern.id)
    commit_or_stale()


def _link(concern: Concern) -> str:
    return link_to("safeguarding.show", pupil_id=concern.pupil_id, concern_id=concern.id)


def _tell_dsls(concern: Concern, pupil: Pupil) -> None:
    when = format_london_datetime(concern.recorded_at)
    subject = f"Safeguarding concern {concern.reference} recorded"
    for dsl in active_dsls():
        queue_mail(
            dsl.email,
            subject,
            f"A safeguarding concern was recorded in ap-field on {when}.\n\n"
            f"Read it and mark it as seen: {_link(concern)}\n\n"
            "This email carries no name and nothing of what was recorded.",
        )
    if pupil.school and pupil.school.dsl_email:
        queue_mail(
            pupil.school.dsl_email,
            subject,
            "A safeguarding concern about a pupil on your school's roll was recorded in the"
            f" alternative provision programme on {when}.\n\n"
            "The programme's designated safeguarding lead will contact you about it. Quote the"
            f" reference {concern.reference}.\n\n"
            "This email carries no name and nothing of what was recorded.",
        )


def remind_unseen(now: datetime) -> int:
    """Mail every DSL and lead, once, about each concern unseen too long; the push reminder of
    the same is the `concern_unseen` kind. How many concerns were reminded of."""
    due = [concern for concern in unseen_too_long(now) if concern.unseen_reminded_at is None]
    people = (
        sorted({user.email for user in active_dsls() + active_users_of_role(Role.LEAD)})
        if due
        else []
    )
    for concern in due:
        for email in people:
            queue_mail(
                email,
                f"Safeguarding concern {concern.reference} not yet seen",
                "A safeguarding concern recorded in ap-field on"
                f" {format_london_datetime(concern.recorded_at)} has not been seen by a"
                f" designated safeguarding lead.\n\nRead it now: {_link(concern)}\n\n"
                "This email carries no name and nothing of what was recorded.",
            )
        concern.unseen_reminded_at = now
    db.session.commit()
    return len(due)
