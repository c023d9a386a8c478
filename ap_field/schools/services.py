"""Changes to schools, each with its audit event in one transaction, and their attendance
officers' accounts, invited by mail."""

import secrets
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa

from ap_field.audit.models import plain, record
from ap_field.auth.models import Role, User, token_hash
from ap_field.common.time import utcnow
from ap_field.common.writes import add_recorded, apply_edit, commit_or_stale
from ap_field.extensions import db
from ap_field.mail.services import link_to, queue_mail
from ap_field.schools.models import School

WELCOME_LINK_LIFETIME = timedelta(days=7)
SCHOOL_FIELDS = (
    "name",
    "urn",
    "laestab",
    "local_authority",
    "phase",
    "attendance_email",
    "dsl_email",
)


def _snapshot(school: School) -> dict:
    return {name: plain(getattr(school, name)) for name in SCHOOL_FIELDS}


def add_school(values: dict, client_uuid: uuid.UUID) -> School:
    return add_recorded(
        School(client_uuid=client_uuid, **values),
        "school.added",
        lambda school: {"pupil_id": None, "school_id": school.id, "after": _snapshot(school)},
    )


def update_school(school: School, values: dict, seen_version: int | None) -> None:
    if (changed := apply_edit(school, values, seen_version, _snapshot)) is None:
        return
    before, after = changed
    record("school.updated", pupil_id=None, school_id=school.id, before=before, after=after)
    commit_or_stale()


def invite_officer(school: School, name: str, email: str, now: datetime | None = None) -> User:
    """An attendance officer's account for `school`, with no password they know yet, and the
    mail with the link that sets it (the account writes no audit event, as accounts don't)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    officer = User(
        name=name,
        email=email,
        role=Role.SCHOOL,
        school=school,
        welcome_token_hash=token_hash(token),
        welcome_expires_at=now + WELCOME_LINK_LIFETIME,
    )
    officer.set_password(secrets.token_urlsafe(32))
    db.session.add(officer)
    queue_mail(
        officer.email,
        f"Your ap-field account for {school.name}'s attendance",
        f"You have been given an account to see the attendance of {school.name}'s pupils taught"
        " by the alternative provision programme, and to confirm the notices you are sent.\n\n"
        f"Set your password within {WELCOME_LINK_LIFETIME.days} days: "
        f"{link_to('schools.welcome', token=token)}\n\n"
        "Then sign in with this email address and that password.",
    )
    db.session.commit()
    return officer


def invited_user(token: str, now: datetime | None = None) -> User | None:
    """The active account whose unexpired welcome link this is, if any."""
    return db.session.scalar(
        sa.select(User).where(
            User.welcome_token_hash == token_hash(token),
            User.welcome_expires_at > (now or utcnow()),
            User.active,
        )
    )


def set_first_password(user: User, password: str) -> None:
    """The link is used up with the password it set."""
    user.set_password(password)
    user.welcome_token_hash = user.welcome_expires_at = None
    db.session.commit()
