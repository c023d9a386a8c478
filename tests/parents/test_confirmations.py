"""A parent confirms or disputes each delivered session of their child, once, and sees only
when and what the session was."""

import uuid
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.parents.models import Answer, SessionConfirmation
from ap_field.parents.services import AlreadyAnswered, confirm_session
from ap_field.plans.models import Focus, Mode
from ap_field.plans.services import add_slot
from tests.helpers import text_of


def answers() -> list[tuple[int, Answer, str]]:
    rows = db.session.execute(
        sa.select(
            SessionConfirmation.note_id, SessionConfirmation.answer, SessionConfirmation.comment
        )
    )
    return [tuple(row) for row in rows]


@pytest.fixture
def parent(make_parent, pupil):
    return make_parent(pupil, name="Donna Clarke")


def test_my_child_shows_today_the_week_the_review_and_sessions_to_confirm(
    pupil, parent, make_note, phone_of
):
    today = london_today()
    pupil.review_date = today + timedelta(days=9)
    db.session.commit()
    add_slot(
        pupil,
        {
            "weekday": today.weekday() if today.weekday() < 5 else 0,
            "starts_at": time(9, 30),
            "ends_at": time(11),
            "mode": Mode.HOME_COMMUNITY,
            "focus": Focus.MATHS,
            "place": "Central library",
        },
        uuid.uuid4(),
    )
    note = make_note(pupil, starts_at=time(13))

    page = phone_of(parent).get("/my-child")

    card = page.select_one(f"#session-{note.id}")
    assert text_of(card, "p") == "13:00–15:00 · English · Face-to-face"
    assert card.select_one("button[name=answer][value=confirmed]")
    no = card.select_one("a.govuk-button--secondary")
    assert no["href"] == f"/my-child/{pupil.id}/sessions/{note.id}"
    week = text_of(page, "[data-week]")
    assert "09:30–11:00 Maths, home or community study, Central library" in week
    if today.weekday() < 5:
        assert "(today)" in week
        assert "09:30–11:00" in text_of(page, "section ul.govuk-list")
    assert f"{(today + timedelta(days=9)):%B}" in page.get_text()
    # What the teacher wrote about the session stays with the teacher.
    text = page.get_text()
    for written in ("reading comprehension", "home is difficult", "Practice paper", "Mill Lane"):
        assert written not in text


def test_yes_in_one_tap_then_the_session_shows_as_confirmed(pupil, parent, make_note, phone_of):
    note = make_note(pupil)
    phone = phone_of(parent)
    response = phone.post(f"/my-child/{pupil.id}/sessions/{note.id}", {"answer": "confirmed"})
    assert response.location == "/my-child"

    page = phone.get("/my-child")
    assert "You confirmed the session" in page.get_text()
    assert page.select_one(f"#session-{note.id}") is None
    assert "Confirmed" in text_of(page, "section ul.govuk-list .govuk-tag")
    [(note_id, answer, comment)] = answers()
    assert (note_id, answer, comment) == (note.id, Answer.CONFIRMED, "")
    [event] = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.event == "session.confirmed")
    )
    assert (event.actor_id, event.pupil_id) == (parent.id, pupil.id)


def test_no_needs_a_comment_and_then_reaches_the_teacher(pupil, parent, make_note, phone_of):
    note = make_note(pupil)
    phone = phone_of(parent)
    path = f"/my-child/{pupil.id}/sessions/{note.id}"
    page = phone.get(path)
    assert text_of(page, "p.govuk-body-l") == "10:00–12:00 · English · Face-to-face"
    assert "Finished the reading" not in page.get_text()

    page = phone.post(path, {"answer": "disputed", "comment": ""}, expected_status=200)
    assert "Tell us what happened" in text_of(page, "#comment-error")
    assert "Tell us what happened" in text_of(page, ".govuk-error-summary")
    assert answers() == []

    phone.post(path, {"answer": "disputed", "comment": "Nobody came on Thursday"})
    assert answers() == [(note.id, Answer.DISPUTED, "Nobody came on Thursday")]
    page = phone.get(path)
    assert "You said no" in page.get_text()
    assert "Nobody came on Thursday" in page.get_text()
    assert page.select("main form") == []


def test_an_answer_that_is_neither_yes_nor_no_is_refused(pupil, parent, make_note, phone_of):
    note = make_note(pupil)
    page = phone_of(parent).post(
        f"/my-child/{pupil.id}/sessions/{note.id}", {"answer": "maybe"}, expected_status=200
    )
    assert "Choose yes or no" in text_of(page, ".govuk-error-summary")
    assert answers() == []


def test_confirming_twice_says_it_is_already_confirmed(
    pupil, parent, make_parent, make_note, phone_of
):
    note = make_note(pupil)
    path = f"/my-child/{pupil.id}/sessions/{note.id}"
    phone = phone_of(parent)
    phone.post(path, {"answer": "confirmed"})

    response = phone.post(path, {"answer": "disputed", "comment": "Changed my mind"})
    assert response.location == path
    assert "This session is already confirmed: you said it happened" in phone.get(path).get_text()

    other_parent = phone_of(make_parent(pupil, name="Lee Clarke"))
    other_parent.post(path, {"answer": "confirmed"})
    assert "already confirmed: Donna Clarke said" in other_parent.get(path).get_text()
    assert answers() == [(note.id, Answer.CONFIRMED, "")]


