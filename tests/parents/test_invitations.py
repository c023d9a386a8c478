"""A teacher or lead invites a parent or carer; the parent's own phone opens the link once."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role, User, token_hash
from ap_field.common.time import utcnow
from ap_field.extensions import db
from ap_field.parents.models import InvitationState, ParentInvitation, ParentLink
from ap_field.parents.services import (
    InvitationNotUsable,
    accept_as_new_parent,
    invite,
    usable_invitation,
)
from tests.helpers import ClientRequest, text_of

NEW_PARENT = {
    "name": "Lee Clarke",
    "email": "lee.clarke@example.net",
    "new_password": "harbour-violet-kettle",
    "confirm_password": "harbour-violet-kettle",
    "remember": "y",
}


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def events(name: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.event == name)))


def invite_from_the_page(client_request, pupil, **form) -> str:
    """The invitation's path, as the page shows it in the link and the QR code."""
    page = client_request.post(
        f"/pupils/{pupil.id}/invitations/new",
        {"relationship": "Father", "may_confirm_attendance": "y"} | form,
        expected_status=200,
    )
    return urlsplit(page.select_one("#invitation-link")["value"]).path


def parents() -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(User.role == Role.PARENT))


def make_invitation(pupil, by, now=None) -> str:
    _, token = invite(pupil, by, {"relationship": "Father"}, now=now)
    return f"/join/{token}"


@pytest.fixture
def stranger(app) -> ClientRequest:
    """The parent's own phone, signed in as nobody."""
    return ClientRequest(app.test_client())


def test_a_teacher_invites_a_parent_who_makes_an_account_and_sees_the_child(
    client, client_request, auth, teacher, pupil, stranger
):
    auth.login(teacher)
    form = client_request.get(f"/pupils/{pupil.id}/invitations/new")
    assert form.select_one("#may_confirm_attendance").has_attr("checked")
    response = client.post(
        f"/pupils/{pupil.id}/invitations/new",
        data={"parent_name": "Lee Clarke", "relationship": "Father", "may_confirm_attendance": "y"},
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = ClientRequest._page(response, 200)
    assert text_of(page, "h1") == "Invitation for Lee Clarke"
    assert page.select_one("#invitation-qr svg title").get_text() == (
        "QR code of the invitation link"
    )
    assert page.select("[style]") == [] and page.select("style") == []
    # No inline code: the import map, which the policy names by its hash, is data.
    assert all(script.has_attr("src") for script in page.select("script:not([type=importmap])"))
    link = page.select_one("#invitation-link")["value"]
    token = urlsplit(link).path.removeprefix("/join/")
    invitation = db.session.scalar(sa.select(ParentInvitation))
    assert invitation.token_hash == token_hash(token) != token
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)

    pupil_page = client_request.get(f"/pupils/{pupil.id}")
    assert "Lee Clarke" in text_of(pupil_page, ".app-card-list:has(form[action$='/withdraw'])")
    assert token not in str(pupil_page)

    assert stranger.client.get(urlsplit(link).path).headers["Cache-Control"] == "no-store"
    join_page = stranger.get(urlsplit(link).path)
    assert join_page.select_one("#name")["value"] == "Lee Clarke"
    assert "Tom Okafor has invited you, as Jayden Clarke's father" in join_page.get_text()
    response = stranger.post(urlsplit(link).path, NEW_PARENT)
    assert response.location == "/my-child"
    my_child = stranger.get("/my-child")
    assert text_of(my_child, "main section h2") == "Jayden Clarke"
    assert "Your account is ready and linked to Jayden Clarke" in my_child.get_text()

    parent = db.session.scalar(sa.select(User).where(User.email == "lee.clarke@example.net"))
    assert parent.role == Role.PARENT and parent.check_password(NEW_PARENT["new_password"])
    link_row = db.session.scalar(sa.select(ParentLink).where(ParentLink.parent_id == parent.id))
    assert (link_row.pupil_id, link_row.relationship, link_row.may_confirm_attendance) == (
        pupil.id,
        "Father",
        True,
    )
    db.session.refresh(invitation)
    assert invitation.state(utcnow()) == InvitationState.ACCEPTED
    assert invitation.accepted_by_id == parent.id
    [created], [accepted] = events("invitation.created"), events("invitation.accepted")
    assert (created.actor_id, created.details["parent"]) == (teacher.id, "Lee Clarke")
    assert (accepted.actor_id, accepted.pupil_id) == (parent.id, pupil.id)
    assert client_request.get(f"/pupils/{pupil.id}").select("form[action$='/withdraw']") == []


