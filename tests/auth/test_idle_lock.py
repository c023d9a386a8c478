"""The idle lock: after IDLE_LOCK_MINUTES without use, pages give way to a lock screen that
asks for the password; the outbox's writes go on underneath and do not count as use."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role, User
from ap_field.extensions import db
from ap_field.pupils.services import assign
from ap_field.sessions.models import SessionNote
from tests.helpers import PASSWORD, text_of
from tests.sync.conftest import keyed, note_form

START = (9, 0)


@pytest.fixture
def app_config() -> dict:
    return {"IDLE_LOCK_MINUTES": 15}


@pytest.fixture
def signed_in_at_nine(clock, make_user, auth):
    """A teacher who signed in at 09:00 on the app's clock; the moment they did."""
    moment = clock(*START)
    auth.login(make_user(Role.TEACHER, name="Tom Okafor"))
    return moment


def test_fifteen_minutes_without_use_locks_the_pages(
    client, client_request, clock, signed_in_at_nine
):
    assert client.get("/today").status_code == 200
    clock.set(signed_in_at_nine + timedelta(minutes=14))
    assert client.get("/caseload").status_code == 200
    clock.set(signed_in_at_nine + timedelta(minutes=30))

    response = client.get("/caseload")

    assert response.location == "/lock?next=/caseload"
    page = client_request.get(response.location)
    assert text_of(page, "h1") == "ap-field is locked"
    assert "Tom Okafor" in page.get_text()
    assert client.get("/pupils/1").location.startswith("/lock"), "every page, not only the last"


def test_use_is_counted_to_the_minute_so_pages_within_it_send_no_new_cookie(
    client, clock, signed_in_at_nine
):
    clock.set(signed_in_at_nine + timedelta(minutes=1))
    assert "Set-Cookie" in client.get("/today").headers, "a minute on, the use is written"
    clock.set(signed_in_at_nine + timedelta(minutes=1, seconds=40))
    assert "Set-Cookie" not in client.get("/caseload").headers

    clock.set(signed_in_at_nine + timedelta(minutes=16, seconds=1))

    assert client.get("/caseload").location.startswith("/lock"), "15 minutes from the use written"


def test_under_a_short_lock_use_is_counted_to_a_tenth_of_it(
    app, client, clock, signed_in_at_nine, monkeypatch
):
    monkeypatch.setitem(app.config, "IDLE_LOCK_MINUTES", 1)
    clock.set(signed_in_at_nine + timedelta(seconds=50))
    assert client.get("/today").status_code == 200

    clock.set(signed_in_at_nine + timedelta(seconds=105))

    assert client.get("/today").status_code == 200, "a minute from the use at 50 s, not from 0"


def test_the_password_opens_it_where_it_was(client, client_request, clock, signed_in_at_nine):
    clock.set(signed_in_at_nine + timedelta(minutes=16))
    client.get("/caseload")

    page = client_request.post(
        "/lock?next=/caseload", {"password": "not my password"}, expected_status=200
    )
    assert "Your password is not correct" in text_of(page, "#password-error")
    assert client.get("/caseload").location.startswith("/lock")

    assert client.post("/lock?next=/caseload", data={"password": PASSWORD}).location == "/caseload"
    assert client.get("/caseload").status_code == 200


def test_the_lock_sends_nowhere_but_this_site(client, clock, signed_in_at_nine):
    clock.set(signed_in_at_nine + timedelta(minutes=16))
    response = client.post("/lock?next=https://elsewhere.example/", data={"password": PASSWORD})
    assert response.location == "/today"


def test_the_outbox_sends_underneath_without_counting_as_use(
    client, clock, signed_in_at_nine, make_pupil
):
    teacher = db.session.scalar(sa.select(User).where(User.name == "Tom Okafor"))
    pupil = make_pupil()
    assign(pupil, teacher, None)
    clock.set(signed_in_at_nine + timedelta(minutes=16))

    sent = client.post(f"/pupils/{pupil.id}/notes/new", data=note_form(), headers=keyed())

    assert sent.status_code == 201
    assert db.session.scalar(sa.select(sa.func.count(SessionNote.id))) == 1
    assert client.get("/today").location.startswith("/lock")


def test_a_part_of_a_page_asked_for_by_htmx_sends_the_whole_page_to_the_lock(
    client, clock, signed_in_at_nine
):
    clock.set(signed_in_at_nine + timedelta(minutes=16))
    response = client.get("/register", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == "/lock?next=/register"


def test_the_limit_is_a_setting(app, client, clock, signed_in_at_nine):
    app.config["IDLE_LOCK_MINUTES"] = 60
    clock.set(signed_in_at_nine + timedelta(minutes=45))
    assert client.get("/today").status_code == 200


def test_signing_out_is_open_while_locked(client, clock, signed_in_at_nine):
    clock.set(signed_in_at_nine + timedelta(minutes=16))
    assert client.post("/sign-out").location == "/sign-in"


@pytest.mark.parametrize("role", list(Role))
def test_every_role_is_locked(client, auth, make_user, clock, role):
    moment = clock(*START)
    auth.login(make_user(role))
    clock.set(moment + timedelta(minutes=16))
    assert client.get("/").location.startswith("/lock")
