"""The pupil's home address and their parent's phone: kept on the record, checked, and the
start of every home visit's address."""

import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.pupils.models import Pupil
from ap_field.pupils.services import assign
from tests.helpers import text_of


def test_the_record_keeps_the_home_address_and_the_parents_phone(
    client_request, make_user, auth, pupil_form
):
    auth.login(make_user(Role.LEAD))
    client_request.post(
        "/pupils/new",
        pupil_form(home_address="14 Mill Lane, Northside, NS1 4AB", parent_phone="01632 960 001"),
    )
    pupil = db.session.scalar(sa.select(Pupil))
    page = client_request.get(f"/pupils/{pupil.id}")
    assert "14 Mill Lane, Northside, NS1 4AB" in page.text
    assert page.select_one('a[href="tel:01632960001"]').get_text() == "01632 960 001"


def test_a_phone_number_that_is_not_one_is_refused_next_to_the_field(
    client_request, make_user, auth, pupil_form
):
    auth.login(make_user(Role.LEAD))
    page = client_request.post(
        "/pupils/new", pupil_form(parent_phone="call mum"), expected_status=200
    )
    assert "Enter a phone number" in text_of(page, "#parent_phone-error")
    assert db.session.scalar(sa.select(Pupil.id)) is None


def test_a_new_visit_starts_at_the_pupils_home(client_request, make_user, make_pupil, auth):
    teacher = make_user(Role.TEACHER)
    pupil = make_pupil(home_address="14 Mill Lane, Northside, NS1 4AB")
    assign(pupil, teacher, None)
    auth.login(teacher)
    page = client_request.get(f"/pupils/{pupil.id}/visits/new")
    assert page.select_one("#address")["value"] == "14 Mill Lane, Northside, NS1 4AB"
    assert page.select_one('input[name="place"][value="home"]').has_attr("checked")


def test_with_no_address_known_the_visit_asks_for_one(client_request, make_user, make_pupil, auth):
    teacher = make_user(Role.TEACHER)
    pupil = make_pupil()
    assign(pupil, teacher, None)
    auth.login(teacher)
    page = client_request.get(f"/pupils/{pupil.id}/visits/new")
    assert not page.select_one("#address").get("value")
