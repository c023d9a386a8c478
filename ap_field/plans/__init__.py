from flask import Blueprint

bp = Blueprint("plans", __name__)

from ap_field.plans import views  # noqa: E402, F401
