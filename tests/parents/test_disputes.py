"""A parent's "No" is answered: the teacher and the lead are told, one of them answers
(corrected, explained, or the record stands), the parent reads the answer, and a dispute left
unanswered reminds the lead."""

import uuid
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role, User
from ap_field.common.time import LONDON, london_today
from ap_field.extensions import db
from ap_field.mail.models import OutgoingMail
from ap_field.parents.models import Answer, DisputeReply, Outcome
from ap_field.parents.services import ask_by_mail, confirm_session, reply_to_dispute
from ap_field.push.kinds import KINDS
from ap_field.push.models import PushSubscription
from ap_field.sessions.models import NoteAddendum
from tests.helpers import WEDNESDAY, text_of

CORRECTION = "The session ended at 10:30, not 12:00"
REPLY = "You were right: it finished early. We have corrected the note."


@pytest.fixture
def parent(make_parent, pupil):
    return make_parent(pupil, name="Donna Clarke")


@pytest.fixture
def lead(make_user):
    return make_user(Role.LEAD, name="Lena Brooks")


@pytest.fixture
def dispute(pupil, parent, make_note):
    note = make_note(pupil)
    return confirm_session(note, parent, Answer.DISPUTED, "He was home by 10:30", uuid.uuid4())


def every_lead() -> list[int]:
    return sorted(db.session.scalars(sa.select(User.id).where(User.role == Role.LEAD, User.active)))


def reply_form(**values) -> dict:
    return {"outcome": "corrected", "correction": CORRECTION, "reply": REPLY} | values


def reply_path(dispute) -> str:
    return f"/pupils/{dispute.pupil_id}/disputes/{dispute.id}/reply"


def test_a_no_tells_the_teacher_and_the_leads_by_mail(
    pupil, parent, make_note, phone_of, teacher, lead, mailbox
):
    note = make_note(pupil)
    phone_of(parent).post(
        f"/my-child/{pupil.id}/sessions/{note.id}",
        {"answer": "disputed", "comment": "He was home by 10:30"},
    )
    recipients = {message["To"] for message in mailbox.messages}
    assert {teacher.email, lead.email} <= recipients
    for message in mailbox.messages:
        body = message.get_content()
        assert "Jayden" not in body and "10:30" not in body
        assert "/disputed-sessions" in body


def test_the_teacher_answers_with_a_correction_and_the_parent_reads_it(
    pupil, parent, dispute, teacher, phone_of
):
    teachers_phone = phone_of(teacher)
    today = teachers_phone.get("/today")
    answer_link = today.select_one(f"a[href='{reply_path(dispute)}']")
    assert answer_link.get_text(" ", strip=True).startswith("Answer Donna Clarke")

    page = teachers_phone.get(reply_path(dispute))
    assert "He was home by 10:30" in page.get_text()
    form = reply_form(client_uuid=page.select_one("[name=client_uuid]")["value"])
    response = teachers_phone.post(reply_path(dispute), form)

    assert response.location == f"/pupils/{pupil.id}/notes/{dispute.note_id}"
    [addendum] = db.session.scalars(sa.select(NoteAddendum)).all()
    assert addendum.text == f"Corrected after a parent's answer: {CORRECTION}"
    assert addendum.author_id == teacher.id
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "dispute.answered"))
    assert event.details["outcome"] == "corrected"
    note_page = teachers_phone.get(response.location)
    assert "Your answer is on Donna Clarke's page." in text_of(
        note_page, ".govuk-notification-banner"
    )

    parents_phone = phone_of(parent)
    reply = text_of(parents_phone.get("/my-child"), "[data-reply]")
    assert reply.startswith("You were right. We have corrected our record.")
    assert f"Tom Okafor wrote: “{REPLY}”" in reply
    session = parents_phone.get(f"/my-child/{pupil.id}/sessions/{dispute.note_id}")
    assert "You were right. We have corrected our record." in session.get_text()


