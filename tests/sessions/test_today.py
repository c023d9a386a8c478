"""The teacher's Today, most urgent first: what is overdue, visits under way, the day's
registers and sessions, reviews due, then the notes still to write, folded by pupil."""

import uuid
from datetime import datetime, time, timedelta

import pytest

from ap_field.auth.models import Role
from ap_field.common.time import LONDON, utcnow
from ap_field.plans.models import Focus, Mode
from ap_field.plans.services import add_slot
from ap_field.pupils.services import assign
from ap_field.visits.models import VisitPlace, VisitPurpose, VisitStatus
from ap_field.visits.services import create_visit
from tests.helpers import text_of

MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=LONDON)


@pytest.fixture
def day(clock):
    return clock.set(MONDAY_NOON).date()


@pytest.fixture
def teacher(make_user, auth):
    user = make_user(Role.TEACHER)
    auth.login(user)
    return user


def slot(pupil, weekday, start, end, focus=Focus.ENGLISH):
    values = {
        "weekday": weekday,
        "starts_at": time(start),
        "ends_at": time(end),
        "mode": Mode.FACE_TO_FACE,
        "focus": focus,
        "place": "Home",
    }
    return add_slot(pupil, values, uuid.uuid4())


def headings_and_cards(page) -> dict[str, list[str]]:
    sections = {}
    for heading in page.select("main h2"):
        cards = heading.find_next_sibling("ul")
        sections[heading.get_text(strip=True)] = (
            [text_of(card, ".app-card__title") for card in cards.select(".app-card")]
            if cards and cards.get("class") == ["app-card-list"]
            else []
        )
    return sections


def test_today_puts_what_is_overdue_first_and_folds_the_notes_to_write_by_pupil(
    client_request, teacher, make_pupil, day
):
    casey = make_pupil(legal_name="Casey", review_date=day + timedelta(days=3))
    robin = make_pupil(legal_name="Robin", review_date=day - timedelta(days=2))
    assign(casey, teacher, None)
    assign(robin, teacher, None)
    slot(casey, 0, 10, 11)
    slot(robin, 0, 14, 15, Focus.MATHS)
    slot(robin, 4, 9, 10)

    page = client_request.get("/today")
    sections = headings_and_cards(page)

    assert list(sections)[:5] == [
        "Overdue",
        "Sessions and check-ins",
        "Reviews due this week",
        "Notes to write",
        "Your block",
    ]
    assert sections["Overdue"] == ["Review for Robin"]
    assert sections["Sessions and check-ins"] == [
        "AM check-in",
        "PM check-in",
        "10:00–11:00 Casey",
        "14:00–15:00 Robin",
    ]
    assert sections["Reviews due this week"] == ["Casey"]
    folded = page.select("details.app-notes-to-write")
    assert [text_of(group, "summary") for group in folded] == ["Casey: 2 notes", "Robin: 2 notes"]
    assert all(not group.has_attr("open") for group in folded), "collapsed until opened"
    to_write = [text_of(card, ".app-card__meta") for card in page.select("details .app-card")]
    assert "Friday 20 November 2026, 09:00 · English" in to_write
    assert "Monday 23 November 2026, 10:00 · English" in to_write


def test_a_visit_under_way_comes_before_the_days_sessions(client_request, teacher, make_pupil, day):
    casey = make_pupil(legal_name="Casey")
    assign(casey, teacher, None)
    slot(casey, 0, 10, 11)
    create_visit(
        casey,
        teacher,
        {
            "starts_at": utcnow() - timedelta(hours=1),
            "place": VisitPlace.HOME,
            "address": "14 Mill Lane",
            "purpose": VisitPurpose.WELFARE,
            "status": VisitStatus.IN_PROGRESS,
            "arrived_at": utcnow() - timedelta(hours=1),
            "expected_finish_at": utcnow() + timedelta(minutes=30),
        },
    )
    sections = list(headings_and_cards(client_request.get("/today")))
    assert sections.index("Visits in progress") < sections.index("Sessions and check-ins")


def test_a_written_note_leaves_the_list(client_request, teacher, make_pupil, day):
    casey = make_pupil(legal_name="Casey")
    assign(casey, teacher, None)
    morning = slot(casey, 0, 10, 11)
    page = client_request.get("/today")
    link = page.select_one("a[href*='date=2026-11-23']")["href"]
    assert f"slot={morning.id}" in link
    client_request.post(
        link,
        {
            "held_on": day.isoformat(),
            "starts_at": "10:00",
            "ends_at": "11:00",
            "mode": "face_to_face",
            "focus": "english",
            "place": "Home",
            "planned_minutes": "60",
            "engagement": "3",
        },
    )
    page = client_request.get("/today")
    still_to_write = [
        text_of(card, ".app-card__meta") for card in page.select(".app-notes-to-write .app-card")
    ]
    assert still_to_write == ["Monday 16 November 2026, 10:00 · English"]
    assert "Note written" in text_of(page, "main")
