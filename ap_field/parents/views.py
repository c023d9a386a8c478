from flask import render_template
from flask_login import current_user

from ap_field.auth.models import Role
from ap_field.common.access import allow
from ap_field.extensions import db
from ap_field.parents import bp
from ap_field.pupils.models import Pupil
from ap_field.pupils.queries import pupils_in_scope


@bp.route("/my-child")
@allow(Role.PARENT)
def my_child():
    children = db.session.scalars(pupils_in_scope(current_user).order_by(Pupil.display_name)).all()
    return render_template("parents/my_child.html", children=children)
