"""The pupil page lists the pupil's visits, and its chronology shows what happened at them."""

from ap_field.common.time import utcnow
from tests.visits.helpers import path_of


def test_the_pupil_page_lists_visits_and_offers_to_record_one(
    client_request, teacher, pupil, make_visit
):
    make_visit(pupil, teacher)
    page = client_request.get(f"/pupils/{pupil.id}")
    section = page.find("h2", string="Home visits").find_next("ul")
    assert "Welfare check" in section.get_text()
    assert "Planned" in section.get_text()
    assert page.find("a", string="Record a visit")["href"] == f"/pupils/{pupil.id}/visits/new"

    listing = client_request.get(f"/pupils/{pupil.id}/visits")
    assert len(listing.select(".app-card")) == 1


def test_visit_events_show_in_the_pupil_chronology(client_request, teacher, pupil, make_visit):
    visit = make_visit(pupil, teacher, starts_at=utcnow())
    client_request.post(f"{path_of(visit)}/arrived", {"expected_finish": "23:59"})
    client_request.post(f"{path_of(visit)}/left", {})
    page = client_request.get(f"/pupils/{pupil.id}")
    chronology = [
        " ".join(entry.get_text().split())
        for entry in page.find("h2", string="Chronology").find_next("ol").select("li")
    ]
    assert "Left a home visit safely, by Tom Okafor" in chronology[0]
    assert "Arrived for a home visit, by Tom Okafor" in chronology[1]
    assert "Home visit planned" in chronology[2]
