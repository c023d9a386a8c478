"""Signed-in devices: a person sees where they are signed in, and signs any of those devices
out; signing out ends only this device."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role, SignedInDevice
from ap_field.common.user_agents import device_name
from ap_field.extensions import db
from tests.helpers import AuthActions, ClientRequest, text_of

ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/126.0.0.0 Mobile Safari/537.36"
)
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def phone(app, user_agent: str):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    return client


@pytest.fixture
def on_two_phones(app, make_user):
    """A teacher signed in on an Android phone and on an iPhone."""
    teacher = make_user(Role.TEACHER, name="Tom Okafor")
    android, iphone = phone(app, ANDROID_CHROME), phone(app, IPHONE_SAFARI)
    AuthActions(android).login(teacher)
    AuthActions(iphone).login(teacher, remember="y")
    return teacher, android, iphone


def device_rows(page) -> list[str]:
    return [" ".join(row.get_text().split()) for row in page.select("[data-device]")]


@pytest.mark.parametrize(
    "user_agent, described",
    [
        (ANDROID_CHROME, "Chrome on Android"),
        (IPHONE_SAFARI, "Safari on iPhone"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64) Gecko/20100101 Firefox/128.0", "Firefox on Windows"),
        ("Mozilla/5.0 (Windows NT 10.0) Chrome/126.0 Safari/537.36 Edg/126.0", "Edge on Windows"),
        ("curl/8.5.0", "A browser"),
    ],
)
def test_a_device_is_named_as_its_person_would_name_it(user_agent, described):
    assert device_name(user_agent) == described


def test_the_page_lists_each_device_and_marks_this_one(on_two_phones):
    _, android, _ = on_two_phones
    rows = device_rows(ClientRequest(android).get("/account/devices"))
    assert len(rows) == 2
    assert any(row.startswith("Chrome on Android This device Signed in") for row in rows)
    assert any(row.startswith("Safari on iPhone Signed in") for row in rows)


def test_signing_out_another_device_ends_its_session_and_remembered_cookie(on_two_phones):
    _, android, iphone = on_two_phones
    iphone_device = db.session.scalar(
        sa.select(SignedInDevice).where(SignedInDevice.description == "Safari on iPhone")
    )
    response = android.post(f"/account/devices/{iphone_device.id}/sign-out")
    assert response.location == "/account/devices"
    assert android.get("/today").status_code == 200
    assert iphone.get("/today").location.startswith("/sign-in")
    iphone.delete_cookie("ap_field_session")
    assert iphone.get("/today").location.startswith("/sign-in"), "the remember cookie worked"


def test_one_cannot_sign_out_someone_elses_device(app, on_two_phones, make_user):
    _, android, _ = on_two_phones
    other = make_user(Role.TEACHER)
    others_phone = phone(app, IPHONE_SAFARI)
    AuthActions(others_phone).login(other)
    theirs = db.session.scalar(
        sa.select(SignedInDevice.id).where(SignedInDevice.user_id == other.id)
    )
    android.post(f"/account/devices/{theirs}/sign-out")
    assert others_phone.get("/today").status_code == 200


def test_sign_out_every_other_device(on_two_phones):
    _, android, iphone = on_two_phones
    android.post("/account/devices/sign-out-others")
    page = android.get("/account/devices").text
    assert "Every other phone and computer is signed out." in page
    assert "Safari on iPhone" not in page
    assert android.get("/today").status_code == 200
    assert iphone.get("/today").location.startswith("/sign-in")


def test_last_used_is_written_at_most_every_five_minutes(clock, make_user, auth, client):
    started = clock(9, 0)
    auth.login(make_user(Role.TEACHER))
    device = db.session.scalar(sa.select(SignedInDevice))
    clock.set(started + timedelta(minutes=4))
    client.get("/today")
    db.session.refresh(device)
    assert device.last_used_at == started
    clock.set(started + timedelta(minutes=6))
    client.get("/today")
    db.session.refresh(device)
    assert device.last_used_at == started + timedelta(minutes=6)


def test_a_signed_out_device_stays_signed_out_and_off_the_list(
    client, client_request, make_user, auth
):
    teacher = make_user(Role.TEACHER)
    auth.login(teacher)
    auth.logout()
    auth.login(teacher)
    page = client_request.get("/account/devices")
    assert len(page.select("[data-device]")) == 1
    assert "This device" in text_of(page, "[data-device]")
    assert page.select_one("form[action='/account/devices/sign-out-others']") is None
