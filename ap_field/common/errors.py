"""Every error is a page in the app's shell; no stack trace reaches a user."""

import math
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from ap_field.common.time import format_london_time
from ap_field.extensions import limiter

TITLES = {
    400: "There is a problem with this request",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "This page cannot do that",
    413: "The file or form is too big",
    429: "Too many attempts",
    500: "Sorry, there is a problem with ap-field",
}

EXPLANATIONS = {
    400: "Go back to the page you were on, reload it and try again.",
    403: "Your account cannot use this page. "
    "If you need it for your work, ask your programme lead.",
    404: "If you typed the web address, check it is correct. "
    "If you followed a link, the record may have moved or you may not have access to it.",
    405: "Go back and try again from the page you were on.",
    413: "Photos must be smaller than 10 MB. Go back, choose a smaller file and send again.",
    500: "Nothing you typed was saved by this request. Try again later. "
    "If it keeps happening, tell your programme lead what you were doing.",
}


def _error_page(status: int, title: str | None = None, **context):
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=title or TITLES.get(status, "Something went wrong"),
            explanation=EXPLANATIONS.get(status),
            **context,
        ),
        status,
    )


def _resubmittable_answers() -> list[tuple[str, str]]:
    """The fields of the rejected form, to send again with a fresh token (never its passwords)."""
    return [
        (name, value)
        for name, values in request.form.lists()
        if name != "csrf_token" and "password" not in name
        for value in values
    ]


def _sent_from_this_site() -> bool:
    """Whether the browser says the form was posted from one of our own pages.

    Only then may the answers come back with a fresh token: a form posted from
    another site must not be turned into one that our own page sends on.
    """
    if site := request.headers.get("Sec-Fetch-Site"):
        return site == "same-origin"
    source = request.headers.get("Origin") or request.headers.get("Referer")
    return bool(source) and urlsplit(source).netloc == request.host


def handle_csrf_error(_error: CSRFError):
    if request.method != "POST" or not _sent_from_this_site():
        return _error_page(400)
    return _error_page(
        400,
        title="This form has expired",
        answers=_resubmittable_answers(),
        password_fields=[name for name in request.form if "password" in name],
        action=request.full_path.rstrip("?"),
    )


def handle_too_many_requests(error: HTTPException):
    retry_at = None
    wait_seconds = 60
    reset_at = getattr(error, "reset_at", None)
    if reset_at is None and (limit := limiter.current_limit):
        reset_at = limit.reset_at
    if reset_at is not None:
        wait_seconds = max(1, math.ceil(reset_at - time.time()))
        retry_at = format_london_time(datetime.fromtimestamp(reset_at, UTC))
    page, status = _error_page(429, retry_at=retry_at, wait_minutes=math.ceil(wait_seconds / 60))
    return page, status, {"Retry-After": str(wait_seconds)}


def handle_http_error(error: HTTPException):
    if error.code is None or error.code >= 500:
        return handle_server_error(error)
    too_large = _view_attribute("too_large") if error.code == 413 else None
    if too_large and (page := too_large()):
        return page
    page, status = _error_page(error.code)
    headers = [(name, value) for name, value in error.get_headers() if name == "Allow"]
    return page, status, headers


def _view_attribute(name: str):
    """An attribute of the view the request was routed to: a view's own 413 page, which
    answers None when it does not apply (the body is refused before the view runs)."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, name, None)


def handle_server_error(_error: Exception):
    """Flask has already logged the exception with its traceback; the user gets a page."""
    return _error_page(500)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(429, handle_too_many_requests)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)
