"""Accounts as the admin's pages and the other areas read them."""

import sqlalchemy as sa

from ap_field.auth.models import STAFF_ROLES, Role, SafeguardingRole, User
from ap_field.extensions import db


def accounts() -> list[User]:
    """Every account for the admin's Users page, active ones first, each group by name."""
    return list(db.session.scalars(sa.select(User).order_by(User.active.desc(), User.name)))


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def active_dsls() -> list[User]:
    """Everyone who reads safeguarding concerns: active DSLs and deputies of a staff role."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.active,
                User.role.in_(STAFF_ROLES),
                User.safeguarding_role != SafeguardingRole.NONE,
            )
            .order_by(User.name)
        )
    )


def is_last_active_dsl(user_id: int) -> bool:
    """Whether this person is the programme's only active designated safeguarding lead, whom
    no one may demote or deactivate: a concern must always have someone to reach."""
    dsls = db.session.scalars(
        sa.select(User.id).where(
            User.active,
            User.role.in_(STAFF_ROLES),
            User.safeguarding_role == SafeguardingRole.DSL,
        )
    ).all()
    return list(dsls) == [user_id]


def active_users_of_role(role: Role) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User).where(User.active, User.role == role).order_by(User.name)
        )
    )
