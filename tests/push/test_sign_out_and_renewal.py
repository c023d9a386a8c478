"""A phone that signs out reminds no one any more, and a subscription the browser renewed
replaces the old one instead of leaving it to fail."""

import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.push.models import PushSubscription


def endpoints() -> dict[str, int]:
    db.session.expire_all()
    rows = db.session.execute(sa.select(PushSubscription.endpoint, PushSubscription.user_id))
    return {endpoint: user_id for endpoint, user_id in rows}


def test_signing_out_forgets_this_phones_subscription(client, auth, make_user, new_device):
    person = make_user(Role.TEACHER)
    auth.login(person)
    this_phone, other_phone = new_device(), new_device()
    for device in (this_phone, other_phone):
        assert client.post("/reminders/devices", json=device.subscription).status_code == 201

    client.post("/sign-out", data={"push_endpoint": this_phone.endpoint})

    assert endpoints() == {other_phone.endpoint: person.id}


def test_signing_out_leaves_another_persons_device_alone(client, auth, make_user, new_device):
    first, second = make_user(Role.TEACHER), make_user(Role.TEACHER)
    device = new_device()
    auth.login(first)
    client.post("/reminders/devices", json=device.subscription)
    auth.logout()
    auth.login(second)

    client.post("/sign-out", data={"push_endpoint": device.endpoint})

    assert endpoints() == {device.endpoint: first.id}


def test_a_renewed_subscription_replaces_the_one_it_renews(client, auth, make_user, new_device):
    person = make_user(Role.PARENT)
    auth.login(person)
    old, renewed = new_device(), new_device()
    client.post("/reminders/devices", json=old.subscription)

    response = client.post(
        "/reminders/devices", json=renewed.subscription | {"replaces": old.endpoint}
    )

    assert response.status_code == 201
    assert endpoints() == {renewed.endpoint: person.id}