def test_a_lead_invites_from_any_pupil_page_and_the_name_is_optional(
    client_request, auth, make_user, pupil, stranger
):
    auth.login(make_user(Role.LEAD))
    pupil_page = client_request.get(f"/pupils/{pupil.id}")
    assert pupil_page.select_one(f"a[href='/pupils/{pupil.id}/invitations/new']")
    path = invite_from_the_page(client_request, pupil, may_confirm_attendance="")
    assert db.session.scalar(sa.select(ParentInvitation.parent_name)) == ""
    assert stranger.get(path).select_one("#name")["value"] == ""
    assert "Father (not named)" in client_request.get(f"/pupils/{pupil.id}").get_text()
    stranger.post(path, NEW_PARENT)
    assert db.session.scalar(sa.select(ParentLink.may_confirm_attendance)) is False


def test_an_invitation_needs_a_relationship(client_request, auth, teacher, pupil):
    auth.login(teacher)
    page = client_request.post(
        f"/pupils/{pupil.id}/invitations/new",
        {"parent_name": "Lee Clarke", "relationship": ""},
        expected_status=200,
    )
    assert "Enter how they are related" in text_of(page, "#relationship-error")
    assert page.select_one("#parent_name")["value"] == "Lee Clarke"
    assert page.select_one(".govuk-error-summary") is not None
    assert count(ParentInvitation) == 0


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"name": ""}, "name", "Enter your full name"),
        ({"email": "lee.clarke"}, "email", "Enter an email address in the correct format"),
        ({"new_password": "short", "confirm_password": "short"}, "new_password", "at least 12"),
        (
            {"new_password": "password1234", "confirm_password": "password1234"},
            "new_password",
            "leaked passwords",
        ),
        ({"confirm_password": "harbour-violet-kettles"}, "confirm_password", "do not match"),
    ],
)
def test_the_parent_is_told_what_to_fix(stranger, teacher, pupil, change, field, message):
    path = make_invitation(pupil, teacher)
    page = stranger.post(path, NEW_PARENT | change, expected_status=200)
    assert message in text_of(page, f"#{field}-error")
    assert page.select_one(".govuk-error-summary") is not None
    assert page.select_one("#new_password").get("value", "") == ""
    assert page.select_one("#email")["value"] == (change | NEW_PARENT)["email"] or field == "email"
    assert count(ParentLink) == 0
    assert db.session.scalar(sa.select(ParentInvitation.accepted_at)) is None


def test_an_email_with_an_account_is_asked_to_sign_in_first(stranger, teacher, pupil, make_user):
    existing = make_user(Role.PARENT, email="lee.clarke@example.net")
    path = make_invitation(pupil, teacher)
    page = stranger.post(path, NEW_PARENT, expected_status=200)
    assert "Sign in with it first" in text_of(page, "#email-error")
    sign_in = page.select_one("a[href^='/sign-in?next=']")["href"]
    assert sign_in == f"/sign-in?next={path}"
    assert count(ParentLink) == 0 and existing.role == Role.PARENT


def test_a_link_works_only_once(app, stranger, teacher, pupil):
    path = make_invitation(pupil, teacher)
    stranger.post(path, NEW_PARENT)

    other_phone = ClientRequest(app.test_client())
    page = other_phone.get(path, expected_status=410)
    assert text_of(page, "h1") == "This link has already been used"
    assert "Ask your child's teacher for a new link" in page.get_text()
    again = NEW_PARENT | {"email": "someone.else@example.net"}
    other_phone.post(path, again, expected_status=410)
    assert parents() == 1
    assert count(ParentLink) == 1


def test_two_tabs_using_one_link_at_once_make_one_account(stranger, teacher, pupil):
    """Both tabs found the invitation unused; the database lets only one of them use it."""
    path = make_invitation(pupil, teacher)
    seen_by_the_second_tab = usable_invitation(path.removeprefix("/join/"))
    stranger.post(path, NEW_PARENT)

    with pytest.raises(InvitationNotUsable) as refused:
        accept_as_new_parent(
            seen_by_the_second_tab, "Lee Clarke", "lee@example.net", "harbour-violet-kettle"
        )
    assert refused.value.state == InvitationState.ACCEPTED
    assert parents() == 1
    assert count(ParentLink) == 1


def test_a_link_expires_after_seven_days(stranger, teacher, pupil):
    almost = make_invitation(pupil, teacher, now=utcnow() - timedelta(days=6, hours=23))
    expired = make_invitation(pupil, teacher, now=utcnow() - timedelta(days=7, minutes=1))

    page = stranger.get(expired, expected_status=410)
    assert text_of(page, "h1") == "This link has expired"
    assert "Ask your child's teacher for a new link" in page.get_text()
    stranger.post(expired, NEW_PARENT, expected_status=410)
    assert count(ParentLink) == 0

    assert stranger.post(almost, NEW_PARENT).location == "/my-child"


