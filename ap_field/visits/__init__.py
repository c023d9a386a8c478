from flask import Blueprint

bp = Blueprint("visits", __name__)

from ap_field.visits import views  # noqa: E402, F401
