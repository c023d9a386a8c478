from flask import Blueprint

bp = Blueprint("auth", __name__)

from ap_field.auth import views  # noqa: E402, F401
