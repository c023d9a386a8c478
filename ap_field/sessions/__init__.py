from flask import Blueprint

bp = Blueprint("sessions", __name__)

from ap_field.sessions import views  # noqa: E402, F401
