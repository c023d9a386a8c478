import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.parents.models import ParentLink
from tests.helpers import PASSWORD, AuthActions, ClientRequest, text_of


@pytest.fixture
def lead(make_user, auth):
    user = make_user(Role.LEAD)
    auth.login(user)
    return user


def test_a_linked_parent_sees_their_child(app, client_request, lead, make_user, make_pupil):
    parent = make_user(Role.PARENT, name="Donna Clarke")
    pupil = make_pupil(legal_name="Jayden Clarke")
    client_request.post(
        f"/pupils/{pupil.id}/parents/new",
        {"parent_id": parent.id, "relationship": "Mother", "may_confirm_attendance": "y"},
    )
    link = db.session.scalar(sa.select(ParentLink))
    assert (link.relationship, link.may_confirm_attendance) == ("Mother", True)

    phone = app.test_client()
    AuthActions(phone).login(parent, PASSWORD)
    page = ClientRequest(phone).get("/my-child")
    assert text_of(page, "main h2") == "Jayden Clarke"


def test_linking_twice_or_to_a_non_parent_is_refused(client_request, lead, make_user, make_pupil):
    parent = make_user(Role.PARENT, name="Donna Clarke")
    teacher = make_user(Role.TEACHER)
    pupil = make_pupil()
    form = {"parent_id": parent.id, "relationship": "Mother"}
    client_request.post(f"/pupils/{pupil.id}/parents/new", form)

    page = client_request.post(f"/pupils/{pupil.id}/parents/new", form, expected_status=200)
    assert "already linked" in text_of(page, "#parent_id-error")
    page = client_request.post(
        f"/pupils/{pupil.id}/parents/new",
        {"parent_id": teacher.id, "relationship": "Mother"},
        expected_status=200,
    )
    assert page.select_one("#parent_id-error") is not None
    page = client_request.post(
        f"/pupils/{pupil.id}/parents/new",
        {"parent_id": parent.id, "relationship": ""},
        expected_status=200,
    )
    assert "Enter how they are related" in text_of(page, "#relationship-error")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ParentLink)) == 1


def test_unlinking_removes_the_childs_page(app, client_request, lead, make_user, make_pupil):
    parent = make_user(Role.PARENT)
    pupil = make_pupil()
    client_request.post(
        f"/pupils/{pupil.id}/parents/new", {"parent_id": parent.id, "relationship": "Father"}
    )
    link = db.session.scalar(sa.select(ParentLink))
    client_request.post(f"/pupils/{pupil.id}/parents/{link.id}/unlink", {})
    phone = app.test_client()
    AuthActions(phone).login(parent, PASSWORD)
    assert "not linked to a child" in phone.get("/my-child").text
