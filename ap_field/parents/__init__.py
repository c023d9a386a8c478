from flask import Blueprint

bp = Blueprint("parents", __name__)

from ap_field.parents import views  # noqa: E402, F401
