"""A repeat check of a site shows each item's answer at the previous check beside it, what
changed, and what was fixed since."""

import uuid
from datetime import datetime, timedelta

import pytest

from ap_field.auth.models import Role
from ap_field.common.time import LONDON
from ap_field.photos.images import clean_photo
from ap_field.premises.models import ActionRisk, Answer, CheckOutcome
from ap_field.premises.services import add_photo, answer_item, sign_off
from tests.helpers import text_of
from tests.premises.helpers import jpeg_bytes, make_check, make_provider

LAST_YEAR = datetime(2025, 11, 3, 14, 0, tzinfo=LONDON)


@pytest.fixture
def assessor(make_user, auth):
    user = make_user(Role.ASSESSOR, name="Sam Patel")
    auth.login(user)
    return user


def no(comment: str) -> dict:
    return {
        "answer": Answer.NO,
        "comment": comment,
        "action_description": "Put it right",
        "action_owner": "The manager",
        "action_risk": ActionRisk.LOW,
        "action_due_on": None,
    }


def answered(check, answers: list[dict], assessor, signed: bool = True):
    for item, values in zip(check.items(), answers, strict=False):
        answer_item(check, item, values)
    for item in check.items()[len(answers) :]:
        answer_item(check, item, {"answer": Answer.YES, "comment": None})
    if signed:
        outcome = {"outcome": CheckOutcome.ACTIONS_REQUIRED, "competence_statement": "IOSH"}
        sign_off(check, outcome, check.version)
    return check


def test_each_item_shows_the_last_answer_and_the_report_what_was_fixed(
    client_request, assessor, clock
):
    provider = make_provider()
    clock.set(LAST_YEAR)
    first = make_check(assessor, provider)
    item = first.items()[0]
    add_photo(first, item, clean_photo(jpeg_bytes()), assessor, uuid.uuid4(), "Pallets")
    answered(first, [no("Fire exit blocked by pallets"), {"answer": Answer.YES}], assessor)

    clock.set(LAST_YEAR + timedelta(days=365))
    second = make_check(assessor, provider)
    page = client_request.get(f"/site-checks/{second.id}/items/{second.items()[0].id}")
    assert text_of(page, ".app-previous").startswith("Last check, 3 Nov 2025, 14:00: No")
    assert "Fire exit blocked by pallets" in text_of(page, ".app-previous")
    assert len(page.select(".app-previous img")) == 1
    assert page.select(".app-change") == []

    answered(
        second, [{"answer": Answer.YES, "comment": None}, no("Extinguisher missing")], assessor
    )
    report = client_request.get(f"/site-checks/{second.id}/report")
    assert "1 item fixed since" in text_of(report, "#fixed-since + p")
    changes = [tag.get_text(strip=True) for tag in report.select(".app-change")]
    assert changes == ["Fixed since", "New problem"]
    pdf = client_request.client.get(f"/site-checks/{second.id}/report.pdf")
    assert pdf.data.startswith(b"%PDF")
    assert pdf.data.count(b"/Subtype /Image") == 0


def test_a_first_check_has_nothing_to_compare(client_request, assessor):
    check = make_check(assessor)
    page = client_request.get(f"/site-checks/{check.id}/items/{check.items()[0].id}")
    assert page.select(".app-previous") == []
    answered(check, [], assessor)
    assert client_request.get(f"/site-checks/{check.id}/report").select("#fixed-since") == []
