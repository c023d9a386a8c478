"""A competent person on a phone: starts a check, adds two photos, answers one item No with
its action, signs off, and prints the report."""

import hashlib
import io
import re
import uuid
from datetime import date, timedelta

import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from ap_field.auth.models import Role
from ap_field.common.time import format_long_date, london_today
from ap_field.extensions import db
from ap_field.mail.services import send_pending
from ap_field.photos.models import Photo
from ap_field.photos.storage import photo_store
from ap_field.premises.models import (
    ActionRisk,
    ActionStatus,
    CheckStatus,
    SiteAction,
    SiteCheck,
)
from ap_field.premises.services import add_template_version, start_check
from tests.browser.conftest import (
    mark_the_photo,
    sign_in_by_requests,
    sign_the_check,
    wait_for_the_service_worker,
)
from tests.browser.test_outbox import NO_SIGNAL
from tests.browser.test_shell import no_sideways_scrolling
from tests.photos.test_images import phone_photo
from tests.premises.helpers import make_provider
from tests.premises.test_action_links import signed_off_with_action

OWNER = "manager@riverside.example.org"
SHORT_CHECK = """
# Physical check of the premises
- Fire precautions
- Housekeeping
- Guarding of machines
"""


def test_an_assessor_completes_a_check_with_photos_and_prints_the_report(
    phone, live_server, make_user, tmp_path
):
    assessor = make_user(Role.ASSESSOR, name="Sam Patel")
    make_provider("Riverside Motor Skills")
    add_template_version("Quick premises check", "Test", SHORT_CHECK, assessor, uuid.uuid4())
    big_photo = tmp_path / "IMG_0001.jpg"
    big_photo.write_bytes(phone_photo(size=(3000, 2000)))
    second = tmp_path / "IMG_0002.png"
    Image.new("RGB", (1200, 900), (250, 200, 0)).save(second)
    sign_in_by_requests(phone, assessor.email)

    phone.get_by_role("link", name="Start a check").tap()
    phone.get_by_label("Provider and site").select_option(label="Riverside Motor Skills: Main site")
    phone.get_by_label("Quick premises check (version 1)").check()
    phone.get_by_role("button", name="Start the check").tap()
    expect(phone.locator("#progress")).to_have_text("0 of 3 items answered.")
    phone.get_by_role("link", name="Start").tap()

    expect(
        phone.get_by_text("Do not photograph children unless their consent is recorded")
    ).to_be_visible()
    for path, caption in ((big_photo, "Fire exit sign"), (second, "Extinguisher by the door")):
        phone.get_by_label("Take or choose a photo").set_input_files(path)
        expect(phone.get_by_role("button", name="Add photo")).to_be_enabled()
        phone.get_by_label("Caption").fill(caption)
        count = phone.locator(".app-photo").count()
        phone.get_by_role("button", name="Add photo").tap()
        expect(phone.locator(".app-photo")).to_have_count(count + 1)
    expect(phone.locator(".app-photo__caption")).to_have_text(
        ["Fire exit sign", "Extinguisher by the door"]
    )
    no_sideways_scrolling(phone)
    phone.get_by_label("Yes", exact=True).check()
    phone.get_by_label("Comment").fill("Signed exits, extinguishers in date")
    phone.get_by_role("button", name="Save and continue").tap()

    expect(phone.locator("h1")).to_have_text("Housekeeping")
    phone.get_by_label("No", exact=True).check()
    phone.get_by_role("button", name="Save and continue").tap()
    expect(phone.locator(".govuk-error-summary")).to_contain_text(
        "Enter a comment saying what is wrong"
    )
    phone.get_by_label("Comment").fill("Offcuts on the workshop floor")
    phone.get_by_label("Action: what needs doing").fill("Clear the floor after each session")
    phone.get_by_label("Who will do it").fill("Workshop manager")
    phone.get_by_label("High: within 1 day").check()
    phone.get_by_role("button", name="Save and continue").tap()

    expect(phone.locator("h1")).to_have_text("Guarding of machines")
    phone.get_by_label("Not applicable").check()
    phone.get_by_role("button", name="Save and continue").tap()

    expect(phone.locator("#progress")).to_have_text("3 of 3 items answered.")
    phone.get_by_role("link", name="Outcome and sign-off").tap()
    answers = phone.locator(".app-check-answers .govuk-summary-list__row")
    expect(answers).to_have_count(3)
    expect(answers.nth(1)).to_contain_text("Offcuts on the workshop floor")
    expect(answers.get_by_role("link", name="Change")).to_have_count(3)
    phone.get_by_label("Actions required").check()
    phone.get_by_label("Your competence to make this check").fill("NEBOSH General Certificate")
    phone.get_by_label("I made this check in person").check()
    sign_the_check(phone)
    phone.get_by_role("button", name="Sign off the check").tap()
    expect(phone.locator(".govuk-panel__title")).to_have_text("Site check signed off")
    revisit = london_today() + timedelta(days=1)
    expect(phone.locator("#next-check")).to_contain_text(
        f"needs a re-visit by {format_long_date(revisit)}"
    )
    phone.get_by_role("link", name="Read the report").tap()

    expect(phone.locator(".app-report__answers img")).to_have_count(2)
    expect(phone.locator(".app-signatures img")).to_have_count(2)
    expect(phone.locator(".app-signatures")).to_contain_text("Dee Okafor")
    for thumbnail in phone.locator(".app-report img").all():
        expect(thumbnail).to_have_js_property("complete", True)
        assert thumbnail.evaluate("img => img.naturalWidth") > 0
    expect(phone.locator(".app-report__answers")).to_contain_text("Offcuts on the workshop floor")
    expect(phone.locator(".app-actions")).to_contain_text("Clear the floor after each session")
    expect(phone.locator(".app-actions")).to_contain_text("High risk")
    phone.emulate_media(media="print")
    expect(phone.locator(".govuk-template__header")).to_be_hidden()
    expect(phone.get_by_role("button", name="Print")).to_be_hidden()
    pdf = phone.pdf(format="A4")
    assert pdf.startswith(b"%PDF")

    check = db.session.scalar(sa.select(SiteCheck))
    assert check.status == CheckStatus.SIGNED_OFF
    photos = list(db.session.scalars(sa.select(Photo).order_by(Photo.id)))
    assert [max(photo.width, photo.height) for photo in photos] == [1600, 1200]
    # The phone sent its own smaller JPEG, not the camera's file.
    assert photos[0].upload_sha256 != hashlib.sha256(big_photo.read_bytes()).hexdigest()
    stored = Image.open(io.BytesIO(photo_store().read(photos[0].stored_name)))
    assert dict(stored.getexif()) == {}


