"""Lone working: the visitor can always say they have left, whoever holds the pupil now."""

import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.pupils.services import assign
from ap_field.visits.models import HomeVisit


def test_the_visitor_leaves_safely_after_the_pupil_moves_to_another_teacher(
    client, overdue, pupil, make_user
):
    assign(pupil, make_user(Role.TEACHER), None)
    response = client.post(f"/pupils/{pupil.id}/visits/{overdue.id}/left")
    assert response.status_code == 302
    assert response.location == "/"
    assert db.session.scalar(sa.select(HomeVisit.left_at).where(HomeVisit.id == overdue.id))


def test_someone_elses_visit_stays_out_of_reach(client, teacher, make_user, make_pupil, make_visit):
    other_teacher = make_user(Role.TEACHER)
    other_pupil = make_pupil()
    assign(other_pupil, other_teacher, None)
    visit = make_visit(other_pupil, other_teacher)
    response = client.post(f"/pupils/{other_pupil.id}/visits/{visit.id}/left")
    assert response.status_code == 404