def test_two_answers_at_once_leave_one_row(pupil, parent, make_note, monkeypatch):
    """The second answer passed the check before the first was saved: the unique session
    id refuses it, and the parent hears it is already confirmed."""
    note = make_note(pupil)
    confirm_session(note, parent, Answer.CONFIRMED, "", uuid.uuid4())
    monkeypatch.setattr("ap_field.parents.services.answer_for", _first_none_then_real())
    with pytest.raises(AlreadyAnswered) as already:
        confirm_session(note, parent, Answer.DISPUTED, "Not true", uuid.uuid4())
    assert already.value.confirmation.answer == Answer.CONFIRMED
    assert answers() == [(note.id, Answer.CONFIRMED, "")]


def _first_none_then_real():
    from ap_field.parents import services

    real, calls = services.answer_for, []

    def answer_for(note):
        calls.append(note)
        return None if len(calls) == 1 else real(note)

    return answer_for


def test_the_database_holds_one_answer_per_session(pupil, parent, make_note):
    note = make_note(pupil)
    for comment in ("", "again"):
        db.session.add(
            SessionConfirmation(
                note_id=note.id,
                pupil_id=pupil.id,
                parent_id=parent.id,
                answer=Answer.CONFIRMED,
                comment=comment,
            )
        )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_no_without_a_comment_is_refused_by_the_database(pupil, parent, make_note):
    note = make_note(pupil)
    db.session.add(
        SessionConfirmation(
            note_id=note.id, pupil_id=pupil.id, parent_id=parent.id, answer=Answer.DISPUTED
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_another_childs_session_is_404(pupil, parent, make_pupil, make_note, phone_of):
    """The parent's own child in the address, another child's session id: not found."""
    other_child = make_pupil(legal_name="Someone Else")
    theirs = make_note(other_child)
    phone = phone_of(parent)
    phone.get(f"/my-child/{pupil.id}/sessions/{theirs.id}", expected_status=404)
    phone.post(f"/my-child/{pupil.id}/sessions/{theirs.id}", {"answer": "confirmed"}, 404)
    phone.get(f"/my-child/{other_child.id}/sessions/{theirs.id}", expected_status=404)
    assert answers() == []


def test_a_parent_who_may_not_confirm_sees_the_sessions_without_buttons(
    pupil, make_parent, make_note, phone_of
):
    note = make_note(pupil)
    phone = phone_of(make_parent(pupil, may_confirm=False))
    page = phone.get("/my-child")
    assert "Sessions that took place" in page.get_text()
    assert page.select("main button[name=answer]") == []
    phone.post(f"/my-child/{pupil.id}/sessions/{note.id}", {"answer": "confirmed"}, 403)
    assert answers() == []


def test_only_parents_answer(pupil, make_note, teacher, phone_of):
    note = make_note(pupil)
    phone_of(teacher).get(f"/my-child/{pupil.id}/sessions/{note.id}", expected_status=403)


def test_staff_see_the_answers(pupil, parent, make_note, make_user, phone_of, teacher):
    confirmed, disputed, old = (
        make_note(pupil),
        make_note(pupil, starts_at=time(14)),
        make_note(pupil, held_on=london_today() - timedelta(days=20)),
    )
    confirm_session(confirmed, parent, Answer.CONFIRMED, "", uuid.uuid4())
    confirm_session(disputed, parent, Answer.DISPUTED, "She was at the dentist", uuid.uuid4())
    confirm_session(old, parent, Answer.DISPUTED, "An old one", uuid.uuid4())
    teachers_phone = phone_of(teacher)

    today = teachers_phone.get("/today")
    assert "She was at the dentist" in today.get_text()
    assert "An old one" not in today.get_text()
    link = today.select_one(f"a[href='/pupils/{pupil.id}/notes/{disputed.id}']")
    assert "Jayden Clarke" in link.get_text()

    pupil_page = teachers_phone.get(f"/pupils/{pupil.id}")
    assert "She was at the dentist" in pupil_page.get_text()
    assert "An old one" in pupil_page.get_text()

    notes = teachers_phone.get(f"/pupils/{pupil.id}/notes")
    tags = {
        card.select_one("a")["href"]: " ".join(t.get_text() for t in card.select(".govuk-tag"))
        for card in notes.select(".app-card")
    }
    assert tags[f"/pupils/{pupil.id}/notes/{confirmed.id}"] == "Confirmed by parent"
    assert tags[f"/pupils/{pupil.id}/notes/{disputed.id}"] == "Parent said no"
    note_page = teachers_phone.get(f"/pupils/{pupil.id}/notes/{disputed.id}")
    assert "She was at the dentist" in note_page.get_text()

    lead = phone_of(make_user(Role.LEAD))
    programme = lead.get("/programme")
    assert "2 not answered" in programme.get_text(), "the old one is not answered either"
    listing = lead.get(programme.select_one("a[href='/disputed-sessions']")["href"])
    assert [
        text_of(card, ".app-card__meta").split(" said")[0] for card in listing.select(".app-card")
    ] == ["Donna Clarke", "Donna Clarke"]
    assert "She was at the dentist" in listing.get_text()


def test_another_teacher_does_not_see_the_dispute(pupil, parent, make_note, make_user, phone_of):
    note = make_note(pupil)
    confirm_session(note, parent, Answer.DISPUTED, "She was at the dentist", uuid.uuid4())
    assert "dentist" not in phone_of(make_user(Role.TEACHER)).get("/today").get_text()
