"""Signing in, step by step (docs/architecture.md, "Security"): the password, then, for a
person with two-factor sign-in or who must have it, a second factor or setting one up. Between
the steps the session holds who is signing in, for SIGN_IN_STEP_MINUTES, and no more: the
person is not signed in until the last step."""

from urllib.parse import urlsplit

from flask import request, session, url_for

from ap_field.auth.devices import sign_in_here
from ap_field.auth.models import Role, User
from ap_field.common.time import utcnow
from ap_field.extensions import db

SIGNING_IN = "signing_in"
SIGN_IN_STEP_MINUTES = 10
LANDING_PAGES = {
    Role.TEACHER: "sessions.today",
    Role.ASSESSOR: "premises.site_checks",
    Role.PARENT: "parents.my_child",
    Role.SCHOOL: "schools.officer_home",
    Role.LEAD: "reports.programme",
    Role.ADMIN: "reports.programme",
}


def landing_url(user: User) -> str:
    return url_for(LANDING_PAGES[user.role])


def safe_next_url() -> str | None:
    """The page the person wanted before signing in or unlocking, if it is a path on this
    site."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return None


def begin(user: User, remember: bool, next_url: str | None) -> str:
    """After the right password: where the person goes next. Without a second factor to ask
    for, they are signed in now."""
    session.clear()
    if not (user.has_two_factor or user.two_factor_required):
        sign_in_here(user, remember)
        return next_url or landing_url(user)
    session[SIGNING_IN] = {
        "user": user.id,
        "remember": remember,
        "next": next_url,
        "at": utcnow().timestamp(),
    }
    if user.has_two_factor:
        return url_for("auth.second_factor")
    return url_for("auth.set_up_at_sign_in")


def person_signing_in() -> User | None:
    """Who has given their password on this phone in the last few minutes, if anyone."""
    step = session.get(SIGNING_IN)
    if not step or utcnow().timestamp() - step["at"] > SIGN_IN_STEP_MINUTES * 60:
        return None
    user = db.session.get(User, step["user"])
    return user if user is not None and user.active else None


def finish(user: User) -> str:
    """The second factor is given: sign in, and say where to."""
    step = session.pop(SIGNING_IN)
    session.clear()
    sign_in_here(user, step["remember"])
    return step["next"] or landing_url(user)
