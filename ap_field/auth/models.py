import secrets
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from ap_field.common.models import LabelledEnum, UTCDateTime, string_enum
from ap_field.common.time import utcnow
from ap_field.extensions import db


class Role(LabelledEnum):
    ADMIN = "admin", "Administrator"
    LEAD = "lead", "Programme lead"
    TEACHER = "teacher", "Community teacher"
    ASSESSOR = "assessor", "Competent person (site checks)"
    PARENT = "parent", "Parent or carer"


# The roles whose people may work with children's records, and so may hold safeguarding duties.
STAFF_ROLES = (Role.TEACHER, Role.LEAD, Role.ADMIN)


class SafeguardingRole(LabelledEnum):
    """A duty held beside a role: the designated safeguarding lead (DSL) and their deputies
    read every safeguarding concern and decide what happens next."""

    NONE = "none", "None"
    DSL = "dsl", "Designated safeguarding lead"
    DEPUTY = "deputy", "Deputy designated safeguarding lead"


# Checked when the email is unknown, so that a wrong email takes as long as a wrong password.
_UNUSABLE_HASH = generate_password_hash(secrets.token_urlsafe(32))


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    role: so.Mapped[Role] = so.mapped_column(string_enum(Role, "role"))
    safeguarding_role: so.Mapped[SafeguardingRole] = so.mapped_column(
        string_enum(SafeguardingRole, "safeguarding_role"),
        default=SafeguardingRole.NONE,
        server_default=SafeguardingRole.NONE.value,
    )
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    session_token: so.Mapped[str] = so.mapped_column(sa.String(32), default=new_session_token)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_signed_in_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_dsl(self) -> bool:
        """A DSL or deputy: reads every safeguarding concern and acts on it."""
        return self.safeguarding_role != SafeguardingRole.NONE and self.role in STAFF_ROLES

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session and the remember cookie.

        It carries the user's session token, so rotating the token ends every
        session and remember cookie issued before.
        """
        return f"{self.id}:{self.session_token}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        )

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def end_all_sessions(self) -> None:
        self.session_token = new_session_token()

    @so.validates("email")
    def _normalise_email(self, _key: str, email: str) -> str:
        return normalise_email(email)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_for_sign_in(email: str, password: str) -> User | None:
    """The active user with this email and password, or None, taking the same time either way."""
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(_UNUSABLE_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: a session counts while its token matches and the user is active."""
    pk, _, token = user_id.partition(":")
    if not pk.isdigit() or not token:
        return None
    user = db.session.get(User, int(pk))
    if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    return user
