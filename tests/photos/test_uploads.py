"""Photos on a site check: uploaded one at a time beside the answer, cleaned, stored under
generated names, replay-safe, and shown only to those who read site checks."""

import hashlib
import io
import uuid

import pytest
import sqlalchemy as sa
from flask import current_app
from PIL import ExifTags, Image

from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.photos.models import Photo, PhotoChunk
from ap_field.photos.storage import STORAGES, photo_folder, photo_store
from ap_field.premises.models import Answer, CheckOutcome
from ap_field.premises.services import answer_item, sign_off
from tests.photos.test_images import has_no_metadata, phone_photo
from tests.premises.helpers import JPEG_START, answer_everything, jpeg_bytes, make_check

WHOLE_JPEG = jpeg_bytes(size=(400, 300), quality=95)
TRUNCATED_JPEG = WHOLE_JPEG[: len(WHOLE_JPEG) // 2]


@pytest.fixture
def assessor(make_user, auth):
    user = make_user(Role.ASSESSOR)
    auth.login(user)
    return user


@pytest.fixture
def check(assessor):
    return make_check(assessor)


def upload(client, check, data: bytes, *, name="IMG_0001.jpg", photo_uuid=None, **headers):
    item = check.items()[0]
    return client.post(
        f"/site-checks/{check.id}/items/{item.id}/photos",
        data={
            "photo": (io.BytesIO(data), name),
            "caption": "Fire exit, rear of workshop",
            "photo_uuid": str(photo_uuid or uuid.uuid4()),
        },
        content_type="multipart/form-data",
        headers=headers,
    )


def photos() -> list[Photo]:
    return list(db.session.scalars(sa.select(Photo).order_by(Photo.id)))


BOTH_STORES = pytest.mark.parametrize(
    "app_config", [{"PHOTO_STORAGE": "database"}, {"PHOTO_STORAGE": "folder"}], ids=STORAGES
)


def stored_files() -> list[str]:
    """The names of the files the configured store holds."""
    if current_app.config["PHOTO_STORAGE"] == "database":
        return sorted(db.session.scalars(sa.select(PhotoChunk.name).distinct()))
    folder = photo_folder()
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_a_photo_is_stored_clean_under_a_generated_name(client, check):
    response = upload(client, check, phone_photo())
    assert response.status_code == 302
    [photo] = photos()
    assert photo.caption == "Fire exit, rear of workshop"
    assert "IMG_0001" not in photo.stored_name
    stored = photo_store().read(photo.stored_name)
    thumbnail = photo_store().read(photo.thumbnail_name)
    has_no_metadata(stored)
    has_no_metadata(thumbnail)
    assert Image.open(io.BytesIO(stored)).getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert photo.sha256 == hashlib.sha256(stored).hexdigest()


def test_a_replayed_upload_adds_nothing_and_the_same_id_with_other_bytes_is_refused(client, check):
    photo_uuid = uuid.uuid4()
    data = jpeg_bytes()
    assert upload(client, check, data, photo_uuid=photo_uuid).status_code == 302
    assert upload(client, check, data, photo_uuid=photo_uuid).status_code == 302
    assert upload(client, check, data).status_code == 302
    assert len(photos()) == 1
    other = jpeg_bytes(colour=(0, 200, 0))
    assert upload(client, check, other, photo_uuid=photo_uuid).status_code == 422
    assert len(photos()) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4\n%%EOF\n", "The file is not a photo"),
        (TRUNCATED_JPEG, "The photo is damaged or incomplete"),
    ],
)
def test_a_refused_file_keeps_the_saved_answer_and_says_why(client, check, data, message):
    item = check.items()[0]
    answer_item(check, item, {"answer": Answer.YES, "comment": "Clean and tidy"})
    response = upload(client, check, data, name="report.jpg")
    assert response.status_code == 422
    assert message in response.text
    assert "Clean and tidy" in response.text
    assert photos() == []


# A small limit keeps the test's body under the size the test client spools to a file.
@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 256 * 1024}])
def test_a_file_over_the_size_limit_gets_a_413_page_that_keeps_the_rest(client, check):
    item = check.items()[0]
    answer_item(check, item, {"answer": Answer.YES, "comment": "Clean and tidy"})
    response = upload(client, check, b"\xff" * (300 * 1024))
    assert response.status_code == 413
    assert "The photo is bigger than 0.25 MB" in response.text
    assert "Clean and tidy" in response.text
    assert 'name="answer"' in response.text
    assert photos() == []


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 256 * 1024}])
def test_a_413_elsewhere_is_the_plain_page(client):
    response = client.post("/sign-in", data={"email": "x" * (300 * 1024)})
    assert response.status_code == 413
    assert "The file or form is too big" in response.text


