from flask import Blueprint

bp = Blueprint("premises", __name__)

from ap_field.premises import views  # noqa: E402, F401
