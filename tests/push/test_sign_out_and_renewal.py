"""A phone that signs out reminds no one any more, and a subscription the browser renewed
replaces the old one instead of leaving it to fail."""

import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.push.models import PushSubscription

TURNED_ON = "Reminders are on for this device."


def endpoints() -> dict[str, int]:
    db.session.expire_all()
    rows = db.session.execute(sa.select(PushSubscription.endpoint, PushSubscription.user_id))
    return {endpoint: user_id for endpoint, user_id in rows}


def device_row(endpoint: str) -> PushSubscription:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    )


@pytest.fixture
def person(make_user, auth):
    user = make_user(Role.TEACHER)
    auth.login(user)
    return user


def renewal(old, renewed) -> dict:
    """What the service worker, or a page that finds the server was not told, posts."""
    return renewed.subscription | {"replaces": old.endpoint}


def test_signing_out_forgets_this_phones_subscription(client, person, new_device):
    this_phone, other_phone = new_device(), new_device()
    for device in (this_phone, other_phone):
        assert client.post("/reminders/devices", json=device.subscription).status_code == 201

    response = client.post("/sign-out", data={"push_endpoint": this_phone.endpoint})

    assert response.location == "/sign-in"
    assert endpoints() == {other_phone.endpoint: person.id}


def test_signing_out_without_javascript_leaves_the_devices(client, person, new_device):
    device = new_device()
    client.post("/reminders/devices", json=device.subscription)

    assert client.post("/sign-out").location == "/sign-in"

    assert endpoints() == {device.endpoint: person.id}


def test_signing_out_leaves_another_persons_device_alone(client, auth, make_user, new_device):
    first, second = make_user(Role.TEACHER), make_user(Role.TEACHER)
    device = new_device()
    auth.login(first)
    client.post("/reminders/devices", json=device.subscription)
    auth.logout()
    auth.login(second)

    client.post("/sign-out", data={"push_endpoint": device.endpoint})

    assert endpoints() == {device.endpoint: first.id}


def test_a_renewed_subscription_takes_the_place_of_the_one_it_renews(
    client, client_request, person, new_device
):
    old, renewed = new_device(), new_device()
    client.post("/reminders/devices", json=old.subscription)
    client.get("/reminders")  # the page the person turned reminders on from shows the news
    before = device_row(old.endpoint)
    turned_on_at = before.id, before.created_at

    response = client.post("/reminders/devices", json=renewal(old, renewed))

    assert response.status_code == 201
    assert endpoints() == {renewed.endpoint: person.id}
    row = device_row(renewed.endpoint)
    assert (row.id, row.created_at) == turned_on_at
    assert (row.p256dh, row.auth) == tuple(renewed.subscription["keys"].values())
    # Renewed behind the person's back: the next page they open says nothing of it.
    assert TURNED_ON not in client_request.get("/reminders").text


def test_turning_reminders_on_says_so(client, client_request, person, new_device):
    client.post("/reminders/devices", json=new_device().subscription)

    assert TURNED_ON in client_request.get("/reminders").text


def test_a_renewal_told_twice_leaves_one_device(client, person, new_device):
    """The service worker tells the server, then a page that had not heard of it does."""
    old, renewed = new_device(), new_device()
    client.post("/reminders/devices", json=old.subscription)

    for _ in range(2):
        assert client.post("/reminders/devices", json=renewal(old, renewed)).status_code == 201

    assert endpoints() == {renewed.endpoint: person.id}


def test_a_renewal_after_a_turn_on_of_the_new_one_removes_the_old(client, person, new_device):
    old, renewed = new_device(), new_device()
    for device in (old, renewed):
        client.post("/reminders/devices", json=device.subscription)

    assert client.post("/reminders/devices", json=renewal(old, renewed)).status_code == 201

    assert endpoints() == {renewed.endpoint: person.id}


def test_a_renewal_of_a_device_already_removed_is_kept(client, person, new_device):
    """The push service may have answered 410 for the old endpoint first, and ap-field
    removed it: the renewal is still this phone's, and reminders go on."""
    old, renewed = new_device(), new_device()

    assert client.post("/reminders/devices", json=renewal(old, renewed)).status_code == 201

    assert endpoints() == {renewed.endpoint: person.id}


def test_a_renewal_of_someone_elses_device_is_refused(client, auth, make_user, new_device):
    """A phone whose last person did not sign out: the renewal of their subscription, told
    in the next person's session, does not make their device the next person's."""
    first, second = make_user(Role.TEACHER), make_user(Role.TEACHER)
    old, renewed = new_device(), new_device()
    auth.login(first)
    client.post("/reminders/devices", json=old.subscription)
    auth.logout()
    auth.login(second)

    response = client.post("/reminders/devices", json=renewal(old, renewed))

    assert response.status_code == 422
    assert response.json == {"error": "The subscription it renews is someone else's"}
    assert endpoints() == {old.endpoint: first.id}


def test_the_endpoint_it_replaces_must_be_text(client, person, new_device):
    device = new_device()

    response = client.post("/reminders/devices", json=device.subscription | {"replaces": 7})

    assert response.status_code == 422
    assert endpoints() == {}