def test_an_unknown_or_mangled_link_is_a_page_not_an_error(stranger):
    page = stranger.get("/join/not-a-real-invitation", expected_status=404)
    assert text_of(page, "h1") == "This link does not work"
    assert stranger.get("/join/has.a.dot", expected_status=404).select_one("h1")


def test_links_that_do_not_work_are_limited_like_failed_sign_ins(client):
    for attempt in range(5):
        response = client.get(f"/join/guess{attempt}", environ_base={"REMOTE_ADDR": "203.0.113.9"})
        assert response.status_code == 404
    response = client.get("/join/guess99", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 429
    assert "Too many attempts" in response.text


def test_a_withdrawn_invitation_no_longer_works(client_request, auth, teacher, pupil, stranger):
    auth.login(teacher)
    path = invite_from_the_page(client_request, pupil, parent_name="Lee Clarke")
    invitation = db.session.scalar(sa.select(ParentInvitation))
    page = client_request.get(f"/pupils/{pupil.id}")
    action = page.select_one("form[action$='/withdraw']")["action"]
    assert action == f"/pupils/{pupil.id}/invitations/{invitation.id}/withdraw"

    response = client_request.post(action, {})
    assert response.location == f"/pupils/{pupil.id}"
    page = client_request.get(f"/pupils/{pupil.id}")
    assert "is withdrawn" in page.get_text()
    assert page.select("form[action$='/withdraw']") == []
    assert [event.details["parent"] for event in events("invitation.withdrawn")] == ["Lee Clarke"]

    assert text_of(stranger.get(path, expected_status=410), "h1") == "This link does not work"
    client_request.post(action, {})
    assert "already been used or had expired" in client_request.get(f"/pupils/{pupil.id}").text


def test_a_signed_in_parent_adds_the_child_to_their_account(
    teacher, pupil, make_pupil, make_parent, phone_of
):
    sister = make_pupil(legal_name="Amy Clarke")
    parent = make_parent(sister, name="Donna Clarke")
    path = make_invitation(pupil, teacher)
    phone = phone_of(parent)

    page = phone.get(path)
    assert text_of(page, "h1") == "Add Jayden Clarke to your account"
    assert phone.post(path, {}).location == "/my-child"
    my_child = phone.get("/my-child")
    assert text_of(my_child, "h1") == "My children"
    assert [h2.get_text(strip=True) for h2 in my_child.select("main section h2")] == [
        "Amy Clarke",
        "Jayden Clarke",
    ]
    assert count(ParentLink) == 2
    assert db.session.scalar(sa.select(ParentInvitation.accepted_by_id)) == parent.id


def test_a_parent_already_linked_is_told_and_the_link_is_kept(
    teacher, pupil, make_parent, phone_of
):
    parent = make_parent(pupil)
    path = make_invitation(pupil, teacher)
    page = phone_of(parent).get(path)
    assert text_of(page, "h1") == "Jayden Clarke is already linked to your account"
    assert page.select("main form") == []
    assert db.session.scalar(sa.select(ParentInvitation.accepted_at)) is None


def test_staff_opening_the_link_do_not_use_it_up(teacher, pupil, phone_of):
    path = make_invitation(pupil, teacher)
    page = phone_of(teacher).get(path)
    assert text_of(page, "h1") == "This link is for a parent or carer"
    assert phone_of(teacher).client.post(path).status_code == 200
    assert db.session.scalar(sa.select(ParentInvitation.accepted_at)) is None
    assert count(ParentLink) == 0


def test_another_teachers_pupil_cannot_be_invited_for(make_user, pupil, phone_of):
    other_teacher = make_user(Role.TEACHER)
    phone = phone_of(other_teacher)
    phone.get(f"/pupils/{pupil.id}/invitations/new", expected_status=404)
    phone.post(f"/pupils/{pupil.id}/invitations/new", {"relationship": "Father"}, 404)
    assert count(ParentInvitation) == 0


def test_the_parent_who_used_the_link_is_taken_to_their_child_when_they_open_it_again(
    stranger, teacher, pupil, make_parent, phone_of
):
    path = make_invitation(pupil, teacher)
    stranger.post(path, NEW_PARENT)
    assert stranger.client.get(path).location == "/my-child"
    someone_else = phone_of(make_parent(pupil))
    assert text_of(someone_else.get(path, expected_status=410), "h1") == (
        "This link has already been used"
    )
