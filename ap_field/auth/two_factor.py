"""Two-factor sign-in (docs/architecture.md, "Security"): after the password, a code from an
authenticator app (TOTP, 30-second steps), one of ten one-time recovery codes, or a passkey
(ap_field/auth/passkeys.py). No authenticator code is taken twice: each person's last step
taken is kept, and only a later one counts."""

import hmac
import secrets

import pyotp
import segno
import sqlalchemy as sa
from markupsafe import Markup

from ap_field.audit.models import declare_events, record
from ap_field.auth.devices import sign_out_everywhere
from ap_field.auth.models import Passkey, RecoveryCode, User, token_hash
from ap_field.common.time import utcnow
from ap_field.extensions import db

ISSUER = "ap-field"
RECOVERY_CODES = 10
# Letters and digits no one misreads for another.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

declare_events(
    {
        "account.two_factor_reset": (
            "Two-factor sign-in reset by an administrator",
            {"user", "name"},
        ),
    }
)


def new_secret() -> str:
    return pyotp.random_base32()


def setup_uri(user: User, secret: str) -> str:
    """What the QR code holds: the otpauth:// address an authenticator app reads."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code(uri: str) -> Markup:
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, omitsize=True)
    return Markup(svg)  # noqa: S704 (segno's output from an address we built)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _step_of(secret: str, code: str, after_step: int | None) -> int | None:
    """The step (the one before, now or the next, for a phone's clock a little out) whose code
    this is, if it is later than `after_step`."""
    totp = pyotp.TOTP(secret)
    now = totp.timecode(utcnow())
    for step in (now - 1, now, now + 1):
        if (after_step is None or step > after_step) and hmac.compare_digest(
            totp.generate_otp(step), code
        ):
            return step
    return None


def take_authenticator_code(user: User, code: str) -> bool:
    step = _step_of(user.totp_secret, _normalised(code), user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    db.session.commit()
    return True


def recovery_code_hash(code: str) -> str:
    return token_hash(_normalised(code))


def take_recovery_code(user: User, code: str) -> bool:
    """A recovery code counts once. Each is random enough (50 bits) that a plain hash keeps it
    safe, and a lookup by hash takes the same time whichever code is tried."""
    recovery_code = db.session.scalar(
        sa.select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == recovery_code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if recovery_code is None:
        return False
    recovery_code.used_at = utcnow()
    db.session.commit()
    return True


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def _new_recovery_code() -> str:
    letters = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{letters[:5]}-{letters[5:]}"


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=recovery_code_hash(code)) for code in codes
    )
    return codes


def new_recovery_codes(user: User) -> list[str]:
    """Ten new codes, shown once; the old ones stop working."""
    codes = _replace_recovery_codes(user)
    db.session.commit()
    return codes


def turn_on(user: User, secret: str, code: str) -> list[str] | None:
    """Two-factor sign-in with the authenticator app holding `secret`, once `code` shows the
    app has it; None if the code is not the app's. Returns the recovery codes to show."""
    step = _step_of(secret, _normalised(code), None)
    if step is None:
        return None
    user.totp_secret, user.totp_last_step, user.two_factor_since = secret, step, utcnow()
    codes = _replace_recovery_codes(user)
    db.session.commit()
    return codes


def _remove_factors(user: User) -> None:
    user.totp_secret = user.totp_last_step = user.two_factor_since = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(sa.delete(Passkey).where(Passkey.user_id == user.id))


def turn_off(user: User) -> None:
    """For a person who chose two-factor sign-in and is not required to have it."""
    _remove_factors(user)
    db.session.commit()


def reset(user: User) -> None:
    """An administrator's reset, for a lost phone: the person's factors go, they are signed out
    everywhere, and set up again at their next sign-in."""
    _remove_factors(user)
    sign_out_everywhere(user)
    record("account.two_factor_reset", pupil_id=None, user=user.id, name=user.name)
    db.session.commit()
