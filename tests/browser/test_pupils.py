"""A lead adds a pupil on a phone and assigns them; the teacher then sees them."""

import re

from playwright.sync_api import expect

from ap_field.auth.models import Role
from tests.browser.conftest import open_from_menu, sign_in_by_requests
from tests.helpers import school_named, valid_upn


def test_a_lead_creates_and_assigns_a_pupil_who_appears_in_the_caseload(
    new_phone, live_server, make_user
):
    lead = make_user(Role.LEAD)
    school_named("Northside Academy")
    teacher = make_user(Role.TEACHER, name="Tom Okafor")
    phone = new_phone()
    sign_in_by_requests(phone, lead.email)

    open_from_menu(phone, "Pupils")
    phone.get_by_role("link", name="Add a pupil").tap()
    phone.get_by_label("Legal name").fill("Jordan Ellis")
    phone.get_by_label("Date of birth").fill("2011-05-01")
    expect(phone.locator("#nc-year")).to_contain_text("Year 11 this academic year")
    phone.get_by_label("Male", exact=True).check()
    phone.get_by_label("Ethnicity").select_option("WBRI")
    phone.get_by_label("Case number").fill("AP-7001")
    phone.get_by_label("Unique Pupil Number (UPN)").fill(valid_upn(701))
    phone.get_by_label("School on roll").select_option(label="Northside Academy")
    phone.get_by_label("Emotionally based school avoidance").check()
    phone.get_by_label("Planned hours per week").fill("25")
    phone.get_by_role("button", name="Save record").tap()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Jordan Ellis")
    expect(phone.get_by_role("alert")).to_contain_text("record is saved")

    phone.get_by_role("link", name="Assign a teacher").tap()
    phone.get_by_label("Community teacher").select_option(label="Tom Okafor (0 of 5)")
    phone.get_by_role("button", name="Assign").tap()
    expect(phone.get_by_role("alert")).to_contain_text("now in Tom Okafor's caseload")

    teachers_phone = new_phone()
    sign_in_by_requests(teachers_phone, teacher.email)
    open_from_menu(teachers_phone, "Caseload")
    card = teachers_phone.locator(".app-card", has_text="Jordan Ellis")
    expect(card).to_contain_text("Year 11")
    card.tap()
    expect(teachers_phone).to_have_url(re.compile(r"/pupils/\d+$"))
    expect(teachers_phone.get_by_role("heading", level=1)).to_have_text("Jordan Ellis")


def test_live_search_narrows_the_list_as_the_lead_types(phone, make_user, make_pupil):
    make_pupil(legal_name="Casey Jones")
    make_pupil(legal_name="Robin Hood")
    sign_in_by_requests(phone, make_user(Role.LEAD).email)
    phone.goto("/pupils")
    results = phone.locator("#pupil-results .app-card")
    expect(results).to_have_count(2)

    phone.get_by_label("Search by name, UPN or case number").fill("rob")

    expect(results).to_have_count(1)
    expect(results).to_contain_text("Robin Hood")
    expect(phone).to_have_url(re.compile(r"/pupils\?q=rob$"))
