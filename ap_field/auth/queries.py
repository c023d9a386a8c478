"""Accounts as the admin's pages and the other areas read them."""

import sqlalchemy as sa

from ap_field.auth.models import User
from ap_field.extensions import db


def accounts() -> list[User]:
    """Every account for the admin's Users page, active ones first, each group by name."""
    return list(db.session.scalars(sa.select(User).order_by(User.active.desc(), User.name)))


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)
