"""The outbox asks for a CSRF token before it sends, and learns whose session it is."""

import pytest

from ap_field.auth.devices import sign_out_everywhere
from ap_field.auth.models import Role
from ap_field.extensions import db


@pytest.mark.parametrize("role", list(Role))
def test_every_signed_in_role_gets_a_token_and_its_user_id(client, make_user, auth, role):
    user = make_user(role)
    auth.login(user)
    response = client.get("/sync/token")
    assert response.status_code == 200
    assert response.json["user"] == user.id
    assert response.json["csrf_token"]
    assert "no-store" in response.headers["Cache-Control"]


def test_without_a_session_the_answer_is_401_not_the_sign_in_page(client, make_user, auth):
    user = make_user(Role.TEACHER)
    assert client.get("/sync/token").status_code == 401

    auth.login(user)
    sign_out_everywhere(user)
    db.session.commit()
    response = client.get("/sync/token")
    assert response.status_code == 401
    assert "Location" not in response.headers
