"""A photo marked on the phone before it is sent: the marked copy is what the check's pages
and report show, and the original is kept beside it."""

import io
import uuid

import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.photos.models import Photo
from tests.premises.helpers import JPEG_START, jpeg_bytes, make_check


@pytest.fixture
def assessor(make_user, auth):
    user = make_user(Role.ASSESSOR)
    auth.login(user)
    return user


def send(client, check, annotated: bytes | None, photo_uuid=None):
    item = check.items()[0]
    data = {
        "photo": (io.BytesIO(jpeg_bytes(colour=(0, 90, 200))), "IMG_0002.jpg"),
        "caption": "Fire door wedged open",
        "photo_uuid": str(photo_uuid or uuid.uuid4()),
    }
    if annotated is not None:
        data["annotated"] = (io.BytesIO(annotated), "IMG_0002-annotated.jpg")
    return client.post(
        f"/site-checks/{check.id}/items/{item.id}/photos",
        data=data,
        content_type="multipart/form-data",
    )


def test_the_marked_copy_is_shown_and_the_original_kept(client, client_request, assessor):
    check = make_check(assessor)
    assert send(client, check, jpeg_bytes(colour=(250, 220, 0))).status_code == 302
    original, marked = db.session.scalars(sa.select(Photo).order_by(Photo.id)).all()
    assert original.annotated_id == marked.id
    db.session.refresh(check)
    assert check.answers[0].photos == [original]

    item = client_request.get(f"/site-checks/{check.id}/items/{check.items()[0].id}")
    [shown] = item.select("#item-photos img")
    assert shown["src"] == f"/photos/{marked.id}/thumbnail"
    assert (
        item.select_one(f'a[href="/photos/{original.id}"]')
        .get_text()
        .startswith("the photo without marks")
    )
    report = client_request.get(f"/site-checks/{check.id}/report")
    assert report.select_one(".app-report__answers img")["src"] == f"/photos/{marked.id}/thumbnail"
    served = {photo: client.get(f"/photos/{photo.id}") for photo in (marked, original)}
    assert all(response.status_code == 200 for response in served.values())
    assert served[marked].data.startswith(JPEG_START)
    assert served[marked].data != served[original].data


def test_without_marks_only_the_photo_is_kept(client, assessor):
    check = make_check(assessor)
    send(client, check, None)
    [photo] = db.session.scalars(sa.select(Photo)).all()
    assert photo.annotated_id is None


def test_a_marked_copy_that_is_not_a_photo_refuses_both(client, assessor):
    check = make_check(assessor)
    response = send(client, check, b"not a photo at all")
    assert response.status_code == 422
    assert db.session.scalars(sa.select(Photo)).all() == []


def test_a_teacher_sees_neither_and_removing_the_photo_removes_both(
    client, client_request, assessor, make_user, auth
):
    check = make_check(assessor)
    send(client, check, jpeg_bytes(colour=(250, 220, 0)))
    original, marked = db.session.scalars(sa.select(Photo).order_by(Photo.id)).all()
    item = check.items()[0]
    client_request.post(f"/site-checks/{check.id}/items/{item.id}/photos/{original.id}/remove", {})
    assert db.session.scalars(sa.select(Photo)).all() == []

    send(client, check, jpeg_bytes(colour=(250, 220, 0)))
    marked = db.session.scalars(sa.select(Photo).order_by(Photo.id.desc())).first()
    auth.logout()
    auth.login(make_user(Role.TEACHER))
    assert client.get(f"/photos/{marked.id}").status_code == 404