def test_a_photo_chosen_but_not_added_is_not_lost_without_a_word(
    phone, live_server, make_user, tmp_path
):
    assessor = make_user(Role.ASSESSOR, name="Sam Patel")
    provider = make_provider("Riverside Motor Skills")
    template = add_template_version(
        "Quick premises check", "Test", SHORT_CHECK, assessor, uuid.uuid4()
    )
    check = start_check(provider.sites[0], template, assessor, None, uuid.uuid4())
    first, second, _ = check.items()
    photo = tmp_path / "IMG_0003.jpg"
    photo.write_bytes(phone_photo(size=(1200, 900)))
    sign_in_by_requests(phone, assessor.email)
    summary = phone.locator(".govuk-error-summary")
    not_added = "Add the photo you chose, or continue without it"

    # Saving the answer with a photo chosen: the page says so, and adds it when asked.
    phone.goto(f"/site-checks/{check.id}/items/{first.id}")
    phone.get_by_label("Take or choose a photo").set_input_files(photo)
    expect(phone.get_by_role("button", name="Add photo")).to_be_enabled()
    phone.get_by_label("Yes", exact=True).check()
    phone.get_by_role("button", name="Save and continue").tap()
    expect(summary).to_contain_text(not_added)
    expect(summary).to_be_focused()
    expect(phone.locator("#photo-not-added")).to_have_text(f"Error: {not_added}")
    expect(phone.locator("h1")).to_have_text("Fire precautions")
    phone.get_by_role("button", name="Add photo").tap()
    expect(phone.locator(".app-photo")).to_have_count(1)
    expect(summary).to_have_count(0)
    phone.get_by_role("button", name="Save and continue").tap()
    expect(phone.locator("h1")).to_have_text("Housekeeping")

    # Or the person goes on without it: the answer is saved, the photo is not.
    phone.get_by_label("Take or choose a photo").set_input_files(photo)
    expect(phone.get_by_role("button", name="Add photo")).to_be_enabled()
    phone.get_by_label("Not applicable").check()
    phone.get_by_role("button", name="Save and continue").tap()
    expect(summary).to_contain_text(not_added)
    phone.get_by_role("button", name="Continue without the photo").tap()
    expect(phone.locator("h1")).to_have_text("Guarding of machines")

    # Leaving by a link says so too.
    phone.get_by_label("Take or choose a photo").set_input_files(photo)
    expect(phone.get_by_role("button", name="Add photo")).to_be_enabled()
    phone.get_by_role("link", name="The checklist").tap()
    expect(summary).to_contain_text(not_added)
    expect(phone.locator("h1")).to_have_text("Guarding of machines")
    phone.get_by_role("button", name="Continue without the photo").tap()
    expect(phone.locator("#progress")).to_have_text("2 of 3 items answered.")

    assert db.session.scalar(sa.select(sa.func.count(Photo.id))) == 1
    answers = {answer.item_id: answer for answer in db.session.get(SiteCheck, check.id).answers}
    assert [len(answers[item.id].photos) for item in (first, second)] == [1, 0]


