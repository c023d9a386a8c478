import hashlib
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from ap_field import PROJECT_ROOT
from ap_field.auth.models import Role, User
from ap_field.demo import DEMO_PASSWORD
from ap_field.extensions import db
from ap_field.pupils.services import assign
from tests.helpers import AuthActions


def test_the_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["name"] == "ap-field"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as icon_response:
            assert icon_response.status_code == 200
            assert icon_response.mimetype == "image/png"


def test_health_answers_while_the_database_does(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_vendored_htmx_is_version_2_0():
    htmx = Path(PROJECT_ROOT, "static/vendor/htmx.min.js").read_text()
    assert 'version:"2.0.' in htmx.replace(" ", "")


def static_hash(path: str) -> str:
    return hashlib.sha256(Path(PROJECT_ROOT, "static", path).read_bytes()).hexdigest()[:12]


def worker_constants(script: str) -> tuple[str, list[str]]:
    version = re.search(r'^const VERSION = "([0-9a-f]+)";$', script, re.M).group(1)
    precache = json.loads(re.search(r"^const PRECACHE = (\[.*?\]);$", script, re.M | re.S).group(1))
    return version, precache


def test_pages_name_each_static_file_by_its_content(client_request):
    page = client_request.get("/sign-in")
    used = [tag["href"] for tag in page.select("link[href^='/static/']")]
    used += [tag["src"] for tag in page.select("script[src]")]
    assert "/static/css/app.css?v=" + static_hash("css/app.css") in used
    assert "/static/vendor/htmx.min.js?v=" + static_hash("vendor/htmx.min.js") in used
    assert "/static/build/every-page.js?v=" + static_hash("build/every-page.js") in used
    assert all(re.search(r"\?v=[0-9a-f]{12}$", url) for url in used)


def test_a_static_file_at_its_hashed_url_is_kept_for_a_year(client):
    hashed = "/static/css/app.css?v=" + static_hash("css/app.css")
    with client.get(hashed) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "Expires" not in response.headers
        assert "Cookie" not in response.vary

    for other in ("/static/css/app.css", "/static/css/app.css?v=0123456789ab"):
        with client.get(other) as response:
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "max-age=300"


def test_the_worker_precaches_every_static_file_pages_use(client, client_request):
    script = client.get("/sw.js").text
    version, precache = worker_constants(script)
    assert len(version) == 12
    assert 'const OFFLINE_URL = "/offline";' in script
    page = client_request.get("/sign-in")
    used = {tag["href"] for tag in page.select("link[href^='/static/']")}
    used |= {tag["src"] for tag in page.select("script[src]")}
    assert used <= set(precache)
    for path in ("icons/icon-192.png", "build/reminders.js", "build/photos.js", "build/page.js"):
        assert f"/static/{path}?v={static_hash(path)}" in precache
    for path in ("js/app.js", "js/outbox/interface.js", "js/drafts.js"):
        assert f"/static/{path}?v={static_hash(path)}" in precache, "what pages kept earlier load"
    assert not any(url.startswith("/static/sw.js") for url in precache)
    assert 'addEventListener("fetch"' in script


def test_a_changed_static_file_or_worker_makes_a_new_version(make_app, tmp_path):
    static = tmp_path / "static"
    shutil.copytree(Path(PROJECT_ROOT, "static"), static)

    def served_worker() -> tuple[str, list[str]]:
        app = make_app()
        app.static_folder = str(static)
        return worker_constants(app.test_client().get("/sw.js").text)

    first_version, first_precache = served_worker()
    assert served_worker()[0] == first_version

    (static / "css/app.css").write_text("body { color: black }")
    css_version, css_precache = served_worker()
    assert css_version != first_version
    assert set(first_precache) - set(css_precache) == {
        "/static/css/app.css?v=" + static_hash("css/app.css")
    }

    with (static / "sw.js").open("a") as worker:
        worker.write("\n// a new worker\n")
    assert served_worker()[0] not in {first_version, css_version}


def test_the_offline_page_holds_nobodys_data(client, make_user, make_pupil):
    teacher = make_user(Role.TEACHER, name="Rowan Teacher")
    assign(make_pupil(legal_name="Casey Jones"), teacher, None)
    AuthActions(client).login(teacher)
    client.get("/caseload")
    anonymous = client.application.test_client()

    response = anonymous.get("/offline")

    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    assert "Rowan Teacher" not in response.text
    assert "Casey Jones" not in response.text
    assert page.select_one('meta[name="ap-session"]') is None
    assert page.select_one("form[data-sign-out]") is None
    assert page.select_one("main a[href='/outbox']").get_text() == "See what is waiting to be sent"


def session_tag_of(client) -> str:
    page = BeautifulSoup(client.get("/account/password").text, "html.parser")
    return page.select_one('meta[name="ap-session"]')["content"]


def test_kept_pages_are_filed_under_a_tag_that_ends_with_the_session(app, make_user):
    first, second = make_user(Role.TEACHER), make_user(Role.TEACHER)
    phone, other_phone = app.test_client(), app.test_client()
    AuthActions(phone).login(first)
    AuthActions(other_phone).login(second)
    tag = session_tag_of(phone)

    assert re.fullmatch(r"[0-9a-f]{32}", tag)
    assert session_tag_of(phone) == tag
    assert session_tag_of(other_phone) != tag
    signed_out = BeautifulSoup(phone.post("/sign-out", follow_redirects=True).text, "html.parser")
    assert signed_out.select_one('meta[name="ap-session"]')["content"] == ""
    AuthActions(phone).login(first)
    assert session_tag_of(phone) not in {tag, ""}


def keep_pages(client, path: str) -> list[str]:
    page = BeautifulSoup(client.get(path).text, "html.parser")
    return json.loads(page.select_one("[data-keep-pages]")["data-keep-pages"])


def test_a_teacher_keeps_their_own_caseload_and_its_forms(client, make_user, make_pupil):
    teacher, colleague = make_user(Role.TEACHER), make_user(Role.TEACHER)
    mine, theirs = make_pupil(), make_pupil()
    assign(mine, teacher, None)
    assign(theirs, colleague, None)
    AuthActions(client).login(teacher)

    pages = keep_pages(client, "/caseload")

    assert pages == [
        "/today",
        "/caseload",
        "/register",
        "/register?session=am",
        "/register?session=pm",
        *[
            f"/pupils/{mine.id}{page}"
            for page in (
                "",
                "/notes/new",
                "/visits/new",
                "/assessments/new",
                "/attendance",
                "/plan",
                "/timetable",
                "/reviews",
                "/notes",
                "/visits",
                "/assessments",
                "/final-report",
                "/concerns/new",
            )
        ],
    ]
    assert not any(f"/pupils/{theirs.id}" in page for page in pages)
    for page in pages:
        with client.get(page) as response:
            assert response.status_code == 200, page


READ_BY_STAFF = [
    "plan",
    "timetable",
    "reviews",
    "notes",
    "visits",
    "assessments",
    "final-report",
    "concerns/new",
]


@pytest.mark.parametrize(
    ("role", "forms"),
    [
        (Role.LEAD, ["notes/new", "visits/new", "assessments/new", "attendance", *READ_BY_STAFF]),
        (Role.ADMIN, ["notes/new", "assessments/new", *READ_BY_STAFF]),
    ],
)
def test_a_pupil_page_keeps_only_the_forms_its_reader_may_open(
    client, make_user, make_pupil, role, forms
):
    pupil = make_pupil()
    AuthActions(client).login(make_user(role))

    pages = keep_pages(client, f"/pupils/{pupil.id}")

    assert pages == [f"/pupils/{pupil.id}"] + [f"/pupils/{pupil.id}/{form}" for form in forms]
    for page in pages:
        with client.get(page) as response:
            assert response.status_code == 200, page


def test_a_static_file_does_not_vary_by_cookie_for_a_signed_in_person(client, auth, make_user):
    auth.login(make_user(Role.TEACHER), remember="y")
    with client.get("/static/css/app.css?v=" + static_hash("css/app.css")) as response:
        assert "Cookie" not in response.vary
        assert "Set-Cookie" not in response.headers
    page = client.get("/today")
    assert "Cookie" in page.vary


def test_every_page_today_and_a_pupil_page_link_to_is_kept(client, make_user, runner):
    """Without signal, a link on Today or on a pupil's page opens its kept copy: kept at its
    own URL, or, for a link whose query string fills a form in, at its path. A record's own
    page (one visit, one note, a safeguarding concern) is not kept, nor the parent invitation,
    whose link only the server can make."""
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    teacher = db.session.scalar(sa.select(User).where(User.email == "teacher1@example.org"))
    AuthActions(client).login(teacher, DEMO_PASSWORD)
    kept = set(keep_pages(client, "/caseload"))
    pupil = keep_pages(client, "/caseload")[5]
    linked = set()
    for path in ("/today", pupil):
        page = BeautifulSoup(client.get(path).text, "html.parser")
        linked |= {link["href"] for link in page.select("main a[href^='/']")}
    record_page = re.compile(
        r"/pupils/\d+/((visits|notes|assessments|concerns)/\d+|invitations/new)$"
    )
    not_kept = {
        link
        for link in linked
        if link not in kept and urlsplit(link).path not in kept and not record_page.match(link)
    }
    assert not_kept == set()
    assert any("?" in link for link in linked)
