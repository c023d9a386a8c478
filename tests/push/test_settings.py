"""The Reminders page: subscribing a device (CSRF-protected, https push services only),
the device list, turning one off, a test reminder and choosing kinds."""

import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.common.user_agents import device_name
from ap_field.extensions import db
from ap_field.push import vapid
from ap_field.push.models import PushSubscription, ReminderOptOut
from tests.helpers import text_of
from tests.push.conftest import TEST_KEY

ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


@pytest.fixture
def signed_in_teacher(teacher, auth):
    auth.login(teacher)
    return teacher


def stored() -> list[PushSubscription]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(PushSubscription)))


def test_the_page_gives_the_public_key_and_never_the_private_one(client_request, signed_in_teacher):
    page = client_request.get("/reminders")
    panel = page.select_one("[data-push]")
    assert panel["data-public-key"] == vapid.public_key()
    assert len(vapid.b64url_decode(panel["data-public-key"])) == 65
    assert panel["data-subscribe-url"] == "/reminders/devices"
    html = str(page)
    assert vapid.raw_private_key(TEST_KEY.encode()) not in html
    for line in TEST_KEY.splitlines()[1:-1]:
        assert line not in html
    assert page.select_one('script[type="module"][src*="build/reminders.js?v="]')
    assert "Turn on reminders on this phone" in text_of(page, "[data-push-action]")


def test_without_a_key_the_page_says_reminders_are_not_set_up(app, client_request, auth, teacher):
    app.config["VAPID_PRIVATE_KEY"] = None
    auth.login(teacher)
    page = client_request.get("/reminders")
    assert page.select_one("[data-push]") is None
    assert "not set up on this server" in page.text


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reaches_reminders_from_the_menu(client_request, auth, make_user, role):
    auth.login(make_user(role))
    page = client_request.get("/reminders")
    assert page.select_one('#navigation a[href="/reminders"]').get_text(strip=True) == "Reminders"


def test_subscribing_stores_the_device_and_subscribing_again_updates_it(
    client, signed_in_teacher, new_device
):
    device = new_device()
    response = client.post(
        "/reminders/devices", json=device.subscription, headers={"User-Agent": ANDROID_CHROME}
    )
    assert response.status_code == 201
    [saved] = stored()
    assert saved.user_id == signed_in_teacher.id
    assert saved.endpoint == device.endpoint
    assert saved.p256dh == device.subscription["keys"]["p256dh"]
    assert device_name(saved.user_agent) == "Chrome on Android"

    again = device.subscription
    again["keys"]["auth"] = "AAAAAAAAAAAAAAAAAAAAAA"
    assert client.post("/reminders/devices", json=again).status_code == 201
    [updated] = stored()
    assert updated.id == saved.id
    assert updated.auth == "AAAAAAAAAAAAAAAAAAAAAA"


def _with_endpoint(device, endpoint: str) -> dict:
    return device.subscription | {"endpoint": endpoint}


@pytest.mark.parametrize(
    ("endpoint", "problem"),
    [
        ("http://fcm.googleapis.com/fcm/send/abc", "must use https"),
        ("http://192.168.1.10/push", "must use https"),
        ("https://10.0.0.1/push", "not an address"),
        ("https://evil.example/push", "not one ap-field sends to"),
        ("https://fcm.googleapis.com.evil.example/push", "not one ap-field sends to"),
        ("ftp://updates.push.services.mozilla.com/x", "must use https"),
        ("https://fcm.googleapis.com/" + "a" * 2100, "too long"),
    ],
)
def test_only_https_push_services_are_accepted(
    client, signed_in_teacher, new_device, endpoint, problem
):
    response = client.post("/reminders/devices", json=_with_endpoint(new_device(), endpoint))
    assert response.status_code == 422
    assert problem in response.json["error"]
    assert stored() == []


