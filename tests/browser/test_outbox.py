"""Forms that survive no signal: what is submitted offline waits on the phone and reaches the
server exactly once, whatever the connection and the server do in between."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, Route, expect

from ap_field.assessments.models import Assessment
from ap_field.auth.devices import sign_out_everywhere
from ap_field.auth.models import Role
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.photos.models import Photo
from ap_field.premises.models import CheckStatus, SiteCheck
from ap_field.pupils.services import assign
from ap_field.sessions.models import SessionNote
from tests.browser.conftest import (
    CHROMIUM_ARGS,
    PHONE,
    chromium_executable,
    sign_in_by_requests,
    sign_the_check,
)
from tests.helpers import PASSWORD
from tests.photos.test_images import phone_photo
from tests.premises.helpers import answer_everything, make_check, make_provider

SAVED = "Saved on this phone, not sent yet"
# What Chromium logs for a load a phone without signal cannot make (its icon, for one).
NO_SIGNAL = "Failed to load resource: net::ERR_INTERNET_DISCONNECTED"


def count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def a_teacher_and_pupil(make_user, make_pupil):
    teacher = make_user(Role.TEACHER)
    pupil = make_pupil(legal_name="Zara Ahmed")
    assign(pupil, teacher, None, on=date(2026, 9, 1))
    return teacher, pupil


def fill_note(page: Page, place: str) -> None:
    page.get_by_label("Date").fill((london_today() - timedelta(days=1)).isoformat())
    page.get_by_label("Started").fill("09:00")
    page.get_by_label("Ended").fill("12:00")
    page.get_by_label("Face-to-face").check()
    page.get_by_label("Place").fill(place)
    page.get_by_label("Planned minutes").fill("180")
    page.get_by_label("4", exact=True).check()


def fill_assessment(page: Page, interests: str) -> None:
    page.get_by_label("Literacy working level").select_option(label="Key Stage 2")
    page.get_by_label("Numeracy working level").select_option(label="Entry Level 3")
    for measure in ("wellbeing", "resilience", "confidence", "anxiety"):
        page.locator(f"#{measure}").get_by_label("3", exact=True).check()
    page.get_by_label("Interests and strengths").fill(interests)
    page.get_by_label("English", exact=True).check()


def saved_offline(page: Page) -> None:
    """The newest form sent says it was kept on the phone. A page with two outbox forms (a site
    check item's photo and its answer) may show both their lines at once; the tests count the
    outbox's entries themselves afterwards."""
    expect(page.get_by_role("status").filter(has_text=SAVED).last).to_be_visible()


def note_saved_offline(phone: Page, teacher, pupil, place: str) -> Page:
    """The teacher writes a session note with no signal: it waits in the phone's outbox."""
    sign_in_by_requests(phone, teacher.email)
    phone.goto(f"/pupils/{pupil.id}/notes/new")
    phone.context.set_offline(True)
    fill_note(phone, place)
    phone.get_by_role("button", name="Send the note").tap()
    saved_offline(phone)
    return phone


def outbox_section(page: Page, name: str):
    return page.locator(f'[data-outbox-section="{name}"]')


def waiting_for_service_worker(page: Page) -> None:
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    expect(page.locator("main h1")).to_be_visible()


def test_three_forms_and_a_photo_saved_offline_survive_a_reload_and_arrive_once(
    new_phone, live_server, make_user, tmp_path, expected_errors
):
    expected_errors.append(NO_SIGNAL)
    assessor = make_user(Role.ASSESSOR)
    provider = make_provider("Riverside Motor Skills")
    open_check = make_check(assessor, provider)
    finished = make_check(assessor, make_provider("Hillcrest Farm"))
    make_provider("Northgate Kitchens")
    answer_everything(finished)
    db.session.commit()
    photo = tmp_path / "IMG_0100.jpg"
    photo.write_bytes(phone_photo(size=(2400, 1600)))

    phone = new_phone()
    sign_in_by_requests(phone, assessor.email)
    waiting_for_service_worker(phone)
    start, item, sign_off = phone, phone.context.new_page(), phone.context.new_page()
    start.goto("/site-checks/new")
    item.goto(f"/site-checks/{open_check.id}")
    item.get_by_role("link", name="Start").tap()
    sign_off.goto(f"/site-checks/{finished.id}/sign-off")
    phone.context.set_offline(True)

    start.bring_to_front()
    start.get_by_label("Provider and site").select_option(label="Northgate Kitchens: Main site")
    start.locator('input[name="template_id"]').first.check()
    start.get_by_role("button", name="Start the check").tap()
    saved_offline(start)

    item.bring_to_front()
    item.get_by_label("Take or choose a photo").set_input_files(photo)
    expect(item.get_by_role("button", name="Add photo")).to_be_enabled()
    item.get_by_role("button", name="Add photo").tap()
    saved_offline(item)
    item.get_by_label("Yes", exact=True).check()
    item.get_by_label("Comment").fill("Exits signed and clear")
    item.get_by_role("button", name="Save and continue").tap()
    saved_offline(item)

    sign_off.bring_to_front()
    sign_off.get_by_label("Satisfactory", exact=True).check()
    sign_off.get_by_label("Your competence to make this check").fill("NEBOSH certificate")
    sign_off.get_by_label("I made this check in person").check()
    sign_the_check(sign_off)
    sign_off.get_by_role("button", name="Sign off the check").tap()
    saved_offline(sign_off)

    start.bring_to_front()
    start.goto("/outbox")
    expect(outbox_section(start, "waiting").locator("[data-outbox-entry]")).to_have_count(4)
    start.reload()
    expect(outbox_section(start, "waiting").locator("[data-outbox-entry]")).to_have_count(4)
    expect(start.locator("[data-outbox-count]")).to_have_text("4")

    phone.context.set_offline(False)
    expect(start.get_by_text("Nothing is waiting")).to_be_visible(timeout=20_000)
    expect(start.locator("[data-outbox-badge]")).to_be_hidden()
    expect(outbox_section(start, "sent").locator("li")).to_have_count(4)

    assert count(SiteCheck, SiteCheck.assessor_id == assessor.id) == 3
    assert count(Photo) == 1
    db.session.refresh(finished)
    assert finished.status == CheckStatus.SIGNED_OFF
    answered = db.session.get(SiteCheck, open_check.id)
    assert [answer.comment for answer in answered.answers if answer.comment] == [
        "Exits signed and clear"
    ]


def test_an_answer_lost_on_the_way_back_is_sent_again_without_a_duplicate(
    new_phone, make_user, make_pupil, expected_errors
):
    expected_errors.append(NO_SIGNAL)
    expected_errors.append("Failed to load resource: net::ERR_CONNECTION_RESET")
    teacher, pupil = a_teacher_and_pupil(make_user, make_pupil)
    phone = note_saved_offline(new_phone(service_workers="block"), teacher, pupil, "Library")
    posts = []

    def answer_lost(route: Route) -> None:
        if not posts:
            route.fetch()
            route.abort("connectionreset")
        else:
            route.continue_()
        posts.append(route.request.headers.get("idempotency-key"))

    phone.context.route("**/notes/new", answer_lost)
    # Back in signal, the phone sends at once; the answer is lost after the note was saved.
    # The outbox page, opened next, sends it again at once with the same key.
    phone.context.set_offline(False)
    watching = phone.context.new_page()
    watching.goto("/outbox")
    expect(watching.get_by_text("Nothing is waiting")).to_be_visible()

    assert len(posts) == 2 and len(set(posts)) == 1
    assert count(SessionNote, SessionNote.pupil_id == pupil.id) == 1


def test_a_server_error_twice_then_success_delivers_once_and_drops_nothing(
    new_phone, make_user, make_pupil, expected_errors
):
    expected_errors.extend(
        f"Failed to load resource: the server responded with a status of {status}"
        for status in ("500 (Internal Server Error)", "503 (Service Unavailable)")
    )
    teacher, pupil = a_teacher_and_pupil(make_user, make_pupil)
    phone = new_phone(service_workers="block")
    sign_in_by_requests(phone, teacher.email)
    phone.goto(f"/pupils/{pupil.id}/notes/new")
    fill_note(phone, "Community centre")
    answers = []
    failures = [500, 503]

    def failing_twice(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        if len(answers) < len(failures):
            answers.append(failures[len(answers)])
            route.fulfill(status=answers[-1], body="The server is not well")
            return
        response = route.fetch()
        answers.append(response.status)
        route.fulfill(response=response)

    phone.context.route("**/notes/new", failing_twice)
    watching = phone.context.new_page()
    watching.goto("/outbox")
    phone.bring_to_front()
    phone.get_by_role("button", name="Send the note").tap()
    saved_offline(phone)
    waiting = outbox_section(watching, "waiting")
    expect(waiting).to_contain_text("The server answered 500")
    assert count(SessionNote, SessionNote.pupil_id == pupil.id) == 0

    watching.bring_to_front()
    watching.get_by_role("button", name="Send now").tap()
    expect(waiting).to_contain_text("The server answered 503")
    assert count(SessionNote, SessionNote.pupil_id == pupil.id) == 0

    watching.get_by_role("button", name="Send now").tap()
    expect(watching.get_by_text("Nothing is waiting")).to_be_visible()
    assert answers == [500, 503, 201]
    assert count(SessionNote, SessionNote.pupil_id == pupil.id) == 1


def test_signed_out_while_offline_everything_is_sent_after_signing_in_again(
    new_phone, make_user, make_pupil, expected_errors
):
    expected_errors.append(NO_SIGNAL)
    expected_errors.append(
        "Failed to load resource: the server responded with a status of 401 (UNAUTHORIZED)"
    )
    teacher, pupil = a_teacher_and_pupil(make_user, make_pupil)
    phone = note_saved_offline(new_phone(service_workers="block"), teacher, pupil, "Home")

    sign_out_everywhere(teacher)
    db.session.commit()
    phone.context.set_offline(False)
    phone.goto("/outbox")
    expect(phone.get_by_text("You have been signed out, so nothing can be sent.")).to_be_visible()
    assert count(SessionNote, SessionNote.pupil_id == pupil.id) == 0

    phone.get_by_role("link", name="Sign in again").tap()
    phone.get_by_label("Email address").fill(teacher.email)
    phone.get_by_label("Password", exact=True).fill(PASSWORD)
    with phone.expect_navigation(url="**/outbox"):
        phone.get_by_role("button", name="Sign in").tap()
    expect(phone.get_by_text("Nothing is waiting")).to_be_visible()
    assert count(SessionNote, SessionNote.pupil_id == pupil.id) == 1


@pytest.mark.parametrize("choice", ["Keep mine", "Keep theirs", "Keep both"])
def test_two_phones_change_one_assessment_and_the_second_chooses(
    new_phone, make_user, make_pupil, choice, expected_errors
):
    expected_errors.append(NO_SIGNAL)
    expected_errors.append(
        "Failed to load resource: the server responded with a status of 409 (CONFLICT)"
    )
    teacher, pupil = a_teacher_and_pupil(make_user, make_pupil)
    first, second = new_phone(), new_phone(service_workers="block")
    for phone in (first, second):
        sign_in_by_requests(phone, teacher.email)
    first.goto(f"/pupils/{pupil.id}/assessments/new")
    fill_assessment(first, "Drawing")
    first.get_by_role("button", name="Save assessment").tap()
    expect(first.get_by_role("alert")).to_contain_text("assessment is saved")
    edit_url = first.url.rstrip("/") + "/edit"

    for phone in (first, second):
        phone.goto(edit_url)
    second.context.set_offline(True)
    second.get_by_label("Interests and strengths").fill("Football")
    second.get_by_role("button", name="Save assessment").tap()
    saved_offline(second)

    first.get_by_label("Interests and strengths").fill("Music")
    first.get_by_role("button", name="Save assessment").tap()
    expect(first.get_by_role("alert")).to_contain_text("Changes saved")

    second.context.set_offline(False)
    second.goto("/outbox")
    conflict = outbox_section(second, "conflict")
    expect(conflict).to_contain_text("Someone else changed this")
    expect(conflict.locator("table")).to_contain_text("Music")
    expect(conflict.locator("table")).to_contain_text("Football")
    conflict.get_by_role("button", name=choice).tap()
    if choice == "Keep theirs":
        expect(second.get_by_text("Music")).to_be_visible()
    else:
        expect(outbox_section(second, "sent")).to_contain_text("Change the assessment")
    expect(second.locator("[data-outbox-badge]")).to_be_hidden()

    db.session.rollback()
    expected = {
        "Keep mine": ["Football"],
        "Keep theirs": ["Music"],
        "Keep both": ["Football", "Music"],
    }
    assert (
        sorted(
            db.session.scalars(
                sa.select(Assessment.interests_and_strengths).where(Assessment.pupil_id == pupil.id)
            )
        )
        == expected[choice]
    )


def test_refused_items_wait_under_needs_attention_while_later_ones_are_sent(
    new_phone, live_server, make_user, make_pupil, monkeypatch, expected_errors
):
    expected_errors.append(NO_SIGNAL)
    monkeypatch.setitem(live_server.app.config, "MAX_CONTENT_LENGTH", 8 * 1024)
    expected_errors.append(
        "Failed to load resource: the server responded with a status of 413 "
        "(REQUEST ENTITY TOO LARGE)"
    )
    teacher, pupil = a_teacher_and_pupil(make_user, make_pupil)
    phone = new_phone(service_workers="block")
    sign_in_by_requests(phone, teacher.email)
    big, bigger, small = phone, phone.context.new_page(), phone.context.new_page()
    for page in (big, bigger):
        page.goto(f"/pupils/{pupil.id}/notes/new")
    small.goto(f"/pupils/{pupil.id}/assessments/new")
    phone.context.set_offline(True)
    for page, place in ((big, "Park"), (bigger, "Field")):
        page.bring_to_front()
        fill_note(page, place)
        page.get_by_label("Progress against those targets").fill("Read two chapters. " * 600)
        page.get_by_role("button", name="Send the note").tap()
        saved_offline(page)
    small.bring_to_front()
    fill_assessment(small, "Cooking")
    small.get_by_role("button", name="Save assessment").tap()
    saved_offline(small)

    phone.context.set_offline(False)
    small.goto("/outbox")
    attention = outbox_section(small, "attention")
    refused = attention.locator("[data-outbox-entry]")
    expect(refused).to_have_count(2)
    expect(refused.first).to_contain_text("Session note")
    expect(refused.first).to_contain_text("Refused (413)")
    expect(small.locator("[data-outbox-count]")).to_have_text("2")
    assert count(Assessment, Assessment.pupil_id == pupil.id) == 1
    assert count(SessionNote, SessionNote.pupil_id == pupil.id) == 0

    refused.nth(1).get_by_text("What it says").tap()
    expect(refused.nth(1)).to_contain_text("Field")
    refused.nth(1).get_by_role("button", name="Delete").tap()
    refused.nth(1).get_by_role("button", name="No, keep it").tap()
    expect(refused).to_have_count(2)
    refused.nth(1).get_by_role("button", name="Delete").tap()
    refused.nth(1).get_by_role("button", name="Yes, delete it").tap()
    expect(refused).to_have_count(1)

    refused.first.get_by_role("link", name="Change it").tap()
    expect(small.get_by_label("Place")).to_have_value("Park")
    small.get_by_label("Progress against those targets").fill("Read two chapters.")
    small.get_by_role("button", name="Send the note").tap()
    expect(small.get_by_role("alert")).to_contain_text("Session note sent")
    expect(small.locator("[data-outbox-badge]")).to_be_hidden()
    db.session.rollback()
    places = db.session.scalars(
        sa.select(SessionNote.place).where(SessionNote.pupil_id == pupil.id)
    )
    assert list(places) == ["Park"]


def test_the_outbox_outlives_closing_the_browser(
    browser, live_server, make_user, make_pupil, tmp_path
):
    teacher, pupil = a_teacher_and_pupil(make_user, make_pupil)

    def start_browser():
        context = browser.browser_type.launch_persistent_context(
            tmp_path / "profile",
            executable_path=chromium_executable(),
            args=CHROMIUM_ARGS,
            base_url=live_server.url,
            service_workers="block",
            **PHONE,
        )
        return context, context.pages[0] if context.pages else context.new_page()

    context, phone = start_browser()
    sign_in_by_requests(phone, teacher.email)
    phone.goto(f"/pupils/{pupil.id}/notes/new")
    context.set_offline(True)
    fill_note(phone, "Youth club")
    phone.get_by_role("button", name="Send the note").tap()
    saved_offline(phone)
    context.close()

    context, phone = start_browser()
    phone.goto("/outbox")
    expect(outbox_section(phone, "waiting")).to_contain_text("Youth club")
    # A browser closed straight after may not have written its local storage to disk, where
    # the page keeps who last signed in; the outbox (IndexedDB) is on disk at once.
    phone.evaluate("localStorage.clear()")
    phone.reload()
    expect(outbox_section(phone, "waiting")).to_contain_text("Youth club")
    expect(phone.get_by_text("You have been signed out")).to_be_visible()
    assert count(SessionNote, SessionNote.pupil_id == pupil.id) == 0
    phone.goto("/sign-in?next=/outbox")
    phone.get_by_label("Email address").fill(teacher.email)
    phone.get_by_label("Password", exact=True).fill(PASSWORD)
    with phone.expect_navigation(url="**/outbox"):
        phone.get_by_role("button", name="Sign in").tap()
    expect(phone.get_by_text("Nothing is waiting")).to_be_visible()
    context.close()
    assert count(SessionNote, SessionNote.pupil_id == pupil.id) == 1


def test_signing_out_with_unsent_items_warns_first_and_keeps_them(
    new_phone, make_user, make_pupil, expected_errors
):
    expected_errors.extend(
        [
            NO_SIGNAL,
            "Failed to load resource: net::ERR_FAILED",
            "Failed to load resource: the server responded with a status of 401 (UNAUTHORIZED)",
        ]
    )
    teacher, pupil = a_teacher_and_pupil(make_user, make_pupil)
    phone = note_saved_offline(new_phone(service_workers="block"), teacher, pupil, "Sports hall")

    phone.get_by_role("button", name="Sign out").tap()
    warning = phone.get_by_role("alert").filter(has_text="not been sent yet")
    expect(warning).to_contain_text("1 thing you saved has not been sent yet")
    expect(phone.get_by_role("button", name="Sign out", exact=True)).to_be_visible()

    phone.context.route("**/sync/token", lambda route: route.abort())
    phone.context.set_offline(False)
    with phone.expect_navigation(url="**/sign-in"):
        warning.get_by_role("button", name="Keep them for my next sign-in on this phone").tap()
    # Signed out, the phone shows nobody's items; the note stays on it for the next sign-in.
    expect(phone.locator("[data-outbox-badge]")).to_be_hidden()
    kept = phone.evaluate(
        """() => new Promise((resolve) => {
            indexedDB.open("ap-field").onsuccess = ({target: opened}) => {
              const counted = opened.result.transaction("outbox").objectStore("outbox").count();
              counted.onsuccess = () => resolve(counted.result);
            };
        })"""
    )
    assert kept == 1
    assert count(SessionNote, SessionNote.pupil_id == pupil.id) == 0

    phone.context.unroute("**/sync/token")
    sign_in_by_requests(phone, teacher.email)
    phone.goto("/outbox")
    expect(outbox_section(phone, "sent")).to_contain_text("Session note")
    assert count(SessionNote, SessionNote.pupil_id == pupil.id) == 1


def test_a_phone_that_cannot_store_anything_still_sends_a_form_with_signal(
    new_phone, make_user, make_pupil
):
    """A private window, or a full phone: the outbox cannot keep the form, so it posts as it
    would with no JavaScript."""
    teacher, pupil = a_teacher_and_pupil(make_user, make_pupil)
    phone = new_phone(service_workers="block")
    phone.add_init_script(
        "Object.defineProperty(window, 'indexedDB', {get() {"
        " throw new DOMException('Storage refused', 'SecurityError'); }})"
    )
    sign_in_by_requests(phone, teacher.email)
    phone.goto(f"/pupils/{pupil.id}/notes/new")
    fill_note(phone, "Youth centre")
    phone.get_by_role("button", name="Send the note").tap()

    expect(phone.get_by_role("alert")).to_contain_text("Session note sent")
    assert count(SessionNote, SessionNote.place == "Youth centre") == 1


def test_a_refused_form_comes_back_to_correct_and_stays_on_the_phone_until_it_is_sent(
    new_phone, make_user, make_pupil
):
    teacher, pupil = a_teacher_and_pupil(make_user, make_pupil)
    phone = new_phone(service_workers="block")
    sign_in_by_requests(phone, teacher.email)
    phone.goto(f"/pupils/{pupil.id}/notes/new")
    fill_note(phone, "")
    phone.get_by_role("button", name="Send the note").tap()

    expect(phone.locator(".govuk-error-summary")).to_contain_text(
        "Enter where the session happened"
    )
    expect(phone.locator("[data-outbox-count]")).to_have_text("1")
    phone.get_by_label("Place").fill("Sports hall")
    phone.get_by_role("button", name="Send the note").tap()

    expect(phone.get_by_role("alert")).to_contain_text("Session note sent")
    expect(phone.locator("[data-outbox-badge]")).to_be_hidden()
    assert count(SessionNote, SessionNote.pupil_id == pupil.id) == 1
