"""The lead's pupil list: live search and filters."""

from datetime import timedelta
from decimal import Decimal

import pytest

from ap_field.auth.models import Role
from ap_field.common.time import london_today
from ap_field.pupils.models import PupilStatus
from ap_field.pupils.queries import PAGE_SIZE
from ap_field.pupils.services import assign
from tests.helpers import school_named


@pytest.fixture
def lead(make_user, auth):
    user = make_user(Role.LEAD)
    auth.login(user)
    return user


def names(page) -> list[str]:
    return [" ".join(a.get_text().split()) for a in page.select("#pupil-results .app-card__title")]


def test_search_by_name_upn_or_case_number(client_request, lead, make_pupil):
    casey = make_pupil(legal_name="Casey Jones", preferred_name="Cas")
    make_pupil(legal_name="Robin Hood")
    assert names(client_request.get("/pupils?q=jones")) == ["Cas"]
    assert names(client_request.get(f"/pupils?q={casey.upn.lower()}")) == ["Cas"]
    assert names(client_request.get(f"/pupils?q={casey.case_number}")) == ["Cas"]
    assert names(client_request.get("/pupils?q=nobody")) == []


def test_htmx_gets_only_the_results_and_the_full_page_url(client, client_request, lead, make_pupil):
    make_pupil(legal_name="Casey Jones")
    response = client.get("/pupils/results?q=casey", headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<div id="pupil-results">')
    assert "<html" not in response.text
    assert response.headers["HX-Push-Url"] == "/pupils?q=casey"


def test_filters(client_request, lead, make_user, make_pupil):
    today = london_today()
    teacher = make_user(Role.TEACHER)
    short = make_pupil(legal_name="Short Hours", planned_hours_per_week=Decimal("24.5"))
    make_pupil(legal_name="Full Hours", planned_hours_per_week=Decimal("25"))
    make_pupil(legal_name="Overdue", review_date=today - timedelta(days=1))
    make_pupil(legal_name="Referred", status=PupilStatus.REFERRED)
    make_pupil(legal_name="Other School", school_id=school_named("Riverside High School").id)
    assign(short, teacher, lead)

    assert names(client_request.get("/pupils?show=under-25-hours")) == ["Short Hours"]
    assert names(client_request.get("/pupils?show=review-overdue")) == ["Overdue"]
    assert names(client_request.get("/pupils?status=referred")) == ["Referred"]
    assert names(client_request.get(f"/pupils?teacher={teacher.id}")) == ["Short Hours"]
    riverside = school_named("Riverside High School")
    assert names(client_request.get(f"/pupils?school={riverside.id}")) == ["Other School"]
    page = client_request.get("/pupils?show=under-25-hours&show=review-overdue")
    assert names(page) == []


def test_the_filters_keep_the_chosen_teacher_and_school_and_escape_their_names(
    client_request, lead, make_user
):
    teacher = make_user(Role.TEACHER, name="Tom <b>Okafor</b>")
    school = school_named("Riverside & Hill School")
    page = client_request.get(f"/pupils?teacher={teacher.id}&school={school.id}")
    [chosen_teacher] = page.select("#teacher option[selected]")
    assert (chosen_teacher["value"], chosen_teacher.get_text()) == (
        str(teacher.id),
        "Tom <b>Okafor</b>",
    )
    assert page.select_one("#teacher b") is None
    [chosen_school] = page.select("#school option[selected]")
    assert chosen_school.get_text() == "Riverside & Hill School"
    assert page.select_one("#teacher option")["value"] == ""


def test_the_list_is_paginated(client_request, lead, make_pupil):
    for number in range(PAGE_SIZE + 3):
        make_pupil(legal_name=f"Pupil {number:03d}")
    first = client_request.get("/pupils")
    assert len(names(first)) == PAGE_SIZE
    next_link = first.select_one(".govuk-pagination__next a")["href"]
    assert len(names(client_request.get(next_link))) == 3


def test_the_caseload_shows_only_the_teachers_own_pupils(
    app, client_request, make_user, make_pupil, auth
):
    lead = make_user(Role.LEAD)
    teacher = make_user(Role.TEACHER)
    mine = make_pupil(legal_name="Mine", review_date=london_today() - timedelta(days=2))
    make_pupil(legal_name="Not Mine")
    assign(mine, teacher, lead)
    auth.login(teacher)
    page = client_request.get("/caseload")
    cards = [" ".join(card.get_text().split()) for card in page.select(".app-card")]
    assert len(cards) == 1
    assert cards[0].startswith("Mine Year")
    assert "Review overdue" in cards[0]
