import base64
import hashlib
import json

import pytest
from bs4 import BeautifulSoup

from ap_field import create_app
from ap_field.auth.models import Role
from ap_field.common.security import content_security_policy
from ap_field.extensions import db
from ap_field.pwa.services import import_map
from tests.helpers import LANDING, PASSWORD, ClientRequest


@pytest.mark.parametrize("role", list(Role))
def test_signed_in_pages_carry_the_security_headers(client, make_user, auth, role):
    auth.login(make_user(role))
    headers = client.get(LANDING[role][0]).headers
    csp = headers["Content-Security-Policy"]
    for directive in (
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    secure = client.get("/sign-in", base_url="https://localhost").headers
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


def test_static_files_and_the_sign_in_page_may_be_cached(client, make_user, auth):
    assert "no-store" not in client.get("/sign-in").headers.get("Cache-Control", "")
    auth.login(make_user(Role.TEACHER))
    response = client.get("/static/css/app.css")
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_scripts_and_stylesheets_carry_only_the_headers_that_apply_to_them(client):
    for path in ("/static/css/app.css", "/static/build/app.js"):
        with client.get(path) as response:
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "Content-Security-Policy" not in response.headers
            assert "X-Frame-Options" not in response.headers
    with client.get("/static/icons/favicon.png") as icon:
        assert icon.headers["Content-Security-Policy"] == content_security_policy()
    assert client.get("/sw.js").headers["Content-Security-Policy"] == content_security_policy()


def inline_code(html: str) -> list[str]:
    page = BeautifulSoup(html, "html.parser")
    scripts = page.find_all("script", type=lambda kind: kind != "importmap")
    found = [str(tag)[:80] for tag in scripts if not tag.get("src")]
    found += [str(tag)[:80] for tag in page.find_all("style")]
    found += [
        f"{tag.name}[{name}]"
        for tag in page.find_all(True)
        for name in tag.attrs
        if name == "style" or name.startswith("on")
    ]
    return found


def test_no_page_relies_on_inline_script_or_style(client, make_user, auth, make_pupil):
    """The CSP forbids inline code, so no page may carry any."""
    pupil = make_pupil()
    paths = ["/sign-in", "/no-such-page"]
    for path in paths:
        assert inline_code(client.get(path).text) == [], path
    auth.login(make_user(Role.ADMIN))
    paths = [
        "/programme",
        "/pupils",
        "/pupils/new",
        f"/pupils/{pupil.id}",
        f"/pupils/{pupil.id}/edit",
        f"/pupils/{pupil.id}/audit",
        "/admin/users",
        "/admin/users/new",
        "/site-checks",
        "/account/password",
    ]
    for path in paths:
        assert inline_code(client.get(path).text) == [], path


def test_the_import_map_is_the_one_inline_script_and_the_policy_names_it(client):
    """A built module imports another by its plain URL; the page's import map sends each to
    its current bytes, and the policy lets that one inline script run by its hash."""
    response = client.get("/sign-in")
    page = BeautifulSoup(response.text, "html.parser")
    [inline] = page.find_all("script", type="importmap")
    text = import_map()[0]
    digest = base64.b64encode(hashlib.sha256(inline.string.encode()).digest()).decode()
    assert inline.string == text
    assert f"script-src 'self' 'sha256-{digest}'" in response.headers["Content-Security-Policy"]
    imports = json.loads(text)["imports"]
    assert "/static/build/every-page.js" in imports
    for plain, hashed in imports.items():
        assert hashed.startswith(f"{plain}?v=")
        with client.get(hashed) as module:
            assert "immutable" in module.headers["Cache-Control"]


@pytest.fixture
def production_app(migrated, monkeypatch):
    """The app as production configures it: only the database and key are the tests'."""
    monkeypatch.delenv("AP_FIELD_ENV", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": migrated, "SECRET_KEY": "production-test"})
    yield app
    with app.app_context():
        db.engine.dispose()


def test_session_cookies_are_secure_httponly_and_lax_outside_development(production_app, make_user):
    user = make_user(Role.TEACHER)
    client = production_app.test_client()
    form = ClientRequest(client).get("/sign-in", base_url="https://localhost")
    token = form.select_one("input[name=csrf_token]")["value"]
    response = client.post(
        "/sign-in",
        data={"email": user.email, "password": PASSWORD, "remember": "y", "csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/sign-in"},
    )
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("ap_field_session="))
    remember_cookie = next(c for c in cookies if c.startswith("ap_field_remember="))
    for cookie in (session_cookie, remember_cookie):
        assert "Secure" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie


def test_development_cookies_work_over_plain_http(monkeypatch, migrated):
    monkeypatch.setenv("AP_FIELD_ENV", "development")
    app = create_app({"SQLALCHEMY_DATABASE_URI": migrated, "SECRET_KEY": "x"})
    assert app.config["SESSION_COOKIE_SECURE"] is False
    monkeypatch.delenv("AP_FIELD_ENV")
    app = create_app({"SQLALCHEMY_DATABASE_URI": migrated, "SECRET_KEY": "x"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
