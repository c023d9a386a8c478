import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ap_field.auth.models import Role, User
from ap_field.common.access import allow
from ap_field.extensions import db
from ap_field.parents import bp
from ap_field.parents.forms import ParentLinkForm
from ap_field.parents.models import ParentLink
from ap_field.parents.services import link_parent, unlink, update_link
from ap_field.pupils.models import Pupil
from ap_field.pupils.queries import (
    pupil_in_scope_or_404,
    pupils_in_scope,
    record_of_pupil_or_404,
)


@bp.route("/my-child")
@allow(Role.PARENT)
def my_child():
    children = db.session.scalars(pupils_in_scope(current_user).order_by(Pupil.display_name)).all()
    return render_template("parents/my_child.html", children=children)


@bp.route("/pupils/<int:pupil_id>/parents/new", methods=["GET", "POST"])
@allow(Role.LEAD, Role.ADMIN)
def new_link(pupil_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    form = ParentLinkForm()
    if form.validate_on_submit():
        parent = db.session.get(User, form.parent_id.data)
        already = db.session.scalar(
            sa.select(ParentLink.id).filter_by(pupil_id=pupil.id, parent_id=parent.id)
        )
        if already:
            form.parent_id.errors.append(f"{parent.name} is already linked to this pupil")
        else:
            link_parent(pupil, parent, form.relationship.data, form.may_confirm_attendance.data)
            flash(f"{parent.name} is linked to {pupil.display_name}.", "success")
            return redirect(url_for("pupils.show", pupil_id=pupil.id))
    return render_template("parents/link_form.html", form=form, pupil=pupil, link=None)


@bp.route("/pupils/<int:pupil_id>/parents/<int:link_id>", methods=["GET", "POST"])
@allow(Role.LEAD, Role.ADMIN)
def edit_link(pupil_id: int, link_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    link = record_of_pupil_or_404(ParentLink, link_id, pupil)
    form = ParentLinkForm(obj=link)
    form.parent_id.choices = [SelectChoice(link.parent_id, link.parent.name)]
    if form.validate_on_submit():
        update_link(link, form.relationship.data, form.may_confirm_attendance.data)
        flash("Changes saved.", "success")
        return redirect(url_for("pupils.show", pupil_id=pupil.id))
    return render_template("parents/link_form.html", form=form, pupil=pupil, link=link)


@bp.post("/pupils/<int:pupil_id>/parents/<int:link_id>/unlink")
@allow(Role.LEAD, Role.ADMIN)
def unlink_parent(pupil_id: int, link_id: int):
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    link = record_of_pupil_or_404(ParentLink, link_id, pupil)
    name = link.parent.name
    unlink(link)
    flash(f"{name} is no longer linked to {pupil.display_name}.", "success")
    return redirect(url_for("pupils.show", pupil_id=pupil.id))
