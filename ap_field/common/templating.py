"""What every template can use: date filters, the navigation for the signed-in role, the
session tag that kept pages are filed under, a long list's options and url_for with the
layout's fixed URLs kept."""

from collections.abc import Iterable

from flask import Flask, current_app, has_request_context, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from ap_field.auth.models import Role
from ap_field.common.forms import field_errors
from ap_field.common.time import format_london_datetime, format_london_time, format_long_date
from ap_field.pwa.services import import_map, session_tag
from ap_field.pwa.views import THEME_COLOUR

OVERSIGHT = [
    ("Programme", "reports.programme"),
    ("Pupils", "pupils.index"),
    ("Attendance", "attendance.overview"),
    ("Schools", "schools.index"),
    ("Providers", "premises.providers"),
    ("Site checks", "premises.site_checks"),
    ("Exports", "reports.exports"),
]
NAVIGATION = {
    Role.TEACHER: [
        ("Today", "sessions.today"),
        ("Register", "attendance.register"),
        ("Caseload", "pupils.caseload"),
    ],
    Role.ASSESSOR: [("Site checks", "premises.site_checks")],
    Role.PARENT: [("My child", "parents.my_child")],
    Role.SCHOOL: [("Pupils", "schools.officer_home")],
    Role.LEAD: OVERSIGHT,
    Role.ADMIN: [*OVERSIGHT, ("Users", "auth.users")],
}


def _navigation() -> dict:
    if not current_user.is_authenticated:
        return {"navigation": []}
    navigation = NAVIGATION[current_user.role]
    if current_user.is_dsl:
        navigation = [*navigation, ("Safeguarding", "safeguarding.index")]
    return {"navigation": navigation}


def options(choices: Iterable[tuple], selected) -> Markup:
    """A select's options from (value, label) pairs, escaped, `selected`'s marked: a county's
    hundreds of teachers cost a loop in a template a page's worth of time."""
    return Markup(  # noqa: S704 (every value and label is escaped)
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == selected else ""}>'
            f"{escape(label)}</option>"
            for value, label in choices
        )
    )


def fixed_url_for(endpoint: str, **values) -> str:
    """url_for for templates. A URL that depends only on its endpoint, or on a static file's
    name, is built once per worker and kept: the layout's menu and static files are on every
    page, and building them was a tenth of the least a page costs. Static URLs carry a hash
    of their file read once per process (ap_field/pwa/services.py), so they are fixed too."""
    fixed = not values or (endpoint == "static" and values.keys() == {"filename"})
    if not fixed or endpoint.startswith(".") or not has_request_context():
        return url_for(endpoint, **values)
    kept = current_app.extensions.setdefault("templating.fixed_urls", {})
    key = (request.script_root, endpoint, values.get("filename"))
    if key not in kept:
        kept[key] = url_for(endpoint, **values)
    return kept[key]


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(format_long_date, "long_date")
    app.add_template_filter(format_london_time, "london_time")
    app.add_template_filter(format_london_datetime, "london_datetime")
    app.context_processor(_navigation)
    app.jinja_env.globals["url_for"] = fixed_url_for
    app.jinja_env.globals["theme_colour"] = THEME_COLOUR
    app.jinja_env.globals["field_errors"] = field_errors
    app.jinja_env.globals["session_tag"] = session_tag
    app.jinja_env.globals["options"] = options
    app.jinja_env.globals["import_map"] = lambda: import_map()[0]
