"""Each role's start page shows that role's part of the programme, and no more."""

import pytest
import sqlalchemy as sa

from ap_field.auth.models import User
from ap_field.demo import DEMO_PASSWORD
from ap_field.extensions import db
from tests.helpers import AuthActions, ClientRequest, text_of


@pytest.fixture(scope="module")
def transaction(module_transaction):
    """The demo programme below is seeded once for the module."""
    return module_transaction


@pytest.fixture(scope="module")
def demo(transaction, rollback_app):
    result = rollback_app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output


def sign_in_as(app, email: str) -> ClientRequest:
    client = app.test_client()
    user = db.session.scalar(sa.select(User).where(User.email == email))
    AuthActions(client).login(user, DEMO_PASSWORD)
    return ClientRequest(client)


def card_titles(page) -> list[str]:
    return [" ".join(h.get_text().split()) for h in page.select(".app-card__title")]


def test_a_teacher_sees_their_own_block_of_five(app, demo):
    page = sign_in_as(app, "teacher1@example.org").get("/caseload")
    assert card_titles(page) == ["Jayden Clarke", "Kacper Nowak", "Millie", "Ollie", "Tiana Mensah"]
    assert "5 of 5 pupils" in page.get_text()
    today = sign_in_as(app, "teacher1@example.org").get("/today")
    block = [" ".join(li.get_text().split()) for li in today.select("h2 + p + ul.govuk-list li")]
    assert block == ["Jayden Clarke", "Kacper Nowak", "Millie", "Ollie", "Tiana Mensah"]
    other = sign_in_as(app, "teacher2@example.org").get("/today")
    assert "Jayden Clarke" not in other.get_text()


def test_a_parent_sees_only_their_child(app, demo):
    page = sign_in_as(app, "parent3@example.org").get("/my-child")
    assert text_of(page, "h1") == "My child"
    assert [h2.get_text(strip=True) for h2 in page.select("main h2")] == ["Kacper Nowak"]


def test_an_assessor_sees_the_providers_and_no_pupil(app, demo):
    page = sign_in_as(app, "assessor@example.org").get("/site-checks")
    assert card_titles(page) == [
        "Hillcrest Independent School: Main site",
        "Riverside Motor Skills: Main site",
        "Riverside Motor Skills: Main site",
        "Hillcrest Independent School",
        "Northside Pupil Referral Unit",
        "Riverside Motor Skills",
    ]
    assert "Jayden" not in page.get_text()


def test_the_lead_sees_the_programme(app, demo):
    page = sign_in_as(app, "lead@example.org").get("/programme")
    stats = {
        text_of(stat, ".app-stat__label"): text_of(stat, ".app-stat__number")
        for stat in page.select(".app-stat-grid:not(#figures) .app-stat")
    }
    assert stats == {
        "Referred": "1",
        "Assessing": "1",
        "Active": "10",
        "Reintegrating": "0",
        "Closed": "1",
    }
    caseloads = page.select(".app-table tbody tr")
    rows = [" ".join(row.get_text().split()) for row in caseloads]
    assert rows == ["Grace Whitfield 5 of 5", "Tom Okafor 5 of 5"]


def test_navigation_matches_the_role(app, demo):
    def links(email: str) -> list[str]:
        page = sign_in_as(app, email).get("/", follow_redirects=True)
        return [" ".join(a.get_text().split()) for a in page.select("#navigation li")]

    page = sign_in_as(app, "teacher1@example.org").get("/", follow_redirects=True)
    assert text_of(page, "header form[data-sign-out] button") == "Sign out", "beside the menu"
    assert links("teacher1@example.org") == [
        "Today",
        "Register",
        "Caseload",
        "Reminders",
        "Account",
    ]
    assert links("admin@example.org") == [
        "Programme",
        "Pupils",
        "Attendance",
        "Schools",
        "Providers",
        "Site checks",
        "Exports",
        "Users",
        "Reminders",
        "Account",
    ]


def test_the_current_page_is_marked_in_the_navigation(app, demo):
    page = sign_in_as(app, "lead@example.org").get("/site-checks")
    current = page.select_one("#navigation [aria-current=page]")
    assert " ".join(current.get_text().split()) == "Site checks"


def test_the_lead_sees_overdue_reviews_and_the_list_behind_them(app, demo):
    page = sign_in_as(app, "lead@example.org").get("/programme")
    link = page.select_one("a[href='/pupils?show=review-overdue']")
    assert text_of(link, ".app-stat__number") == "2"
    assert "Reviews overdue" in link.get_text()
    listed = sign_in_as(app, "lead@example.org").get(link["href"])
    assert [
        card.get_text(" ", strip=True).split(" Case")[0] for card in listed.select(".app-card")
    ] == [
        "Tiana Mensah",
        "Zara Ahmed",
    ]


def test_the_demo_programme_shows_its_impact(app, demo):
    """Each measure has pupils behind it and counts some of them."""
    page = sign_in_as(app, "lead@example.org").get("/impact")
    for measure in ("attendance", "academic", "destination"):
        counted, of = text_of(page.find(id=measure).find_next("p"), ".app-stat__number").split(
            " of "
        )
        assert int(of) > 0 and int(counted) > 0, measure