def test_the_known_push_services_are_accepted(client, signed_in_teacher, new_device):
    for endpoint in (
        "https://fcm.googleapis.com/fcm/send/dK3",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAA",
        "https://web.push.apple.com/QGuQyavXutnMw",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
    ):
        response = client.post("/reminders/devices", json=_with_endpoint(new_device(), endpoint))
        assert response.status_code == 201, response.json
    assert len(stored()) == 4


@pytest.mark.parametrize(
    "keys",
    [
        {},
        {"p256dh": "BAAA", "auth": "AAAAAAAAAAAAAAAAAAAAAA"},
        {"p256dh": "not base64 at all!", "auth": "AAAAAAAAAAAAAAAAAAAAAA"},
        {"auth": "AAAAAAAAAAAAAAAAAAAAAA"},
    ],
)
def test_a_subscription_without_usable_keys_is_refused(client, signed_in_teacher, new_device, keys):
    response = client.post("/reminders/devices", json=new_device().subscription | {"keys": keys})
    assert response.status_code == 422
    assert stored() == []


def test_a_wrong_auth_secret_length_is_refused(client, signed_in_teacher, new_device):
    subscription = new_device().subscription
    subscription["keys"]["auth"] = "AAAA"
    assert client.post("/reminders/devices", json=subscription).status_code == 422


def test_plain_http_to_loopback_needs_the_test_flag(make_app, make_user, new_device):
    app = make_app(PUSH_ALLOW_LOOPBACK_HTTP=False, VAPID_PRIVATE_KEY=TEST_KEY)
    with app.app_context():
        email = make_user(Role.TEACHER).email
    client = app.test_client()
    client.post("/sign-in", data={"email": email, "password": "correct-staple-meadow"})
    response = client.post("/reminders/devices", json=new_device().subscription)
    assert response.status_code == 422
    assert "must use https" in response.json["error"]


def test_subscribing_needs_the_csrf_token_the_page_gives(make_app, make_user, new_device):
    app = make_app(WTF_CSRF_ENABLED=True, VAPID_PRIVATE_KEY=TEST_KEY)
    with app.app_context():
        email = make_user(Role.PARENT).email
    client = app.test_client()
    sign_in = client.get("/sign-in").text
    token = sign_in.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post(
        "/sign-in",
        data={"email": email, "password": "correct-staple-meadow", "csrf_token": token},
    )
    subscription = new_device().subscription

    assert client.post("/reminders/devices", json=subscription).status_code == 400
    assert (
        client.post(
            "/reminders/devices", json=subscription, headers={"X-CSRFToken": "forged"}
        ).status_code
        == 400
    )
    page = client.get("/reminders").text
    page_token = page.split('data-csrf-token="')[1].split('"')[0]
    response = client.post(
        "/reminders/devices", json=subscription, headers={"X-CSRFToken": page_token}
    )
    assert response.status_code == 201
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PushSubscription.id))) == 1


def test_the_page_lists_the_devices_and_one_can_be_turned_off(
    client_request, signed_in_teacher, subscribed, make_user
):
    subscribed(signed_in_teacher)
    other = subscribed(signed_in_teacher)
    someone_else = subscribed(make_user(Role.TEACHER))
    page = client_request.get("/reminders")
    cards = page.select("#devices .app-card")
    assert len(cards) == 2
    assert "Chrome on Android" in cards[0].get_text()
    assert "No reminder delivered yet" in cards[0].get_text()
    assert {card["data-device-endpoint"] for card in cards} >= {other.endpoint}
    assert someone_else.endpoint not in str(page)

    turn_off = cards[1].select_one("form")["action"]
    response = client_request.post(turn_off, data={})
    assert response.location == "/reminders"
    assert other.endpoint not in {device.endpoint for device in stored()}
    assert len(stored()) == 2


def test_another_persons_device_cannot_be_turned_off(
    client, signed_in_teacher, subscribed, make_user
):
    subscribed(make_user(Role.TEACHER))
    [theirs] = stored()
    assert client.post(f"/reminders/devices/{theirs.id}/delete").status_code == 404
    assert len(stored()) == 1


