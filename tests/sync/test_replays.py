"""A phone's outbox sends a write with an Idempotency-Key, maybe more than once: the write is
made once, every send of it gets the same answer, and a key never stands for two writes."""

import gzip
import io
import json
import uuid

import sqlalchemy as sa

from ap_field.assessments.models import Assessment
from ap_field.attendance.models import AttendanceMark
from ap_field.auth.devices import sign_out_everywhere
from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.photos.models import Photo
from ap_field.sessions.models import SessionNote
from ap_field.visits.models import HomeVisit
from tests.assessments.helpers import assessment_form, make_assessment
from tests.helpers import AuthActions
from tests.premises.helpers import jpeg_bytes, make_check
from tests.sync.conftest import keyed, mark_form, note_form, saved_keys, visit_form


def notes() -> list[SessionNote]:
    return list(db.session.scalars(sa.select(SessionNote)))


def test_a_create_answers_201_with_where_it_is_and_a_replay_gets_the_same(client, pupil):
    form, key = note_form(), uuid.uuid4()
    first = client.post(f"/pupils/{pupil.id}/notes/new", data=form, headers=keyed(key))

    [note] = notes()
    where = f"/pupils/{pupil.id}/notes/{note.id}"
    assert first.status_code == 201
    assert first.headers["Location"] == where
    assert first.json == {"location": where}
    assert "Idempotent-Replayed" not in first.headers
    assert "no-store" in first.headers["Cache-Control"]
    assert "Content-Security-Policy" in first.headers

    again = client.post(f"/pupils/{pupil.id}/notes/new", data=form, headers=keyed(key))
    assert again.status_code == 201
    assert again.headers["Location"] == where
    assert again.json == {"location": where}
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "no-store" in again.headers["Cache-Control"]
    assert len(notes()) == 1
    [saved] = saved_keys()
    assert (saved.key, saved.status_code, saved.location) == (key, 201, where)


def test_without_a_key_a_write_works_as_a_plain_form(client, pupil):
    response = client.post(f"/pupils/{pupil.id}/notes/new", data=note_form())
    assert response.status_code == 302
    assert len(notes()) == 1
    assert saved_keys() == []


def test_the_same_key_with_another_body_is_422_and_changes_nothing(client, pupil):
    form, key = note_form(), uuid.uuid4()
    client.post(f"/pupils/{pupil.id}/notes/new", data=form, headers=keyed(key))

    changed = form | {"progress": "Something else entirely"}
    response = client.post(f"/pupils/{pupil.id}/notes/new", data=changed, headers=keyed(key))

    assert response.status_code == 422
    assert "different request" in response.json["error"]
    [note] = notes()
    assert note.progress == "Read two chapters aloud"


def test_another_users_key_is_422(app, client, pupil, make_user):
    form, key = note_form(), uuid.uuid4()
    client.post(f"/pupils/{pupil.id}/notes/new", data=form, headers=keyed(key))
    lead = app.test_client()
    AuthActions(lead).login(make_user(Role.LEAD))

    response = lead.post(f"/pupils/{pupil.id}/notes/new", data=form, headers=keyed(key))

    assert response.status_code == 422
    assert len(notes()) == 1


def test_a_key_that_is_not_a_uuid_is_400_and_saves_nothing(client, pupil):
    response = client.post(f"/pupils/{pupil.id}/notes/new", data=note_form(), headers=keyed("op-1"))
    assert response.status_code == 400
    assert notes() == []


def test_a_refused_form_is_422_with_the_page_and_the_corrected_form_may_use_the_key(client, pupil):
    form, key = note_form(place=""), uuid.uuid4()
    refused = client.post(f"/pupils/{pupil.id}/notes/new", data=form, headers=keyed(key))

    assert refused.status_code == 422
    assert refused.mimetype == "text/html"
    assert "Enter where the session happened" in refused.text
    assert notes() == []
    assert saved_keys() == []

    corrected = form | {"place": "Library"}
    response = client.post(f"/pupils/{pupil.id}/notes/new", data=corrected, headers=keyed(key))
    assert response.status_code == 201
    assert [note.place for note in notes()] == ["Library"]


def test_signed_out_is_401_and_saves_nothing(client, auth, pupil, teacher):
    sign_out_everywhere(teacher)
    db.session.commit()
    ended = client.post(f"/pupils/{pupil.id}/notes/new", data=note_form(), headers=keyed())
    assert ended.status_code == 401
    assert "Location" not in ended.headers
    assert ended.json["error"]

    auth.logout()
    signed_out = client.post(f"/pupils/{pupil.id}/notes/new", data=note_form(), headers=keyed())
    assert signed_out.status_code == 401
    assert notes() == []
    assert saved_keys() == []


def test_a_signed_out_person_without_a_key_still_goes_to_sign_in(client, pupil, auth):
    auth.logout()
    response = client.post(f"/pupils/{pupil.id}/notes/new", data=note_form())
    assert response.status_code == 302
    assert response.location.startswith("/sign-in?next=")
    assert "Sign in to see that page." in client.get(response.location).text


def test_a_background_send_leaves_no_message_for_a_later_page(client, pupil):
    """A message already waiting stays; the background send's own is dropped."""
    client.post(f"/pupils/{pupil.id}/notes/new", data=note_form())
    response = client.post(f"/pupils/{pupil.id}/notes/new", data=note_form(), headers=keyed())

    page = client.get(response.headers["Location"]).text
    assert page.count("Session note sent.") == 1
    assert "Session note sent." not in client.get(response.headers["Location"]).text


