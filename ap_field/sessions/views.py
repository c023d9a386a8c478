from flask import render_template
from flask_login import current_user

from ap_field.auth.models import Role
from ap_field.common.access import allow
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.pupils.models import CASELOAD_LIMIT, Pupil
from ap_field.pupils.queries import pupils_in_scope
from ap_field.sessions import bp


@bp.route("/today")
@allow(Role.TEACHER)
def today():
    """The community teacher's day: their block of pupils for the two check-ins."""
    block = db.session.scalars(pupils_in_scope(current_user).order_by(Pupil.display_name)).all()
    return render_template(
        "sessions/today.html", block=block, today=london_today(), caseload_limit=CASELOAD_LIMIT
    )
