"""Term calendars: each local authority's holidays, half terms and INSET days, each school's
differences from them, and the one question the rest of the app asks of them, whether a day is a
school day (docs/architecture.md, "Term calendars")."""

from flask import Blueprint

bp = Blueprint("calendars", __name__)