def test_an_edit_answers_200_and_its_replay_is_not_a_conflict(client, pupil, teacher):
    created = client.post(f"/pupils/{pupil.id}/visits/new", data=visit_form())
    path = f"{created.location}/record"
    form, key = visit_form(address="2 New Road", version="1"), uuid.uuid4()

    first = client.post(path, data=form, headers=keyed(key))
    again = client.post(path, data=form, headers=keyed(key))

    assert first.status_code == again.status_code == 200
    assert first.headers["Location"] == again.headers["Location"] == created.location
    assert again.headers["Idempotent-Replayed"] == "true"
    visit = db.session.scalar(sa.select(HomeVisit))
    assert (visit.address, visit.version) == ("2 New Road", 2)

    other = client.post(path, data=form | {"address": "3 Old Road"}, headers=keyed(key))
    assert other.status_code == 422
    db.session.refresh(visit)
    assert (visit.address, visit.version) == ("2 New Road", 2)


def test_a_stale_edit_passes_its_409_through_and_saves_no_key(client, pupil, teacher):
    assessment = make_assessment(pupil, teacher, wellbeing=2)
    assessment.wellbeing = 3
    db.session.commit()
    path = f"/pupils/{pupil.id}/assessments/{assessment.id}/edit"

    response = client.post(path, data=assessment_form(version="1"), headers=keyed())

    assert response.status_code == 409
    assert response.mimetype == "text/html"
    db.session.expire_all()
    assert db.session.get(Assessment, assessment.id).version == 2
    assert saved_keys() == []


def upload(client, check, data: bytes, photo_uuid: uuid.UUID, key: uuid.UUID, name: str):
    item = check.items()[0]
    return client.post(
        f"/site-checks/{check.id}/items/{item.id}/photos",
        data={
            "photo": (io.BytesIO(data), name),
            "caption": "Fire exit, rear of workshop",
            "photo_uuid": str(photo_uuid),
        },
        content_type="multipart/form-data",
        headers=keyed(key),
    )


def test_a_photo_sent_again_under_another_file_name_is_one_photo(client, make_user, auth):
    assessor = make_user(Role.ASSESSOR)
    auth.login(assessor)
    check = make_check(assessor)
    photo_uuid, key, data = uuid.uuid4(), uuid.uuid4(), jpeg_bytes()

    first = upload(client, check, data, photo_uuid, key, "IMG_0001.jpg")
    again = upload(client, check, data, photo_uuid, key, "photo.jpg")

    item_page = f"/site-checks/{check.id}/items/{check.items()[0].id}"
    assert first.status_code == again.status_code == 200
    assert first.headers["Location"] == again.headers["Location"] == item_page
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(db.session.scalars(sa.select(Photo)).all()) == 1

    other_bytes = jpeg_bytes(colour=(0, 200, 0))
    assert upload(client, check, other_bytes, photo_uuid, key, "photo.jpg").status_code == 422
    refused = upload(client, check, b"not a photo", uuid.uuid4(), uuid.uuid4(), "x.jpg")
    assert refused.status_code == 422
    assert "The file is not a photo" in refused.text
    assert len(db.session.scalars(sa.select(Photo)).all()) == 1


def test_a_register_mark_sent_twice_is_one_mark(client, pupil, register_open):
    form, key = mark_form(), uuid.uuid4()
    first = client.post(f"/pupils/{pupil.id}/attendance", data=form, headers=keyed(key))
    again = client.post(f"/pupils/{pupil.id}/attendance", data=form, headers=keyed(key))

    assert first.status_code == again.status_code == 201
    assert first.headers["Location"].endswith(f"#pupil-{pupil.id}")
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(db.session.scalars(sa.select(AttendanceMark)).all()) == 1


def test_a_form_sent_while_the_person_waits_keeps_its_message(client, pupil):
    response = client.post(
        f"/pupils/{pupil.id}/notes/new", data=note_form(), headers=keyed(**{"X-Outbox": ""})
    )

    assert response.status_code == 201
    assert "Session note sent." in client.get(response.headers["Location"]).text


def test_a_create_form_with_an_empty_version_field_is_a_create(client, pupil):
    response = client.post(
        f"/pupils/{pupil.id}/assessments/new",
        data=assessment_form(version="", client_uuid=str(uuid.uuid4())),
        headers=keyed(),
    )

    assert response.status_code == 201


def test_an_answer_rewritten_by_the_protocol_is_compressed_as_sent(client, pupil):
    path = f"/pupils/{pupil.id}/notes/new"
    refused = client.post(
        path, data=note_form(place=""), headers=keyed(**{"Accept-Encoding": "gzip"})
    )
    created = client.post(path, data=note_form(), headers=keyed(**{"Accept-Encoding": "gzip"}))

    def text(response):
        gzipped = response.headers.get("Content-Encoding") == "gzip"
        return (gzip.decompress(response.data) if gzipped else response.data).decode()

    assert refused.status_code == 422
    assert "Enter where the session happened" in text(refused)
    assert created.status_code == 201
    assert json.loads(text(created)) == {"location": created.headers["Location"]}


def test_a_refused_form_the_person_waits_on_comes_back_as_its_page_marked_refused(client, pupil):
    response = client.post(
        f"/pupils/{pupil.id}/notes/new",
        data=note_form(place=""),
        headers=keyed(**{"X-Outbox": ""}),
    )

    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert "Enter where the session happened" in response.text
