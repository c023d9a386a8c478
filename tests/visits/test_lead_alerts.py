"""The lead's Programme page: overdue check-outs and safeguarding concerns not yet seen."""

import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.visits.models import HomeVisit
from ap_field.visits.queries import overdue_check_outs, unseen_safeguarding_flags
from tests.helpers import text_of
from tests.visits.helpers import path_of


def test_an_overdue_check_out_shows_on_the_leads_programme_page(
    client_request, auth, make_user, make_visit, pupil, teacher, overdue
):
    make_visit(pupil, teacher)
    assert overdue_check_outs() == [overdue]

    auth.logout()
    auth.login(make_user(Role.LEAD))
    page = client_request.get("/programme")
    alert = page.find("h2", string="Check-outs overdue")
    assert alert is not None
    cards = alert.find_next("ul").select(".app-card")
    assert len(cards) == 1
    assert "Tom Okafor, visiting Jayden Clarke" in text_of(cards[0], ".app-card__title")
    assert cards[0].select_one("a")["href"] == path_of(overdue)

    visit_page = client_request.get(path_of(overdue))
    assert "Check-out overdue" in text_of(visit_page, ".govuk-warning-text")
    button = text_of(visit_page, "main form button")
    assert button == "Confirm Tom Okafor has left safely"
    client_request.post(f"{path_of(overdue)}/left", {})
    assert overdue_check_outs() == []
    assert client_request.get("/programme").find("h2", string="Check-outs overdue") is None


def test_a_flagged_visit_shows_on_the_leads_page_at_once_until_seen(
    client_request, teacher, pupil, visit_form, lead_phone
):
    form = visit_form(safeguarding_concern="y", safeguarding_details="Bruising on his forearm")
    response = client_request.post(f"/pupils/{pupil.id}/visits/new", form)
    visit = db.session.scalars(sa.select(HomeVisit)).one()
    assert unseen_safeguarding_flags() == [visit]

    page = lead_phone.get("/programme")
    cards = page.find("h2", string="Safeguarding concerns to read").find_next("ul")
    assert "Jayden Clarke" in cards.get_text()
    assert cards.select_one("a")["href"] == response.location

    visit_page = lead_phone.get(response.location)
    assert "Bruising on his forearm" in text_of(visit_page, ".govuk-inset-text")
    seen_form = visit_page.find("button", string="Mark as seen").find_parent("form")
    version = seen_form.select_one("input[name=version]")["value"]
    lead_phone.post(seen_form["action"], {"version": version})

    assert unseen_safeguarding_flags() == []
    assert lead_phone.get("/programme").find("h2", string="Safeguarding concerns to read") is None
    assert "Seen by Lena Brooks" in lead_phone.get(response.location).get_text()