def test_htmx_gets_only_the_photos_part_back(client, check):
    response = upload(
        client, check, jpeg_bytes(), **{"HX-Request": "true", "HX-Target": "item-photos"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="item-photos"')
    assert "Fire exit, rear of workshop" in response.text


def test_a_refused_file_under_htmx_comes_back_as_the_photos_part(client, check):
    response = upload(
        client, check, b"not a photo", **{"HX-Request": "true", "HX-Target": "item-photos"}
    )
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<section id="item-photos"')


def test_the_capture_form_asks_for_the_camera_and_warns_about_children(client_request, check):
    page = client_request.get(f"/site-checks/{check.id}/items/{check.items()[0].id}")
    field = page.select_one("input[type=file]")
    assert field["accept"] == "image/*"
    assert field["capture"] == "environment"
    assert "Do not photograph children unless their consent is recorded" in page.text
    assert page.select_one("script[type=module][src*='build/site-check-item.js?v=']"), (
        "the photo input's script, built with the item's others (static/js/site-check-item.js)"
    )


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.LEAD, Role.ADMIN])
def test_those_who_read_site_checks_see_its_photos_never_cached(
    client, check, make_user, auth, role
):
    upload(client, check, jpeg_bytes())
    [photo] = photos()
    auth.logout()
    auth.login(make_user(role))
    for path in (f"/photos/{photo.id}", f"/photos/{photo.id}/thumbnail"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.mimetype == "image/jpeg"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.data.startswith(JPEG_START)


@pytest.mark.parametrize("role", [Role.TEACHER, Role.PARENT])
def test_a_teacher_or_parent_cannot_open_a_checks_photos(client, check, make_user, auth, role):
    upload(client, check, jpeg_bytes())
    [photo] = photos()
    auth.logout()
    auth.login(make_user(role))
    assert client.get(f"/photos/{photo.id}").status_code == 404
    assert client.get(f"/photos/{photo.id}/thumbnail").status_code == 404


def test_strangers_are_sent_to_sign_in_for_a_photo(client, check):
    upload(client, check, jpeg_bytes())
    [photo] = photos()
    client.post("/sign-out")
    assert client.get(f"/photos/{photo.id}").status_code == 302


def test_a_photo_no_area_claims_is_seen_by_nobody(client, assessor):
    photo = Photo(
        stored_name="a.jpg",
        thumbnail_name="a.thumb.jpg",
        sha256="0" * 64,
        upload_sha256="0" * 64,
        width=1,
        height=1,
        byte_size=1,
        uploaded_by_id=assessor.id,
    )
    db.session.add(photo)
    db.session.commit()
    assert client.get(f"/photos/{photo.id}").status_code == 404


def test_a_photo_can_be_removed_from_a_draft(client, check):
    upload(client, check, jpeg_bytes())
    [photo] = photos()
    item = check.items()[0]
    response = client.post(f"/site-checks/{check.id}/items/{item.id}/photos/{photo.id}/remove")
    assert response.status_code == 302
    assert photos() == []
    assert not photo_store().has(photo.stored_name)
    assert not photo_store().has(photo.thumbnail_name)


def test_no_photo_is_added_to_a_signed_off_check(client, check):
    answer_everything(check)
    sign_off(
        check, {"outcome": CheckOutcome.SATISFACTORY, "competence_statement": "IOSH"}, check.version
    )
    assert upload(client, check, jpeg_bytes()).status_code == 409
    assert photos() == []


@BOTH_STORES
def test_a_save_that_fails_leaves_no_photo_file_behind(client, check, monkeypatch):
    def audit_fails(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("ap_field.premises.services.record", audit_fails)
    with pytest.raises(RuntimeError):
        upload(client, check, phone_photo())
    assert photos() == []
    assert stored_files() == []


@BOTH_STORES
def test_a_saved_photo_keeps_its_files_after_later_transactions(client, check):
    upload(client, check, phone_photo())
    db.session.rollback()
    [photo] = photos()
    assert stored_files() == sorted([photo.stored_name, photo.thumbnail_name])
