import pytest

from ap_field import create_app
from ap_field.auth.models import Role

SIGNED_IN_PAGES = {
    Role.TEACHER: "/today",
    Role.PARENT: "/my-child",
    Role.ASSESSOR: "/site-checks",
    Role.LEAD: "/programme",
    Role.ADMIN: "/admin/users",
}


@pytest.mark.parametrize("role", list(Role))
def test_signed_in_pages_carry_the_security_headers(client, make_user, auth, role):
    auth.login(make_user(role))
    headers = client.get(SIGNED_IN_PAGES[role]).headers
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


def test_no_inline_script_or_style_in_any_page(client, make_user, auth):
    """The CSP forbids inline code, so no template may rely on it."""
    auth.login(make_user(Role.ADMIN))
    for path in ("/programme", "/admin/users", "/admin/users/new", "/site-checks"):
        html = client.get(path).text
        assert "<script>" not in html
        assert " style=" not in html
        assert " onclick=" not in html


@pytest.fixture
def production_app(make_app):
    return make_app(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)


def test_session_cookies_are_secure_httponly_and_lax_outside_development(production_app, make_user):
    user = make_user(Role.TEACHER)
    client = production_app.test_client()
    response = client.post(
        "/sign-in",
        data={"email": user.email, "password": "correct-staple-meadow", "remember": "y"},
        base_url="https://localhost",
    )
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