def test_a_test_reminder_reaches_every_device(
    client_request, signed_in_teacher, subscribed, push_service
):
    phone = subscribed(signed_in_teacher)
    client_request.post("/reminders/test", data={})
    [request] = push_service.to(phone)
    message = phone.decrypt(request.body)
    assert message["title"] == "Test reminder"
    assert message["url"] == "/reminders"
    page = client_request.get("/reminders")
    assert "Test reminder sent to 1 device." in page.text
    assert "Last reminder delivered" in text_of(page, "#devices")


def test_a_test_reminder_needs_the_subject_claim(
    app, client_request, signed_in_teacher, subscribed, push_service
):
    app.config["VAPID_SUBJECT"] = ""
    subscribed(signed_in_teacher)
    client_request.post("/reminders/test", data={})
    assert push_service.received == []
    assert "Set VAPID_SUBJECT" in client_request.get("/reminders").text


TEACHER_KINDS = {
    "review_due",
    "review_overdue",
    "check_out_overdue",
    "register_not_taken",
    "absence_reported",
    "session_disputed",
}


def test_a_person_chooses_which_kinds_of_reminder_they_get(client_request, signed_in_teacher):
    page = client_request.get("/reminders")
    boxes = {box["value"]: box.has_attr("checked") for box in page.select('input[name="kinds"]')}
    assert boxes == dict.fromkeys(TEACHER_KINDS, True)

    client_request.post("/reminders", data={"kinds": ["check_out_overdue", "register_not_taken"]})

    opted_out = set(db.session.scalars(sa.select(ReminderOptOut.kind)))
    assert opted_out == {"review_due", "review_overdue", "absence_reported", "session_disputed"}
    page = client_request.get("/reminders")
    boxes = {box["value"]: box.has_attr("checked") for box in page.select('input[name="kinds"]')}
    assert boxes == {
        "review_due": False,
        "review_overdue": False,
        "check_out_overdue": True,
        "register_not_taken": True,
        "absence_reported": False,
        "session_disputed": False,
    }


@pytest.mark.parametrize(
    ("role", "kinds"),
    [
        (Role.TEACHER, TEACHER_KINDS),
        (
            Role.LEAD,
            {
                "review_overdue",
                "check_out_overdue",
                "site_check_due",
                "site_check_overdue",
                "site_action_due",
                "concern_unseen",
                "absence_reported",
                "session_disputed",
                "dispute_open",
            },
        ),
        (Role.PARENT, {"session_to_confirm", "dispute_answered"}),
        (
            Role.ASSESSOR,
            {"site_check_due", "site_check_overdue", "site_action_due", "site_action_overdue"},
        ),
        (Role.ADMIN, {"site_action_due"}),
    ],
)
def test_each_role_is_offered_the_kinds_it_gets(client_request, auth, make_user, role, kinds):
    auth.login(make_user(role))
    page = client_request.get("/reminders")
    assert {box["value"] for box in page.select('input[name="kinds"]')} == kinds


def test_a_kind_the_role_does_not_get_cannot_be_chosen(client_request, auth, make_user):
    auth.login(make_user(Role.LEAD))
    page = client_request.post("/reminders", data={"kinds": ["review_due"]}, expected_status=200)
    assert page.select_one(".govuk-error-summary")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReminderOptOut)) == 0


@pytest.mark.parametrize(
    ("user_agent", "name"),
    [
        (ANDROID_CHROME, "Chrome on Android"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
         "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iPhone"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"),
        ("Mozilla/5.0 (Android 14; Mobile; rv:131.0) Gecko/131.0 Firefox/131.0",
         "Firefox on Android"),
        ("", "A browser"),
    ],
)  # fmt: skip
def test_devices_are_named_by_browser_and_system(user_agent, name):
    assert device_name(user_agent) == name


def test_the_service_worker_is_served_from_the_root_and_not_kept(client):
    with client.get("/sw.js") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        assert "no-cache" in response.headers["Cache-Control"]
        script = response.text
    assert 'addEventListener("push"' in script
    assert 'addEventListener("notificationclick"' in script
