from flask import Blueprint

bp = Blueprint("pwa", __name__)

from ap_field.pwa import views  # noqa: E402, F401
