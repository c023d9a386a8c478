"""Configuration classes. Secrets come only from the environment or instance/."""

import json
import os
import secrets
from datetime import date, time, timedelta
from pathlib import Path
from typing import ClassVar

REMEMBER_DAYS = 30
# The push services of Chrome, Edge, Firefox and Safari; subscriptions elsewhere are refused,
# because the server posts to whatever address a subscription names.
PUSH_SERVICE_HOSTS = (
    "fcm.googleapis.com",
    "android.googleapis.com",
    "updates.push.services.mozilla.com",
    "push.apple.com",
    "notify.windows.com",
)


def database_url(instance_path: Path) -> str:
    """The SQLAlchemy URL: DATABASE_URL when set, otherwise SQLite in instance/."""
    if url := os.environ.get("DATABASE_URL", "").strip():
        return database_url_from(url)
    return f"sqlite:///{instance_path / 'ap_field.sqlite3'}"


def database_url_from(url: str) -> str:
    """A PostgreSQL URL as people write it, made to use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


# The first day of each half-term, for a school year no term calendar gives the breaks of
# (calendars.queries.half_term_starts). AP_FIELD_HALF_TERMS (comma-separated ISO dates)
# replaces them for an installation.
DEFAULT_HALF_TERM_STARTS = (
    "2025-09-01,2025-11-03,2026-01-05,2026-02-23,2026-04-20,2026-06-01,"
    "2026-09-01,2026-11-02,2027-01-04,2027-02-22,2027-04-12,2027-06-07"
)


def half_term_starts(listed: str) -> tuple[date, ...]:
    return tuple(
        sorted(date.fromisoformat(day.strip()) for day in listed.split(",") if day.strip())
    )


def env_flag(name: str) -> bool:
    """A yes-or-no setting from the environment: 1, true, yes or on is yes."""
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, or a key generated once into instance/secret_key.

    The key file appears whole or not at all (written aside, then linked into place),
    so workers starting together all read the same key.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = instance_path / "secret_key"
    if not path.exists():
        draft = instance_path / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


class Config:
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}
    SESSION_COOKIE_NAME = "ap_field_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_NAME = "ap_field_remember"
    REMEMBER_COOKIE_DURATION = timedelta(days=REMEMBER_DAYS)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    # Where photo files are kept: "database" (every app server over it shares them) or
    # "folder", PHOTO_DIR or else instance/photos (ap_field/photos/storage.py).
    PHOTO_STORAGE = os.environ.get("AP_FIELD_PHOTO_STORAGE", "database")
    PHOTO_DIR = os.environ.get("AP_FIELD_PHOTO_DIR")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "swept-memory://")
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_ATTEMPTS_PER_MINUTE = 5
    DEMO_DATA_ALLOWED = False
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a method name, not a password)
    # Push reminders: the VAPID private key (PEM or base64url; development keeps one in
    # instance/ made by `flask push init`), and who runs this server (mailto: or https:).
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY")
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "")
    PUSH_SERVICE_HOSTS = tuple(
        host.strip()
        for host in os.environ.get("PUSH_SERVICE_HOSTS", ",".join(PUSH_SERVICE_HOSTS)).split(",")
        if host.strip()
    )
    PUSH_ALLOW_LOOPBACK_HTTP = False
    # Which roles get each kind of reminder, where they differ from the defaults:
    # REMINDER_ROLES='{"review_overdue": ["teacher"]}'
    REMINDER_ROLES: ClassVar[dict] = json.loads(os.environ.get("REMINDER_ROLES", "{}"))
    # How long a phone waits for the answer to one request before it keeps the write in its
    # outbox and tries again later: long enough for a photo over one bar of signal.
    OUTBOX_TIMEOUT_SECONDS = 20
    # Registers, on the London clock: marks from REGISTER_PM_FROM are for the afternoon; a
    # register not taken by its due time shows on the lead's screen.
    REGISTER_PM_FROM = time(12, 0)
    REGISTER_AM_DUE = time(10, 0)
    REGISTER_PM_DUE = time(14, 0)
    # Each school is sent its pupils' marks for a session once they are all marked, or at the
    # session's cut-off with the missing ones as first-day absences; leads hear of a notice no
    # one at the school has confirmed after NOTICE_UNREAD_MINUTES.
    NOTICE_AM_CUTOFF = time(10, 30)
    NOTICE_PM_CUTOFF = time(14, 30)
    NOTICE_UNREAD_MINUTES = 60
    HALF_TERM_STARTS = half_term_starts(
        os.environ.get("AP_FIELD_HALF_TERMS", DEFAULT_HALF_TERM_STARTS)
    )
    # Mail, through Flask-Mailman: "smtp" hands each mail to MAIL_SERVER; "console" prints it.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = env_flag("MAIL_USE_TLS")
    MAIL_USE_SSL = env_flag("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "ap-field <no-reply@localhost>")
    # Seconds to wait for the SMTP server: a page that sends straight after its change waits at
    # most this long before leaving the mail to the tick.
    MAIL_TIMEOUT = 10
    # The address people reach ap-field at, for links in mail the tick sends (no request tells
    # it then): https://field.example.org. Unset, a request's own address is used.
    BASE_URL = os.environ.get("AP_FIELD_BASE_URL", "")
    # Safeguarding: the local authority's children's services, shown first on a concern about
    # a child in immediate danger; and how many working hours (WORKING_DAY, Monday to Friday,
    # London) a concern may wait unseen before every DSL and lead hear of it again.
    CHILDRENS_SERVICES_PHONE = os.environ.get("CHILDRENS_SERVICES_PHONE", "")
    # How a parent or carer reaches the programme itself, shown on their page under each
    # child's teacher; either may be left unset.
    PROGRAMME_CONTACT_PHONE = os.environ.get("AP_FIELD_PROGRAMME_CONTACT_PHONE", "")
    PROGRAMME_CONTACT_EMAIL = os.environ.get("AP_FIELD_PROGRAMME_CONTACT_EMAIL", "")
    # The local authority (its DfE number) whose term calendar applies where a pupil has no
    # school; unset, weekends and England's bank holidays alone.
    TERM_CALENDAR_LA = os.environ.get("AP_FIELD_LA_CODE")
    CHILDRENS_SERVICES_OUT_OF_HOURS_PHONE = os.environ.get(
        "CHILDRENS_SERVICES_OUT_OF_HOURS_PHONE", ""
    )
    WORKING_DAY = (time(8, 0), time(18, 0))
    # After this many minutes without use a signed-in person's pages give way to a lock screen
    # that asks for their password (ap_field/auth/idle.py).
    IDLE_LOCK_MINUTES = int(os.environ.get("AP_FIELD_IDLE_LOCK_MINUTES", "15"))
    # Two-factor sign-in is required of leads, administrators and DSLs; this asks it of every
    # member of staff (ap_field/auth/two_factor.py).
    TWO_FACTOR_FOR_ALL_STAFF = env_flag("AP_FIELD_TWO_FACTOR_FOR_ALL_STAFF")
    CONCERN_UNSEEN_HOURS = 2
    # Site checks: the days a "No" answer's action is due in, by its risk (high: the next day).
    ACTION_DUE_DAYS: ClassVar[dict] = {"high": 1, "medium": 7, "low": 28} | json.loads(
        os.environ.get("AP_FIELD_ACTION_DUE_DAYS", "{}")
    )
    # How long the emailed link that closes an action from a phone, without an account, works.
    ACTION_LINK_DAYS = 30
    # Retention: a closed pupil's record is kept until this birthday or the placement's
    # closing, whichever is later, then anonymised by the tick (docs/architecture.md,
    # "Retention"); the records-management toolkit for schools keeps pupil files to age 25.
    RETENTION_YEARS_OF_AGE = int(os.environ.get("AP_FIELD_RETENTION_YEARS_OF_AGE", "25"))


class DevelopmentConfig(Config):
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    DEMO_DATA_ALLOWED = True
    # `make run` prints each mail in its terminal instead of sending it.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")


class ProductionConfig(Config):
    pass


def config_for_environment() -> type[Config]:
    """AP_FIELD_ENV=development allows cookies over plain http; anything else is production."""
    if os.environ.get("AP_FIELD_ENV") == "development":
        return DevelopmentConfig
    return ProductionConfig
