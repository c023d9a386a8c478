"""Fixtures for push reminders: a VAPID key for the app, a push service on loopback, and
devices subscribed to it."""

import pytest

from ap_field.auth.models import Role
from ap_field.push import vapid
from ap_field.push.kinds import KINDS
from ap_field.push.services import checked_subscription, subscribe
from tests.push.helpers import Device, push_service_on_loopback

TEST_KEY = vapid.new_private_key_pem().decode()


@pytest.fixture
def app_config() -> dict:
    return {"VAPID_PRIVATE_KEY": TEST_KEY}


@pytest.fixture
def push_service():
    with push_service_on_loopback() as service:
        yield service


@pytest.fixture
def new_device(push_service):
    return lambda: Device(push_service)


@pytest.fixture
def subscribed(new_device):
    """A new device of `user`, subscribed as the Reminders page would."""

    def make(user) -> Device:
        device = new_device()
        subscription = checked_subscription(device.subscription)
        subscribe(user, subscription, "Mozilla/5.0 (Linux; Android 14) Chrome/131.0")
        return device

    return make


@pytest.fixture
def teacher(make_user):
    return make_user(Role.TEACHER)


@pytest.fixture
def lead(make_user):
    return make_user(Role.LEAD)


@pytest.fixture
def registers_not_due(monkeypatch):
    """For tests of other reminders: the pupils they make never have a register taken, so
    after 10:00 on a school day a "register not taken" reminder would be due as well."""
    monkeypatch.delitem(KINDS, "register_not_taken")