@pytest.mark.parametrize(
    ("outcome", "parent_reads"),
    [
        ("explained", "Your child's teacher explained what happened."),
        ("stands", "We checked, and our record stays as it is."),
    ],
)
def test_an_explanation_or_a_record_that_stands_needs_no_correction(
    pupil, parent, dispute, lead, phone_of, outcome, parent_reads
):
    phone_of(lead).post(reply_path(dispute), reply_form(outcome=outcome, correction=""))
    assert db.session.scalar(sa.select(NoteAddendum)) is None
    assert parent_reads in phone_of(parent).get("/my-child").get_text()


def test_a_correction_must_say_what_was_wrong_and_a_reply_is_needed(dispute, teacher, phone_of):
    page = phone_of(teacher).post(
        reply_path(dispute),
        {"outcome": "corrected", "correction": "", "reply": "", "client_uuid": str(uuid.uuid4())},
        expected_status=200,
    )
    assert text_of(page, "#correction-error") == "Error: Say what was wrong in the record"
    assert text_of(page, "#reply-error") == "Error: Write your reply to the parent"
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == [
        "#correction",
        "#reply",
    ]
    assert page.select_one("#outcome-0").has_attr("checked")
    assert db.session.scalar(sa.select(DisputeReply)) is None


def test_a_second_answer_is_a_conflict_that_shows_the_first(dispute, teacher, lead, phone_of):
    reply_to_dispute(
        dispute,
        lead,
        {"outcome": Outcome.STANDS, "reply": "We were there", "correction": ""},
        uuid.uuid4(),
    )
    page = phone_of(teacher).post(
        reply_path(dispute), reply_form(client_uuid=str(uuid.uuid4())), expected_status=409
    )
    assert "Lena Brooks answered" in text_of(page, ".govuk-notification-banner")
    assert "We were there" in page.get_text()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DisputeReply)) == 1


def test_a_confirmation_is_not_a_dispute_to_answer(pupil, parent, make_note, teacher, phone_of):
    note = make_note(pupil)
    confirmed = confirm_session(note, parent, Answer.CONFIRMED, "", uuid.uuid4())
    phone_of(teacher).get(reply_path(confirmed), expected_status=404)


def test_the_leads_programme_counts_open_disputes_and_their_age(
    pupil, parent, make_note, lead, phone_of, clock
):
    clock(9, 0, on=WEDNESDAY - timedelta(days=6))
    confirm_session(make_note(pupil), parent, Answer.DISPUTED, "Not at all", uuid.uuid4())
    clock(9, 0)
    confirm_session(make_note(pupil), parent, Answer.DISPUTED, "Late start", uuid.uuid4())
    text = text_of(phone_of(lead).get("/programme"), "[data-open-disputes]")
    assert "2 not answered" in text
    assert "the oldest has waited 6 days." in text


def test_an_answered_dispute_is_neither_counted_nor_the_oldest(
    pupil, parent, make_note, lead, teacher, phone_of, clock
):
    clock(9, 0, on=WEDNESDAY - timedelta(days=9))
    answered = confirm_session(make_note(pupil), parent, Answer.DISPUTED, "No", uuid.uuid4())
    stands = {"outcome": Outcome.STANDS, "reply": "We were there", "correction": ""}
    reply_to_dispute(answered, teacher, stands, uuid.uuid4())
    clock(9, 0, on=WEDNESDAY - timedelta(days=2))
    confirm_session(make_note(pupil), parent, Answer.DISPUTED, "Late start", uuid.uuid4())
    clock(9, 0)
    text = text_of(phone_of(lead).get("/programme"), "[data-open-disputes]")
    assert "1 not answered" in text
    assert "the oldest has waited 2 days." in text