def test_actions_are_followed_from_the_check_to_the_providers_phone_and_the_report(
    new_phone, live_server, make_user, mailbox, clock, tmp_path
):
    """Two answers of No raise a high and a low action; the provider closes the high one from
    the emailed link with a photo; the competent person verifies it; the low one goes overdue
    and the provider shows amber; the PDF report carries the marked photo and both signatures."""
    clock(10, 0, on=date(2026, 11, 2))
    assessor = make_user(Role.ASSESSOR, name="Sam Patel")
    lead = make_user(Role.LEAD)
    provider = make_provider("Riverside Motor Skills")
    template = add_template_version(
        "Quick premises check", "Test", SHORT_CHECK, assessor, uuid.uuid4()
    )
    check = start_check(provider.sites[0], template, assessor, None, uuid.uuid4())
    fire = check.items()[0]
    photo = tmp_path / "IMG_0007.jpg"
    photo.write_bytes(phone_photo(size=(1200, 900)))
    phone = new_phone()
    sign_in_by_requests(phone, assessor.email)

    phone.goto(f"/site-checks/{check.id}/items/{fire.id}")
    phone.get_by_label("Take or choose a photo").set_input_files(photo)
    mark_the_photo(phone)
    expect(phone.get_by_role("button", name="Add photo")).to_be_enabled()
    phone.get_by_label("Caption").fill("Fire exit blocked")
    phone.get_by_role("button", name="Add photo").tap()
    expect(phone.locator(".app-photo")).to_have_count(1)
    expect(phone.get_by_role("link", name="the photo without marks")).to_be_visible()
    for values in (
        ("Fire exit blocked by pallets", "Clear the fire exit", OWNER, "High: within 1 day"),
        ("Offcuts on the floor", "Sweep the floor daily", "", "Low: within 28 days"),
    ):
        comment, action, email, risk = values
        expect(phone.locator("h1")).to_have_text("Fire precautions" if email else "Housekeeping")
        phone.get_by_label("No", exact=True).check()
        phone.get_by_label("Comment").fill(comment)
        phone.get_by_label("Action: what needs doing").fill(action)
        phone.get_by_label("Who will do it").fill("Workshop manager")
        phone.get_by_label("Their email (optional)").fill(email)
        phone.get_by_label(risk).check()
        phone.get_by_role("button", name="Save and continue").tap()
    expect(phone.locator("h1")).to_have_text("Guarding of machines")
    phone.get_by_label("Yes", exact=True).check()
    phone.get_by_role("button", name="Save and continue").tap()
    expect(phone.locator("#progress")).to_have_text("3 of 3 items answered.")
    phone.get_by_role("link", name="Outcome and sign-off").tap()
    phone.get_by_label("Actions required").check()
    phone.get_by_label("Your competence to make this check").fill("NEBOSH General Certificate")
    phone.get_by_label("I made this check in person").check()
    sign_the_check(phone)
    phone.get_by_role("button", name="Sign off the check").tap()
    expect(phone.locator("#next-check")).to_contain_text("re-visit by Tuesday 3 November 2026")

    [mail] = mailbox.wait_for(1)
    assert mail["To"] == OWNER
    providers_phone = new_phone()
    providers_phone.goto(re.search(r"http://\S+/action-links/\S+", mail.get_content())[0])
    expect(providers_phone.locator("#action-description")).to_have_text("Clear the fire exit")
    providers_phone.get_by_label("Take or choose a photo that shows it is done").set_input_files(
        photo
    )
    providers_phone.get_by_label("What was done").fill("Pallets moved to the yard")
    expect(providers_phone.get_by_role("button", name="Send")).to_be_enabled()
    providers_phone.get_by_role("button", name="Send").tap()
    expect(providers_phone.locator(".govuk-panel__title")).to_have_text("Action sent")

    phone.bring_to_front()
    phone.goto("/site-actions")
    phone.get_by_role("link", name="Clear the fire exit").tap()
    expect(phone.locator("#evidence img")).to_have_count(1)
    phone.get_by_label("I have checked it is done: verified").check()
    phone.get_by_role("button", name="Save the update").tap()
    expect(phone.locator(".govuk-summary-list")).to_contain_text("Verified")

    clock(10, 0, on=date(2026, 12, 1))
    leads_phone = new_phone()
    sign_in_by_requests(leads_phone, lead.email)
    leads_phone.goto(f"/providers/{provider.id}")
    overdue = leads_phone.locator(".app-flag", has_text="A low-risk action")
    expect(overdue.locator(".govuk-tag--orange")).to_have_text("Site check actions")
    expect(leads_phone.locator(".app-flag--stop")).to_have_count(0)
    leads_phone.goto("/programme")
    expect(leads_phone.locator("#figures")).to_contain_text(
        "0 Providers with an overdue high-risk action"
    )

    pdf = leads_phone.request.get(f"/site-checks/{check.id}/report.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    body = pdf.body()
    # The marked photo (not its original), the provider's evidence and the two signatures.
    assert body.startswith(b"%PDF") and body.count(b"/Subtype /Image") == 4
    db.session.expire_all()
    [original] = db.session.get(SiteCheck, check.id).answers[0].photos
    assert original.annotated is not None
    assert db.session.get(SiteCheck, check.id).next_due_on == date(2026, 11, 3)


def test_a_provider_with_no_signal_keeps_the_photo_and_note_until_it_can_send_them(
    new_phone, live_server, make_user, mailbox, tmp_path, expected_errors
):
    expected_errors.append(NO_SIGNAL)
    action = signed_off_with_action(make_user(Role.ASSESSOR), risk=ActionRisk.MEDIUM)
    send_pending()
    [mail] = mailbox.wait_for(1)
    link = re.search(r"(?:http://\S+)?(/action-links/\S+)", mail.get_content())[1]
    photo = tmp_path / "IMG_0009.jpg"
    photo.write_bytes(phone_photo(size=(1200, 900)))

    phone = new_phone()
    phone.goto(link)
    wait_for_the_service_worker(phone)
    phone.context.set_offline(True)
    phone.get_by_label("Take or choose a photo that shows it is done").set_input_files(photo)
    phone.get_by_label("What was done").fill("Pallets moved to the yard")
    expect(phone.get_by_role("button", name="Send")).to_be_enabled()
    phone.get_by_role("button", name="Send").tap()
    expect(phone.locator("[data-link-waiting]")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(SiteAction, action.id).status == ActionStatus.OPEN

    phone.context.set_offline(False)
    expect(phone.locator(".govuk-panel__title")).to_have_text("Action sent", timeout=15_000)
    db.session.expire_all()
    action = db.session.get(SiteAction, action.id)
    assert (action.status, action.done_note) == (ActionStatus.DONE, "Pallets moved to the yard")
    assert len(action.evidence) == 1
