"""Every remove and delete asks first on a page of its own: the list shows a link, the page
names what goes, and only its warning button removes."""

import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.parents.models import ParentLink
from ap_field.plans.models import TimetableSlot
from ap_field.pupils.services import assign
from tests.helpers import text_of
from tests.plans.test_timetable import slot


def test_removing_a_session_asks_first(client_request, teacher, make_pupil):
    pupil = make_pupil(legal_name="Jayden Clarke")
    assign(pupil, teacher, None)
    client_request.post(f"/pupils/{pupil.id}/timetable", slot())
    added = db.session.scalar(sa.select(TimetableSlot))
    remove = f"/pupils/{pupil.id}/timetable/slots/{added.id}/remove"

    timetable = client_request.get(f"/pupils/{pupil.id}/timetable")
    assert timetable.select_one(f"form[action='{remove}']") is None, "no one-tap removal"
    assert (
        timetable.select_one(f"a[href='{remove}']").get_text(" ", strip=True).startswith("Remove")
    )

    page = client_request.get(remove)
    assert text_of(page, "h1") == "Remove the Monday 10:00–12:30 session?"
    assert page.select_one(f"form[action='{remove}'] .govuk-button--warning")
    assert page.select_one("form a[href$='/timetable']").get_text(strip=True) == "No, go back"
    assert db.session.get(TimetableSlot, added.id) is not None

    client_request.post(remove, {})
    assert db.session.scalar(sa.select(TimetableSlot)) is None


def test_unlinking_a_parent_asks_first(client_request, auth, make_user, make_pupil):
    auth.login(make_user(Role.LEAD))
    pupil = make_pupil(legal_name="Jayden Clarke")
    parent = make_user(Role.PARENT, name="Donna Clarke")
    link = ParentLink(parent=parent, pupil=pupil, relationship="Mother")
    db.session.add(link)
    db.session.commit()
    path = f"/pupils/{pupil.id}/parents/{link.id}/unlink"

    page = client_request.get(path)

    assert text_of(page, "h1") == "Unlink Donna Clarke?"
    assert "will no longer see Jayden Clarke's page" in page.get_text()
    assert db.session.get(ParentLink, link.id) is not None
    edit = client_request.get(f"/pupils/{pupil.id}/parents/{link.id}")
    assert edit.select_one(f"a[href='{path}']") is not None
    assert edit.select_one(f"form[action='{path}']") is None
