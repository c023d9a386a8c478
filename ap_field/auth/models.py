import hashlib
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
    SCHOOL = "school", "School attendance officer"
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


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'school') = (school_id IS NOT NULL)", name="school_officer_has_school"
        ),
        # The people of one role by name: a county's teachers among its parents.
        sa.Index("ix_users_role_name_id", "role", "name", "id"),
    )

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
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_signed_in_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Two-factor sign-in (ap_field/auth/two_factor.py): the authenticator app's shared secret,
    # the last 30-second step whose code was taken (no code is taken twice), and since when.
    totp_secret: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    totp_last_step: so.Mapped[int | None]
    two_factor_since: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # A school attendance officer's school, whose pupils alone they see (ap_field/schools).
    school_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("schools.id"), index=True)
    school: so.Mapped["School | None"] = so.relationship()  # noqa: F821 (ap_field.schools)
    # An invited account's link to set its first password (ap_field/schools/services.py):
    # the hash of the token only the invitation mail holds, and when the link stops working.
    welcome_token_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    welcome_expires_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    # The signed-in device this request came from, set by `load_user` or at sign-in.
    device = None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_dsl(self) -> bool:
        """A DSL or deputy: reads every safeguarding concern and acts on it."""
        return self.safeguarding_role != SafeguardingRole.NONE and self.role in STAFF_ROLES

    @property
    def two_factor_required(self) -> bool:
        """Leads, administrators and DSLs, who see every pupil, sign in with a second factor;
        TWO_FACTOR_FOR_ALL_STAFF asks it of everyone but parents."""
        if self.role in (Role.LEAD, Role.ADMIN) or self.is_dsl:
            return True
        return self.role != Role.PARENT and current_app.config["TWO_FACTOR_FOR_ALL_STAFF"]

    @property
    def has_two_factor(self) -> bool:
        return self.totp_secret is not None

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session and the remember cookie: the user and the
        token of their signed-in device, so ending the device ends that session and cookie."""
        return f"{self.id}:{self.device.token}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        )

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

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


def token_hash(token: str) -> str:
    """What is stored of a secret token (a device's, an invitation's, a recovery code): someone
    who reads the database cannot use it."""
    return hashlib.sha256(token.encode()).hexdigest()


class SignedInDevice(db.Model):
    """One phone or computer a person signed in on, from sign-in until it is signed out. The
    session and remember cookies carry its token; the database keeps only the token's hash."""

    __tablename__ = "signed_in_devices"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    description: so.Mapped[str] = so.mapped_column(sa.String(120))
    signed_in_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_used_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    signed_out_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    # The token itself, known only to the request that made or presented it.
    token = ""

    def __repr__(self) -> str:
        return f"<SignedInDevice {self.id} of user {self.user_id}>"


class RecoveryCode(db.Model):
    """One of the ten one-time codes that stand in for a lost authenticator, kept hashed."""

    __tablename__ = "recovery_codes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    code_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)


class Passkey(db.Model):
    """A WebAuthn credential: the phone's own lock (fingerprint, face or PIN) as the second
    factor."""

    __tablename__ = "passkeys"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    credential_id: so.Mapped[str] = so.mapped_column(sa.String(400), unique=True)
    public_key: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    sign_count: so.Mapped[int] = so.mapped_column(default=0)
    name: so.Mapped[str] = so.mapped_column(sa.String(60))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)


# Built once: the loader runs on every request, and building the statement cost as much as
# running it.
_SIGNED_IN = (
    sa.select(User, SignedInDevice)
    .join(SignedInDevice, SignedInDevice.user_id == User.id)
    .where(
        User.active,
        SignedInDevice.token_hash == sa.bindparam("token_hash"),
        SignedInDevice.signed_out_at.is_(None),
    )
)


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: a session counts while its device is signed in and the user is
    active. One query reads both."""
    pk, _, token = user_id.partition(":")
    if not token:
        return None
    row = db.session.execute(_SIGNED_IN, {"token_hash": token_hash(token)}).first()
    if row is None or str(row.User.id) != pk:
        return None
    user, device = row
    device.token = token
    user.device = device
    return user
