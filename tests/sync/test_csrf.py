"""With CSRF on, as in production: a replay carries a fresh token in its csrf_token field and
its X-CSRFToken header, and is still recognised as the same write."""

import uuid

import pytest
import sqlalchemy as sa

from ap_field.auth.devices import sign_out_everywhere
from ap_field.extensions import db
from ap_field.sessions.models import SessionNote
from tests.helpers import ClientRequest
from tests.sync.conftest import keyed, note_form


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def teacher(make_user, client, auth):
    """Signed in through the sign-in page and its token, as a person does."""
    page = ClientRequest(client).get("/sign-in")
    user = make_user()
    auth.login(user, csrf_token=page.select_one("input[name=csrf_token]")["value"])
    return user


def fresh_token(client) -> str:
    return client.get("/sync/token").json["csrf_token"]


def test_a_replay_with_a_fresh_token_is_the_same_write(client, pupil):
    form, key = note_form(), uuid.uuid4()
    token = fresh_token(client)
    first = client.post(
        f"/pupils/{pupil.id}/notes/new",
        data=form | {"csrf_token": token},
        headers=keyed(key, **{"X-CSRFToken": token}),
    )
    token = fresh_token(client)
    again = client.post(
        f"/pupils/{pupil.id}/notes/new",
        data=form | {"csrf_token": token},
        headers=keyed(key, **{"X-CSRFToken": token}),
    )

    assert first.status_code == again.status_code == 201
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionNote)) == 1


def test_a_keyed_send_without_a_token_is_refused(client, pupil):
    response = client.post(f"/pupils/{pupil.id}/notes/new", data=note_form(), headers=keyed())
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionNote)) == 0


def test_a_signed_out_phone_hears_401_before_its_stale_token_is_checked(
    client, pupil, teacher, auth
):
    token = fresh_token(client)
    sign_out_everywhere(teacher)
    db.session.commit()
    response = client.post(
        f"/pupils/{pupil.id}/notes/new",
        data=note_form(csrf_token=token),
        headers=keyed(**{"X-CSRFToken": token}),
    )
    assert response.status_code == 401
    client.delete_cookie("session")
    response = client.post(
        f"/pupils/{pupil.id}/notes/new",
        data=note_form(csrf_token=token),
        headers=keyed(**{"X-CSRFToken": token}),
    )
    assert response.status_code == 401
