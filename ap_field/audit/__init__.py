from flask import Blueprint

bp = Blueprint("audit", __name__)

from ap_field.audit import views  # noqa: E402, F401
