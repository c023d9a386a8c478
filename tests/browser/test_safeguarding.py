"""A safeguarding concern from a doorstep with no signal to the DSL's recorded decision: the
teacher records it offline with a body map, it reaches every DSL by push and by email with
no name and nothing of what was recorded, and nothing of it stays on the teacher's phone;
the DSL reads it, marks it seen, records a referral, closes it and opens the chronology."""

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role, SafeguardingRole
from ap_field.extensions import db
from ap_field.pupils.services import assign
from ap_field.push.reminders import tick
from ap_field.safeguarding.models import Concern, ConcernStatus
from tests.browser.conftest import sign_in_by_requests
from tests.browser.test_outbox import saved_offline, waiting_for_service_worker
from tests.browser.test_reminders import deliver_push, notifications, subscribe
from tests.browser.test_shell import no_sideways_scrolling
from tests.helpers import school_named
from tests.push.helpers import Device

WHAT_HAPPENED = "A bruise the size of a coin on the left forearm"
CHILD_WORDS = "Dad grabbed me when I was late"
MARK = "Round bruise, yellow at the edges"

# Everything the phone keeps: its outbox (entries and the lines about what was sent), drafts
# and the page caches, as one string to search.
WHAT_THE_PHONE_KEEPS = """async () => {
  const db = await new Promise((resolve, reject) => {
    const opening = indexedDB.open("ap-field");
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
  const read = (store) => new Promise((resolve) => {
    const request = db.transaction(store).objectStore(store).getAll();
    request.onsuccess = () => resolve(request.result);
  });
  const kept = {outbox: await read("outbox"), sent: await read("sent")};
  db.close();
  kept.localStorage = {...localStorage};
  kept.caches = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      kept.caches.push(await (await cache.match(request)).text());
    }
  }
  return JSON.stringify(kept);
}"""


def record_offline(phone: Page, pupil) -> None:
    """The teacher opens the form with signal, loses it, and records the concern."""
    phone.goto(f"/pupils/{pupil.id}")
    phone.get_by_role("link", name="Record a safeguarding concern").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Record a safeguarding concern")
    phone.context.set_offline(True)

    phone.get_by_label("No", exact=True).check()
    phone.get_by_label("Physical abuse").check()
    phone.get_by_label("Where it happened").fill("The family home, kitchen")
    phone.get_by_label("What you saw or heard").fill(WHAT_HAPPENED)
    phone.get_by_label("The child's own words").fill(CHILD_WORDS)
    phone.get_by_label("What you did straight away").fill("Listened, then phoned the DSL")
    outline = phone.locator("svg[data-side=front]")
    box = outline.bounding_box()
    outline.tap(position={"x": box["width"] * 0.3, "y": box["height"] * 0.4})
    expect(phone.locator("[name='marks-0-description']")).to_be_focused()
    phone.keyboard.type(MARK)
    no_sideways_scrolling(phone)
    phone.get_by_role("button", name="Record the concern").tap()
    saved_offline(phone)


