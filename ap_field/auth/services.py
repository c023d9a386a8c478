"""Changes to accounts. Accounts are not a child's record, so these write no audit event;
ending a user's sessions rotates their session token (`User.end_all_sessions`)."""

from ap_field.auth.models import Role, SafeguardingRole, User
from ap_field.auth.queries import is_last_active_dsl
from ap_field.common.time import utcnow
from ap_field.extensions import db


def add_account(
    name: str,
    email: str,
    role: Role,
    password: str,
    safeguarding_role: SafeguardingRole = SafeguardingRole.NONE,
) -> User:
    user = User(name=name, email=email, role=role, safeguarding_role=safeguarding_role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def note_sign_in(user: User) -> None:
    user.last_signed_in_at = utcnow()
    db.session.commit()


def end_sessions(user: User) -> None:
    """Sign the user out on every phone and computer, this one included."""
    user.end_all_sessions()
    db.session.commit()


def set_new_password(user: User, password: str) -> None:
    """A new password ends every session made with the old one."""
    user.set_password(password)
    user.end_all_sessions()
    db.session.commit()


class LastDsl(Exception):
    """The change would leave the programme with no active designated safeguarding lead."""


def update_account(
    user: User, name: str, email: str, role: Role, safeguarding_role: SafeguardingRole
) -> None:
    user.name, user.email, user.role = name, email, role
    user.safeguarding_role = safeguarding_role
    db.session.commit()


def deactivate(user: User) -> None:
    """The account can no longer sign in, and its sessions end now; the last active DSL stays."""
    if is_last_active_dsl(user.id):
        raise LastDsl()
    user.active = False
    user.end_all_sessions()
    db.session.commit()


def reactivate(user: User) -> None:
    user.active = True
    db.session.commit()
