"""End to end without the internet: the tick sends to a push service on loopback, which
checks what a real one would, and the device decrypts the message."""

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.pupils.services import assign
from ap_field.push import vapid
from ap_field.push.models import PushSubscription, Reminder, ReminderState
from tests.push.helpers import b64url_decode, jwt_claims

pytestmark = pytest.mark.usefixtures("registers_not_due")

# RFC 8291, section 5 and Appendix A: the user agent's keys, the auth secret and the message.
RFC_8291_UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
RFC_8291_UA_PUBLIC = (
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
)
RFC_8291_AUTH_SECRET = "BTBZMqHH6r4Tts7J_aSIgg"
RFC_8291_MESSAGE = (
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYW"
    "AmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSx"
    "sj_Qulcy4a-fN"
)


def test_the_rfc_8291_example_decrypts_to_its_published_plaintext():
    import http_ece

    ua_private = ec.derive_private_key(
        int.from_bytes(b64url_decode(RFC_8291_UA_PRIVATE), "big"), ec.SECP256R1()
    )
    ua_public = ua_private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    assert ua_public == b64url_decode(RFC_8291_UA_PUBLIC)
    plaintext = http_ece.decrypt(
        b64url_decode(RFC_8291_MESSAGE),
        private_key=ua_private,
        auth_secret=b64url_decode(RFC_8291_AUTH_SECRET),
        version="aes128gcm",
    )
    assert plaintext == b"When I grow up, I want to be a watermelon"


def _review_due_in_two_days(make_pupil, teacher):
    pupil = make_pupil(legal_name="Jayden Clarke", review_date=london_today() + timedelta(days=2))
    assign(pupil, teacher, None)
    return pupil


def test_the_tick_sends_an_encrypted_reminder_with_the_headers_push_services_need(
    app, runner, make_pupil, teacher, subscribed, push_service
):
    pupil = _review_due_in_two_days(make_pupil, teacher)
    device = subscribed(teacher)

    result = runner.invoke(args=["reminders", "tick"])

    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    [request] = push_service.to(device)
    headers = request.headers
    assert int(headers["ttl"]) >= 86400
    assert headers["urgency"] == "normal"
    assert headers["content-encoding"] == "aes128gcm"
    topic = headers["topic"]
    assert 1 <= len(topic) <= 32
    assert set(topic) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    scheme, credentials = headers["authorization"].split(" ", 1)
    assert scheme == "vapid"
    parts = dict(part.split("=", 1) for part in credentials.split(","))
    assert parts["k"] == vapid.public_key()
    assert Vapid02.verify(headers["authorization"])
    claims = jwt_claims(parts["t"])
    assert claims["aud"] == push_service.url
    assert claims["sub"] == "mailto:reminders@example.org"
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600

    message = device.decrypt(request.body)
    assert message["title"] == "Review due"
    assert message["url"] == f"/pupils/{pupil.id}/reviews/new"
    assert message["tag"] == topic
    reminder = db.session.scalar(sa.select(Reminder))
    assert message["id"] == reminder.public_id
    assert set(message) == {"title", "body", "url", "id", "tag"}
    for personal in ("Jayden", "Clarke", pupil.case_number, pupil.upn, teacher.name):
        assert personal not in request.body.decode("latin-1")
        assert personal not in str(message)
    assert reminder.state == ReminderState.SENT
    assert db.session.scalar(sa.select(PushSubscription.last_success_at)) is not None


def test_a_reminder_is_sent_once_however_often_the_tick_runs(
    app, runner, make_pupil, teacher, subscribed, push_service
):
    _review_due_in_two_days(make_pupil, teacher)
    device = subscribed(teacher)
    for _ in range(3):
        runner.invoke(args=["reminders", "tick"])
    assert len(push_service.to(device)) == 1


def test_every_device_of_the_person_gets_it(
    app, runner, make_pupil, teacher, subscribed, push_service
):
    _review_due_in_two_days(make_pupil, teacher)
    phone, laptop = subscribed(teacher), subscribed(teacher)
    runner.invoke(args=["reminders", "tick"])
    assert len(push_service.to(phone)) == len(push_service.to(laptop)) == 1
