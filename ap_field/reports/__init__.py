from flask import Blueprint

bp = Blueprint("reports", __name__)

from ap_field.reports import views  # noqa: E402, F401
