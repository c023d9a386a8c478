"""The lead's Programme page: overdue check-outs and safeguarding concerns not yet seen."""

from ap_field.auth.models import Role, SafeguardingRole
from ap_field.safeguarding.services import mark_seen
from ap_field.visits.queries import overdue_check_outs
from tests.helpers import AuthActions, ClientRequest, text_of
from tests.safeguarding.helpers import make_concern
from tests.visits.helpers import path_of

UNSEEN = "Safeguarding concerns not yet seen"


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


def test_an_unseen_concern_is_counted_on_the_leads_page_without_a_name_until_seen(
    app, teacher, pupil, made, lead_phone, make_user
):
    concern = make_concern(pupil, teacher, visit=made, what_happened="Bruising on his forearm")

    page = lead_phone.get("/programme")
    section = page.find("h2", string=UNSEEN).find_next("p")
    assert "1 safeguarding concern has not yet been seen" in section.get_text()
    assert "Jayden Clarke" not in page.get_text()
    assert "Bruising" not in page.get_text()
    assert section.find("a") is None, "a lead without the duty is not sent to the DSL's page"

    dsl = make_user(Role.LEAD, safeguarding_role=SafeguardingRole.DSL)
    dsl_phone = ClientRequest(app.test_client())
    AuthActions(dsl_phone.client).login(dsl)
    dsl_section = dsl_phone.get("/programme").find(
        "h2", string="Safeguarding concerns not yet seen"
    )
    assert dsl_section.find_next("p").find("a")["href"] == "/safeguarding"

    mark_seen(concern, dsl, concern.version)
    assert (
        lead_phone.get("/programme").find("h2", string="Safeguarding concerns not yet seen") is None
    )
