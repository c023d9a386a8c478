"""Response headers that every page carries.

Scripts and stylesheets carry only the headers that apply to them: the policies that govern
a document (what it may load, frame or open) mean nothing on a script, and a phone fetching
five scripts on its first visit would pay for them five times."""

from flask import Flask, request
from flask_login import current_user

from ap_field.pwa.services import import_map


def content_security_policy() -> str:
    """No inline code, but for the import map, which the policy names by its hash."""
    return CONTENT_SECURITY_POLICY.format(import_map=import_map()[1])


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' {import_map}",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


SUBRESOURCES = frozenset({"text/javascript", "text/css"})


def set_security_headers(response):
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    if not (request.endpoint == "static" and response.mimetype in SUBRESOURCES):
        headers["Content-Security-Policy"] = content_security_policy()
        headers["X-Frame-Options"] = "DENY"
        headers["Permissions-Policy"] = "geolocation=(), microphone=(), payment=(), usb=()"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint != "static" and current_user.is_authenticated:
        headers["Cache-Control"] = "no-store"
    return response


def private(page: str, status: int = 200) -> tuple[str, int, dict]:
    """A page reached through a secret link is never kept by the browser or a proxy."""
    return page, status, {"Cache-Control": "no-store"}


def register_security_headers(app: Flask) -> None:
    app.after_request(set_security_headers)
