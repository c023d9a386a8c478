from flask import Blueprint

bp = Blueprint("pupils", __name__)

from ap_field.pupils import views  # noqa: E402, F401
