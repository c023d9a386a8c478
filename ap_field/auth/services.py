"""Changes to accounts. Accounts are not a child's record, so these write no audit event
(a reset of someone's second factor, in ap_field/auth/two_factor.py, is the exception).
Signing a person out ends their signed-in devices (ap_field/auth/devices.py)."""

from ap_field.auth.devices import sign_out_everywhere, sign_out_other_devices
from ap_field.auth.models import Role, SafeguardingRole, User
from ap_field.auth.queries import is_last_active_dsl
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


def change_own_password(user: User, password: str) -> None:
    """A new password signs the person out on every other device, not this one."""
    user.set_password(password)
    db.session.commit()
    sign_out_other_devices(user)


def set_new_password(user: User, password: str) -> None:
    """An administrator's new password for someone: they are signed out everywhere."""
    user.set_password(password)
    sign_out_everywhere(user)
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
    sign_out_everywhere(user)
    db.session.commit()


def reactivate(user: User) -> None:
    user.active = True
    db.session.commit()
