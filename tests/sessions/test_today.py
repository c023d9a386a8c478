"""The teacher's Today: sessions and check-ins, reviews due, notes still to write."""

import uuid
from datetime import datetime, time, timedelta

import pytest

from ap_field.auth.models import Role
from ap_field.common.time import LONDON
from ap_field.plans.models import Focus, Mode
from ap_field.plans.services import add_slot
from ap_field.pupils.services import assign
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


def test_today_lists_sessions_check_ins_reviews_and_notes_in_that_order(
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

    assert list(sections)[:4] == [
        "Sessions and check-ins",
        "Reviews due this week",
        "Notes to write",
        "Your block",
    ]
    assert sections["Sessions and check-ins"] == [
        "AM check-in",
        "PM check-in",
        "10:00–11:00 Casey",
        "14:00–15:00 Robin",
    ]
    assert sections["Reviews due this week"] == ["Robin", "Casey"]
    assert "Overdue" in text_of(page, "main")
    assert sections["Notes to write"] == ["Casey", "Robin", "Robin", "Casey"]
    to_write = [text_of(card, ".app-card__meta") for card in page.select("h2 + ul .app-card")]
    assert "Friday 20 November 2026, 09:00 · English" in to_write
    assert "Monday 23 November 2026, 10:00 · English" in to_write


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
        text_of(card, ".app-card__meta")
        for card in page.find("h2", string="Notes to write").find_next_sibling("ul").select("li")
    ]
    assert still_to_write == ["Monday 16 November 2026, 10:00 · English"]
    assert "Note written" in text_of(page, "main")
