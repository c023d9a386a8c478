"""Subscribing devices, choosing reminder kinds, and sending one push message."""

import enum
import hashlib
import hmac
import ipaddress
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa
from flask import current_app

from ap_field.auth.models import User
from ap_field.common.time import utcnow
from ap_field.extensions import db
from ap_field.push import vapid
from ap_field.push.models import MAX_ENDPOINT_LENGTH, PushSubscription, ReminderOptOut
from ap_field.push.queries import devices_of

logger = logging.getLogger(__name__)

# RFC 8030 section 5.2: a message waits this long for a phone that is off; a day covers a night.
PUSH_TTL_SECONDS = 86400
PUSH_TIMEOUT_SECONDS = 10
# RFC 8030 section 5.4: a Topic is at most 32 characters of the base64url alphabet.
TOPIC_LENGTH = 32
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


class SubscriptionRefused(ValueError):
    """The browser sent something that is not a push subscription we may send to."""


def _decoded_length(text: object, name: str) -> bytes:
    if not isinstance(text, str) or not text:
        raise SubscriptionRefused(f"The subscription has no {name} key")
    try:
        return vapid.b64url_decode(text)
    except ValueError as error:
        raise SubscriptionRefused(f"The subscription's {name} key is not base64url") from error


def _endpoint_problem(endpoint: str) -> str | None:
    """Only https endpoints of known push services: the server posts to this address, so an
    address inside our own network must never be accepted. Plain http to loopback is for tests."""
    if len(endpoint) > MAX_ENDPOINT_LENGTH:
        return "The push endpoint is too long"
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    if parts.scheme == "http" and host in LOOPBACK_HOSTS:
        if current_app.config["PUSH_ALLOW_LOOPBACK_HTTP"]:
            return None
        return "Push endpoints must use https"
    if parts.scheme != "https" or not host:
        return "Push endpoints must use https"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return "The push endpoint must be a push service, not an address"
    services = current_app.config["PUSH_SERVICE_HOSTS"]
    if not any(host == service or host.endswith("." + service) for service in services):
        return "This browser's push service is not one ap-field sends to"
    return None


def checked_subscription(data: object) -> dict:
    """{endpoint, p256dh, auth} from a browser's PushSubscription.toJSON(), or refused; with
    `replaces`, the endpoint of the subscription it renews, if it names one."""
    if not isinstance(data, dict):
        raise SubscriptionRefused("Send the subscription as JSON")
    endpoint = data.get("endpoint")
    if not isinstance(endpoint, str) or not endpoint:
        raise SubscriptionRefused("The subscription has no endpoint")
    if problem := _endpoint_problem(endpoint):
        raise SubscriptionRefused(problem)
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    point = _decoded_length(p256dh, "p256dh")
    if len(point) != 65 or point[0] != 4:
        raise SubscriptionRefused("The p256dh key must be an uncompressed P-256 point")
    if len(_decoded_length(auth, "auth")) != 16:
        raise SubscriptionRefused("The auth secret must be 16 bytes")
    replaces = data.get("replaces")
    if replaces is not None and not isinstance(replaces, str):
        raise SubscriptionRefused("Send the endpoint it replaces as text")
    return {"endpoint": endpoint, "p256dh": p256dh, "auth": auth, "replaces": replaces or None}


def _device_at(endpoint: str) -> PushSubscription | None:
    return db.session.scalar(
        sa.select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    )


def _renewed_device(user: User, subscription: dict) -> PushSubscription | None:
    """The device a renewed subscription takes the place of: only ever the person's own."""
    replaces = subscription.get("replaces")
    if not replaces or replaces == subscription["endpoint"]:
        return None
    renewed = _device_at(replaces)
    if renewed is not None and renewed.user_id != user.id:
        raise SubscriptionRefused("The subscription it renews is someone else's")
    return renewed


def subscribe(user: User, subscription: dict, user_agent: str) -> PushSubscription:
    """Store the device, or update it when it subscribes again (also when someone else now
    signs in on it: a device reminds whoever turned reminders on there last). A subscription
    the browser renewed (`replaces`) is the same device under a new endpoint: it keeps its row,
    so reminders go on and none go to the old endpoint."""
    device = _device_at(subscription["endpoint"])
    renewed = _renewed_device(user, subscription)
    if device is None:
        device = renewed or PushSubscription()
        device.endpoint = subscription["endpoint"]
        db.session.add(device)
    elif renewed is not None:
        # The new endpoint is stored already (the person turned reminders on again since):
        # the old one reaches nothing now.
        db.session.delete(renewed)
    device.user = user
    device.p256dh, device.auth = subscription["p256dh"], subscription["auth"]
    device.user_agent = user_agent[:300]
    device.failure_count = 0
    db.session.commit()
    return device


def unsubscribe(device: PushSubscription) -> None:
    db.session.delete(device)
    db.session.commit()