def test_a_concern_recorded_offline_reaches_the_dsl_who_acts_on_it_and_closes_it(
    new_phone, live_server, make_user, make_pupil, mailbox, push_ready, push_service
):
    teacher = make_user(Role.TEACHER, name="Tom Okafor")
    dsl = make_user(
        Role.LEAD,
        name="Lena Brooks",
        email="dsl@example.org",
        safeguarding_role=SafeguardingRole.DSL,
    )
    pupil = make_pupil(
        legal_name="Jayden Clarke",
        school_id=school_named("Northside Academy", dsl_email="dsl@northside.sch.uk").id,
    )
    assign(pupil, teacher, None)

    dsl_phone = new_phone()
    dsl_phone.context.grant_permissions(["notifications"], origin=live_server.url)
    sign_in_by_requests(dsl_phone, dsl.email)
    dsl_phone.goto("/reminders")
    device = Device(push_service)
    assert subscribe(dsl_phone, device) == 201

    phone = new_phone()
    sign_in_by_requests(phone, teacher.email)
    waiting_for_service_worker(phone)
    record_offline(phone, pupil)
    assert db.session.scalar(sa.select(sa.func.count(Concern.id))) == 0

    phone.context.set_offline(False)
    phone.goto("/outbox")
    expect(phone.get_by_text("Nothing is waiting")).to_be_visible(timeout=20_000)
    expect(phone.get_by_text("Safeguarding concern")).to_be_visible()
    kept = phone.evaluate(WHAT_THE_PHONE_KEEPS)
    for words in (WHAT_HAPPENED, CHILD_WORDS, MARK, "Jayden"):
        assert words not in kept
    concern = db.session.scalar(sa.select(Concern))
    assert concern.body_marks[0]["description"] == MARK

    phone.goto(f"/pupils/{pupil.id}")
    phone.get_by_role("link", name=concern.reference).tap()
    expect(phone.get_by_text(MARK)).to_be_visible()

    mail = {message["To"]: message for message in mailbox.wait_for(2)}
    assert set(mail) == {dsl.email, "dsl@northside.sch.uk"}
    for message in mail.values():
        text = message.get_content()
        assert concern.reference in message["Subject"]
        for words in (WHAT_HAPPENED, CHILD_WORDS, "Jayden", "Clarke", "Tom Okafor"):
            assert words not in text and words not in message["Subject"]
    assert f"/pupils/{pupil.id}/concerns/{concern.id}" in mail[dsl.email].get_content()

    with live_server.app.app_context():
        tick()
    [received] = push_service.to(device)
    message = device.decrypt(received.body)
    assert message["url"] == f"/pupils/{pupil.id}/concerns/{concern.id}"
    for words in (WHAT_HAPPENED, "Jayden", "Clarke"):
        assert words not in str(message)
    deliver_push(dsl_phone, live_server.url, message)
    [shown] = notifications(dsl_phone, message["id"])
    assert shown["title"] == "Safeguarding concern"

    dsl_phone.goto(message["url"])
    expect(dsl_phone.get_by_text(CHILD_WORDS)).to_be_visible()
    dsl_phone.get_by_role("button", name="I have read this concern").tap()
    expect(dsl_phone.get_by_text("Seen by Lena Brooks")).to_be_visible()

    dsl_phone.get_by_role("link", name="Record an action").tap()
    dsl_phone.get_by_label("Referred to children's social care").check()
    dsl_phone.get_by_label("Who did it").fill("Lena Brooks")
    dsl_phone.get_by_label("Note").fill("Spoke to the duty social worker")
    dsl_phone.get_by_label("Their reference").fill("CSC-2026-0412")
    dsl_phone.get_by_role("button", name="Record the action").tap()
    expect(dsl_phone.get_by_text("CSC-2026-0412")).to_be_visible()

    dsl_phone.get_by_role("link", name="Close the concern").tap()
    dsl_phone.get_by_label("Outcome").select_option(label="Children's social care are involved")
    dsl_phone.get_by_label("Why it can be closed").fill("Social care leading; plan in place")
    dsl_phone.get_by_role("button", name="Close the concern").tap()
    expect(dsl_phone.locator("main .govuk-tag").first).to_have_text("Closed")
    db.session.refresh(concern)
    assert concern.status == ConcernStatus.CLOSED

    dsl_phone.get_by_role("link", name="Jayden Clarke's safeguarding chronology").tap()
    expect(dsl_phone.get_by_text("Referred to children's social care")).to_be_visible()
    pdf = dsl_phone.request.get(f"/pupils/{pupil.id}/safeguarding.pdf")
    assert pdf.ok
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    dsl_phone.goto(message["url"])
    who_read = dsl_phone.locator("h2:has-text('Who has read it') + ul")
    expect(who_read).to_contain_text("Tom Okafor")
    expect(who_read).to_contain_text("Lena Brooks")
    readers = db.session.scalars(
        sa.select(AuditEvent.actor_id).where(AuditEvent.event == "concern.read")
    ).all()
    assert set(readers) == {teacher.id, dsl.id}
