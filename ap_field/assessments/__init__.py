from flask import Blueprint

# Loading the audit area loads the pupils area, whose pupil page reads these assessments.
# This area comes first in ap_field's imports, so it loads that chain from its start, as
# the other areas expect, before its own models begin.
import ap_field.audit  # noqa: F401

bp = Blueprint("assessments", __name__)

from ap_field.assessments import views  # noqa: E402, F401