def end_push_on_device(user: User, endpoint: str) -> None:
    """The phone `user` signs out on reminds them no more. Only their own device is removed:
    one that reminds someone else now is left to them."""
    db.session.execute(
        sa.delete(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id
        )
    )
    db.session.commit()


def choose_kinds(user: User, offered: list[str], wanted: list[str]) -> None:
    """Turn off the offered kinds the person did not tick; kinds not offered are left alone."""
    db.session.execute(
        sa.delete(ReminderOptOut).where(
            ReminderOptOut.user_id == user.id, ReminderOptOut.kind.in_(offered)
        )
    )
    db.session.add_all(
        ReminderOptOut(user_id=user.id, kind=kind) for kind in offered if kind not in wanted
    )
    db.session.commit()


def topic(kind: str, object_id: int) -> str:
    """The same reminder always gets the same Topic, so a push service keeps only the newest
    undelivered copy. Keyed, so the push service cannot tell which record it is about."""
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, f"topic:{kind}:{object_id}".encode(), hashlib.sha256).digest()
    return vapid.b64url(digest)[:TOPIC_LENGTH]


class Outcome(enum.Enum):
    DELIVERED = "delivered"
    GONE = "gone"  # 404 or 410: the device unsubscribed or the subscription expired
    RETRY = "retry"  # 429, a 5xx or no answer: try again on a later tick
    FAILED = "failed"  # any other refusal: counted and logged, not retried


@dataclass
class Delivery:
    outcome: Outcome
    status: int | None = None
    retry_after: int = 0


RETRY_AFTER_MAX = 24 * 60 * 60  # a push service asking for longer is asked again in a day


def _retry_after(value: str | None) -> int:
    """Retry-After in seconds, at most a day; an HTTP date or nonsense counts as no advice."""
    if not value or not value.isascii() or not value.isdigit():
        return 0
    return min(int(value), RETRY_AFTER_MAX)


class Sender:
    """Sends push messages with one VAPID key and one HTTP session."""

    def __init__(self, session: requests.Session):
        self.key = vapid.server_key()
        self.subject = vapid.subject()
        self.session = session

    def push(self, device: PushSubscription, message: dict, topic: str, urgency: str) -> Delivery:
        # pywebpush and what it loads are some 20 MB, which an app worker that sends nothing
        # never needs: loaded with the first push.
        from pywebpush import WebPusher, WebPushException

        parts = urlsplit(device.endpoint)
        headers = {
            "Authorization": vapid.authorization(
                self.key, self.subject, f"{parts.scheme}://{parts.netloc}"
            ),
            "Urgency": urgency,
            "Topic": topic,
        }
        payload = json.dumps(message, separators=(",", ":"))
        try:
            response = WebPusher(device.subscription_info, requests_session=self.session).send(
                payload, headers, ttl=PUSH_TTL_SECONDS, timeout=PUSH_TIMEOUT_SECONDS
            )
        except requests.RequestException as error:
            logger.warning("Push to device %s got no answer: %s", device.id, error)
            return Delivery(Outcome.RETRY)
        except WebPushException as error:
            logger.warning("Push to device %s could not be encrypted: %s", device.id, error)
            return Delivery(Outcome.FAILED)
        status = response.status_code
        if status in (200, 201, 202):
            return Delivery(Outcome.DELIVERED, status)
        if status in (404, 410):
            return Delivery(Outcome.GONE, status)
        if status == 429 or status >= 500:
            logger.info("Push service asked device %s to wait (%s)", device.id, status)
            retry_after = _retry_after(response.headers.get("Retry-After"))
            return Delivery(Outcome.RETRY, status, retry_after)
        logger.warning("Push to device %s refused: %s %s", device.id, status, response.text[:200])
        return Delivery(Outcome.FAILED, status)


def note_delivery(device: PushSubscription, delivery: Delivery, now: datetime) -> None:
    """What a delivery tells us about the device; the caller commits."""
    match delivery.outcome:
        case Outcome.DELIVERED:
            device.last_success_at = now
            device.failure_count = 0
        case Outcome.GONE:
            db.session.delete(device)
        case Outcome.RETRY if delivery.status == 429:
            pass
        case _:
            device.failure_count += 1


@dataclass
class TestResult:
    delivered: int = 0
    failed: int = 0
    removed: int = 0


def send_test(user: User) -> TestResult:
    """A test notification to each of the person's devices, now."""
    result = TestResult()
    message = {
        "title": "Test reminder",
        "body": "Reminders reach this device.",
        "url": "/reminders",
    }
    with requests.Session() as session:
        sender = Sender(session)
        for device in devices_of(user):
            delivery = sender.push(
                device, message | {"id": "test", "tag": "test"}, "test", "normal"
            )
            note_delivery(device, delivery, utcnow())
            if delivery.outcome == Outcome.DELIVERED:
                result.delivered += 1
            elif delivery.outcome == Outcome.GONE:
                result.removed += 1
            else:
                result.failed += 1
    db.session.commit()
    return result