def test_the_teacher_and_leads_are_pushed_once_and_the_parent_when_answered(
    dispute, teacher, lead, parent, clock
):
    now = datetime.now(LONDON)
    due = list(KINDS["session_disputed"].find(now))
    assert sorted(item.user_id for item in due) == sorted([teacher.id, *every_lead()])
    assert lead.id in every_lead()
    assert all(item.url == reply_path(dispute) for item in due)
    assert list(KINDS["dispute_answered"].find(now)) == []

    reply = reply_to_dispute(
        dispute,
        teacher,
        {"outcome": Outcome.EXPLAINED, "reply": "It ran", "correction": ""},
        uuid.uuid4(),
    )
    [answered] = KINDS["dispute_answered"].find(now)
    assert (answered.user_id, answered.object_id) == (parent.id, reply.id)
    assert "Jayden" not in answered.body


def test_a_dispute_left_two_school_days_reminds_the_leads(pupil, parent, make_note, lead, clock):
    opened = clock(16, 0, on=WEDNESDAY)
    dispute = confirm_session(make_note(pupil), parent, Answer.DISPUTED, "No", uuid.uuid4())
    kind = KINDS["dispute_open"]
    assert list(kind.find(opened + timedelta(days=1))) == []
    friday = WEDNESDAY + timedelta(days=2)
    due = list(kind.find(clock(9, 0, on=friday)))
    assert sorted(item.user_id for item in due) == every_lead()
    assert lead.id in every_lead()
    assert {(item.object_id, item.due_on) for item in due} == {(dispute.id, friday)}
    later = list(kind.find(clock(9, 0, on=WEDNESDAY + timedelta(days=5))))
    assert later == due, "the same reminder, which is claimed once"

    reply_to_dispute(
        dispute,
        lead,
        {"outcome": Outcome.STANDS, "reply": "Checked", "correction": ""},
        uuid.uuid4(),
    )
    assert list(kind.find(clock(9, 0, on=WEDNESDAY + timedelta(days=5)))) == []


def test_a_parent_is_asked_on_the_day_a_session_is_written_and_once_more(
    pupil, parent, make_note, clock
):
    clock(17, 0)
    make_note(pupil, held_on=WEDNESDAY)
    kind = KINDS["session_to_confirm"]
    assert [due.user_id for due in kind.find(clock(18, 0))] == [parent.id]
    assert [due.user_id for due in kind.find(clock(9, 0, on=WEDNESDAY + timedelta(days=1)))] == [
        parent.id
    ]
    assert list(kind.find(clock(9, 0, on=WEDNESDAY + timedelta(days=2)))) == []


def test_a_parent_without_reminders_is_asked_by_mail_once_a_day(
    pupil, parent, make_note, make_parent, clock
):
    clock(17, 0)
    with_push = make_parent(pupil, name="Sam Clarke")
    db.session.add(
        PushSubscription(
            user_id=with_push.id,
            endpoint="https://fcm.googleapis.com/fcm/send/sam",
            p256dh="key",
            auth="secret",
        )
    )
    db.session.commit()
    make_note(pupil, held_on=WEDNESDAY)

    assert ask_by_mail(clock(18, 0)) == 1
    assert ask_by_mail(clock(19, 0)) == 0
    assert ask_by_mail(clock(9, 0, on=WEDNESDAY + timedelta(days=1))) == 1
    mails = db.session.scalars(sa.select(OutgoingMail)).all()
    assert [mail.to_address for mail in mails] == [parent.email, parent.email]
    assert "/my-child" in mails[0].body and "Jayden" not in mails[0].body


def test_answers_close_after_fourteen_days(pupil, parent, make_note, phone_of):
    note = make_note(pupil, held_on=london_today() - timedelta(days=15), starts_at=time(10))
    phone = phone_of(parent)
    path = f"/my-child/{pupil.id}/sessions/{note.id}"
    assert "It is too late to answer about this session" in phone.get(path).get_text()
    phone.post(path, {"answer": "confirmed"}, expected_status=422)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DisputeReply)) == 0
