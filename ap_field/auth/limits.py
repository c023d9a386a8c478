"""How many wrong passwords an account takes in a minute.

Each attempt on an account is counted before its password is checked, so a burst
of simultaneous guesses cannot all slip under the limit; a correct password
clears the count. (The per-address limit on the sign-in view counts failures.)
"""

from flask import current_app, g
from limits import parse
from werkzeug.exceptions import TooManyRequests

from ap_field.auth.models import normalise_email
from ap_field.extensions import limiter


class SignInsPaused(TooManyRequests):
    def __init__(self, reset_at: float):
        super().__init__()
        self.reset_at = reset_at


def attempts_per_minute() -> str:
    """The limit on tries of a password or of a secret link, as Flask-Limiter reads it."""
    return f"{current_app.config['LOGIN_ATTEMPTS_PER_MINUTE']} per minute"


def refuse_link() -> None:
    """Count this request against its address's limit: its secret link was not one."""
    g.link_refused = True


def link_refused(_response) -> bool:
    """For a secret link's view, `deduct_when`: only links that were not one are counted, so
    a guesser is stopped while the link's owner may open it as often as they like."""
    return g.get("link_refused", False)


def _limit_and_identity(email: str):
    limit = parse(attempts_per_minute())
    return limit, ("sign-in-account", normalise_email(email))


def count_attempt(email: str) -> None:
    """Count one password attempt on this account; past the limit, raise SignInsPaused."""
    limit, identity = _limit_and_identity(email)
    if not limiter.limiter.hit(limit, *identity):
        raise SignInsPaused(limiter.limiter.get_window_stats(limit, *identity).reset_time)


def forget_attempts(email: str) -> None:
    limit, identity = _limit_and_identity(email)
    limiter.limiter.clear(limit, *identity)
