"""The idle lock (docs/architecture.md, "Security"): after IDLE_LOCK_MINUTES without use, a
signed-in person's pages give way to a lock screen that asks for their password or passkey.
The outbox goes on sending underneath: its keyed writes neither wait for the lock nor count as use.

A session restored from the remember cookie starts locked: when the phone was last used is
not known, and it may be in someone else's hands."""

from flask import Flask, current_app, redirect, request, session, url_for
from flask_login import current_user, login_fresh

from ap_field.common.time import utcnow
from ap_field.sync.protocol import KEY_HEADER

LAST_USED = "last_used"
LOCKED = "locked"
# Use is written into the session at most once a minute (a tenth of a shorter lock), not on
# every request: each write re-signs the session cookie and sends it again. The lock so comes
# up to that much early, never late.
RECORD_USE_EVERY = 60  # seconds
# Pages a locked person still reaches: the lock itself, signing out, and what the phone's
# service worker and outbox fetch on their own.
OPEN_WHEN_LOCKED = frozenset(
    {
        "auth.lock",
        "auth.lock_passkey_options",
        "auth.unlock_with_passkey",
        "auth.sign_out",
        "auth.sign_in",
        "static",
        "pwa.manifest",
        "pwa.service_worker",
        "pwa.offline",
        "pwa.health",
        "sync.token",
        "sync.outbox",
    }
)


def _now() -> float:
    return utcnow().timestamp()


def mark_used() -> None:
    session[LAST_USED] = _now()
    session.pop(LOCKED, None)


def _idle_too_long() -> bool:
    last_used = session.get(LAST_USED)
    if last_used is None:
        return not login_fresh()
    return _now() - last_used > current_app.config["IDLE_LOCK_MINUTES"] * 60


def lock_when_idle():
    """Before every request: lock a session left idle, send a locked person to the lock."""
    if not current_user.is_authenticated or request.headers.get(KEY_HEADER):
        return None
    if request.endpoint in OPEN_WHEN_LOCKED:
        return None
    if session.get(LOCKED) or _idle_too_long():
        session[LOCKED] = True
        target = url_for("auth.lock", next=request.full_path.rstrip("?"))
        if request.headers.get("HX-Request"):
            return "", 200, {"HX-Redirect": target}
        return redirect(target)
    now = _now()
    every = min(RECORD_USE_EVERY, current_app.config["IDLE_LOCK_MINUTES"] * 6)
    if now - session.get(LAST_USED, 0) >= every:
        session[LAST_USED] = now
    return None


def install(app: Flask) -> None:
    app.before_request(lock_when_idle)
