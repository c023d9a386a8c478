"""The app as gunicorn serves it in the benchmark, with two additions that production lacks:
a minimal route to compare pages against, and a log line per request (server time, number
of SQL statements) that the benchmark reads back.

BENCH_LOG names the log file; each worker appends one JSON line per request when the
response body has been sent, so streamed exports count in full.
"""

import json
import os
import threading
import time

import sqlalchemy as sa
from flask import render_template

from ap_field import create_app
from ap_field.common.access import EVERYONE_SIGNED_IN, allow, public
from ap_field.extensions import db

MINIMAL_PATH = "/bench/minimal"
MINIMAL_PAGE_PATH = "/bench/minimal-page"
MINIMAL_PAGE = """{% extends "base.html" %}{% set page_title = "Minimal" %}
{% block content %}<p class="govuk-body">ok</p>{% endblock %}"""
_counter = threading.local()


def _minimal():
    return "ok"


def _minimal_page(app):
    """What every signed-in page pays before its own work: the session, the user, the layout.
    Its template is compiled once, as the app's own are (render_template_string would compile
    it on every request)."""
    template = app.jinja_env.from_string(MINIMAL_PAGE)

    def minimal_page():
        return render_template(template)

    return minimal_page


def _count_statement(*_args) -> None:
    _counter.statements = getattr(_counter, "statements", 0) + 1


def instrumented(app):
    """The app's WSGI callable, timing each request from its start to its body's end."""
    wsgi = app.wsgi_app
    log_path = os.environ["BENCH_LOG"]

    def serve(environ, start_response):
        _counter.statements = 0
        arrived = time.time()
        started = time.perf_counter()
        status = {}

        def start(code, headers, exc_info=None):
            status["code"] = int(code.split()[0])
            status["bytes"] = next(
                (int(value) for name, value in headers if name.lower() == "content-length"), None
            )
            return start_response(code, headers, exc_info)

        body = wsgi(environ, start)
        sent = 0
        try:
            for chunk in body:
                sent += len(chunk)
                yield chunk
        finally:
            if hasattr(body, "close"):
                body.close()
            line = {
                "path": environ.get("PATH_INFO", ""),
                "label": environ.get("HTTP_X_BENCH_LABEL", ""),
                "status": status.get("code"),
                "ms": (time.perf_counter() - started) * 1000,
                "queries": _counter.statements,
                "bytes": sent,
                "pid": os.getpid(),
                "arrived": arrived,
            }
            with open(log_path, "a") as log:
                log.write(json.dumps(line) + "\n")

    app.wsgi_app = serve
    return app


def bench_app():
    app = create_app()
    app.add_url_rule(MINIMAL_PATH, "bench_minimal", public(_minimal))
    app.add_url_rule(
        MINIMAL_PAGE_PATH, "bench_minimal_page", allow(*EVERYONE_SIGNED_IN)(_minimal_page(app))
    )
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", _count_statement)
    return instrumented(app)
