"""Changes to accounts. Accounts are not a child's record, so these write no audit event;
ending a user's sessions rotates their session token (`User.end_all_sessions`)."""

from ap_field.auth.models import Role, User
from ap_field.common.time import utcnow
from ap_field.extensions import db


def add_account(name: str, email: str, role: Role, password: str) -> User:
    user = User(name=name, email=email, role=role)
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


def update_account(user: User, name: str, email: str, role: Role) -> None:
    user.name, user.email, user.role = name, email, role
    db.session.commit()


def deactivate(user: User) -> None:
    """The account can no longer sign in, and its sessions end now."""
    user.active = False
    user.end_all_sessions()
    db.session.commit()


def reactivate(user: User) -> None:
    user.active = True
    db.session.commit()
