import sqlalchemy as sa
from flask import render_template

from ap_field.auth.models import Role
from ap_field.common.access import allow
from ap_field.extensions import db
from ap_field.premises import bp
from ap_field.premises.models import Provider


@bp.route("/site-checks")
@allow(Role.ASSESSOR, Role.LEAD, Role.ADMIN)
def site_checks():
    providers = db.session.scalars(sa.select(Provider).order_by(Provider.name)).all()
    return render_template("premises/site_checks.html", providers=providers)
