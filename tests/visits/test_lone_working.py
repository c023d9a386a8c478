"""Lone working: "I've arrived" with an expected finish, "I've left safely", and which
visits are in progress or overdue."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import render_template

from ap_field.auth.devices import sign_in_here
from ap_field.common.time import LONDON, utcnow
from ap_field.extensions import db
from ap_field.visits.models import VisitStatus
from ap_field.visits.queries import overdue_check_outs, visits_in_progress
from tests.helpers import text_of
from tests.visits.helpers import path_of, reloaded


@pytest.fixture
def visit(pupil, teacher, make_visit):
    return make_visit(pupil, teacher, starts_at=utcnow())


def test_arriving_starts_lone_working_with_an_expected_finish(client_request, teacher, visit):
    page = client_request.get(path_of(visit))
    expected_finish = page.select_one("#expected_finish")["value"]
    default = (utcnow() + timedelta(hours=1)).astimezone(LONDON).strftime("%H:%M")
    assert expected_finish in (default, "23:59")

    before = utcnow()
    response = client_request.post(
        f"{path_of(visit)}/arrived", {"expected_finish": expected_finish}
    )
    assert response.location == path_of(visit)

    visit = reloaded(visit)
    assert visit.status == VisitStatus.IN_PROGRESS
    assert before <= visit.arrived_at <= utcnow()
    assert visit.expected_finish_at.astimezone(LONDON).strftime("%H:%M") == expected_finish
    assert visits_in_progress(teacher) == [visit]
    assert overdue_check_outs() == []

    page = client_request.get(path_of(visit))
    assert "I've left safely" in text_of(page, "main form button")


def test_an_expected_finish_before_the_arrival_is_refused(client_request, teacher, visit):
    page = client_request.post(
        f"{path_of(visit)}/arrived", {"expected_finish": "00:00"}, expected_status=200
    )
    message = "The expected finish must be after the arrival time"
    assert message in text_of(page, "#expected_finish-error")
    assert message in text_of(page, ".govuk-error-summary")
    assert page.select_one("#expected_finish")["value"] == "00:00"
    assert page.title.string.startswith("Error:")
    visit = reloaded(visit)
    assert visit.status == VisitStatus.SCHEDULED
    assert visit.arrived_at is None


def test_leaving_safely_closes_the_visit_and_asks_for_the_record(
    client, client_request, teacher, overdue
):
    response = client_request.post(f"{path_of(overdue)}/left", {})
    assert response.location == f"{path_of(overdue)}/record"
    visit = reloaded(overdue)
    assert visit.status == VisitStatus.COMPLETED
    assert visit.left_at >= visit.arrived_at
    assert visits_in_progress(teacher) == []
    assert overdue_check_outs() == []

    again = client.post(f"{path_of(overdue)}/left", follow_redirects=True)
    assert "not in progress" in again.text
    assert reloaded(overdue).left_at == visit.left_at


def test_arriving_twice_changes_nothing(client, teacher, overdue):
    response = client.post(
        f"{path_of(overdue)}/arrived", data={"expected_finish": "23:59"}, follow_redirects=True
    )
    assert "You already said you arrived" in response.text
    assert reloaded(overdue).expected_finish_at == overdue.expected_finish_at


def test_the_today_fragment_offers_the_check_out_and_warns_when_overdue(
    app, teacher, overdue, visit
):
    with app.test_request_context():
        sign_in_here(teacher, remember=False)
        html = render_template("visits/_today.html", visits_in_progress=visits_in_progress(teacher))
    assert "Visits in progress" in html
    assert "Jayden Clarke" in html
    assert "check-out is overdue" in html
    assert f'action="{path_of(overdue)}/left"' in html
    assert "I&#39;ve left safely" in html or "I've left safely" in html

    with app.test_request_context():
        sign_in_here(teacher, remember=False)
        assert render_template("visits/_today.html", visits_in_progress=[]).strip() == ""


def test_the_database_refuses_a_finish_before_the_arrival(pupil, teacher, make_visit):
    now = utcnow()
    with pytest.raises(sa.exc.IntegrityError):
        make_visit(
            pupil,
            teacher,
            status=VisitStatus.IN_PROGRESS,
            arrived_at=now,
            expected_finish_at=now - timedelta(minutes=5),
        )
    db.session.rollback()


def test_a_check_in_and_out_kept_on_the_phone_count_from_when_they_happened(
    client_request, teacher, pupil, make_visit, clock
):
    """No signal at the door: the phone kept both and sent them later."""
    now = clock(15, 0)
    visit = make_visit(pupil, teacher, starts_at=now - timedelta(hours=1))
    arrived, left = now - timedelta(minutes=50), now - timedelta(minutes=5)

    client_request.post(
        f"{path_of(visit)}/arrived",
        {"expected_finish": "15:30", "happened_at": arrived.isoformat()},
    )
    client_request.post(f"{path_of(visit)}/left", {"happened_at": left.isoformat()})

    visit = reloaded(visit)
    assert (visit.arrived_at, visit.left_at) == (arrived, left)


@pytest.mark.parametrize(
    "happened_at",
    [
        pytest.param(lambda now: (now - timedelta(hours=13)).isoformat(), id="too-long-ago"),
        pytest.param(lambda now: (now + timedelta(minutes=10)).isoformat(), id="in-the-future"),
        pytest.param(lambda now: now.replace(tzinfo=None).isoformat(), id="no-time-zone"),
        pytest.param(lambda now: "soon", id="not-a-time"),
    ],
)
def test_a_phone_time_that_cannot_be_right_gives_way_to_the_servers(
    client_request, teacher, pupil, make_visit, clock, happened_at
):
    now = clock(15, 0)
    visit = make_visit(pupil, teacher, starts_at=now - timedelta(hours=1))

    client_request.post(
        f"{path_of(visit)}/arrived",
        {"expected_finish": "15:30", "happened_at": happened_at(now)},
    )

    assert reloaded(visit).arrived_at == now
