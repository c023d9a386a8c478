"""Where photo files are kept: in the database, which every app server over it shares, or in a
folder; kept and removed with the record that names them, served in pieces, and carried from
one store to the other by `flask photos move`."""

import os

import pytest
import sqlalchemy as sa

from ap_field import create_app
from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.photos.cli import photos_cli
from ap_field.photos.models import Photo
from ap_field.photos.storage import CHUNK, DatabaseStore, FolderStore, photo_folder, photo_store
from tests.helpers import AuthActions, config_for_tests, server_cursors_open
from tests.photos.test_uploads import BOTH_STORES, stored_files, upload
from tests.premises.helpers import JPEG_START, jpeg_bytes, make_check

LARGE = os.urandom(2 * CHUNK + 10)


@pytest.fixture
def check(make_user, auth):
    assessor = make_user(Role.ASSESSOR)
    auth.login(assessor)
    return make_check(assessor)


def only_photo() -> Photo:
    return db.session.scalars(sa.select(Photo)).one()


def test_a_photo_sent_to_one_server_is_served_by_another(
    client, check, make_app, make_user, tmp_path, monkeypatch
):
    upload(client, check, jpeg_bytes())
    photo = only_photo()
    monkeypatch.setenv("AP_FIELD_INSTANCE", str(tmp_path / "another-server"))
    other = make_app()
    lead = make_user(Role.LEAD)
    other_client = other.test_client()
    AuthActions(other_client).login(lead)
    served = other_client.get(f"/photos/{photo.id}")
    assert served.status_code == 200
    assert served.data.startswith(JPEG_START)
    assert served.data == photo_store().read(photo.stored_name)
    assert not (tmp_path / "another-server" / "photos").exists()


def test_a_photo_left_half_read_leaves_no_cursor_open(app):
    """A phone that goes away while a photo comes: the rest of its pieces are not read, and
    the cursor over them is closed as the response ends, not left to the garbage collector."""
    store = DatabaseStore()
    store.put("large.jpg", LARGE)
    db.session.commit()
    pieces = store.pieces("large.jpg")
    assert len(next(pieces)) == CHUNK
    pieces.close()
    assert server_cursors_open() == 0


@BOTH_STORES
def test_a_file_is_kept_and_read_back_in_pieces(app):
    store = photo_store()
    store.put("large.jpg", LARGE)
    db.session.commit()
    pieces = list(store.pieces("large.jpg"))
    assert [len(piece) for piece in pieces] == [CHUNK, CHUNK, 10]
    assert b"".join(pieces) == LARGE == store.read("large.jpg")
    assert store.has("large.jpg")
    assert not store.has("other.jpg")


@BOTH_STORES
def test_a_removal_that_does_not_commit_keeps_the_file(app):
    store = photo_store()
    store.put("kept.jpg", LARGE)
    db.session.commit()
    store.delete("kept.jpg")
    db.session.rollback()
    assert store.read("kept.jpg") == LARGE
    store.delete("kept.jpg")
    db.session.commit()
    assert stored_files() == []


def test_a_file_the_database_does_not_hold_cannot_be_read(app):
    with pytest.raises(FileNotFoundError):
        DatabaseStore().read("missing.jpg")


def test_removing_a_photo_removes_its_files_from_both_stores(app, client, check):
    upload(client, check, jpeg_bytes())
    photo = only_photo()
    left_in_the_folder = FolderStore(photo_folder())
    left_in_the_folder.put(photo.stored_name, b"an old copy")
    db.session.commit()
    item = check.items()[0]
    client.post(f"/site-checks/{check.id}/items/{item.id}/photos/{photo.id}/remove")
    assert not DatabaseStore().has(photo.stored_name)
    assert not left_in_the_folder.has(photo.stored_name)


def move(app, to: str):
    app.config["PHOTO_STORAGE"] = to
    return app.test_cli_runner().invoke(photos_cli, ["move"])


def test_photos_move_from_a_folder_into_the_database_and_back(app, client, check):
    app.config["PHOTO_STORAGE"] = "folder"
    upload(client, check, jpeg_bytes())
    photo = only_photo()
    names = [photo.stored_name, photo.thumbnail_name]
    in_folder = [FolderStore(photo_folder()).read(name) for name in names]

    result = move(app, "database")
    assert result.exit_code == 0, result.output
    assert "2 moved, 0 already there, 0 in neither" in result.output
    assert [DatabaseStore().read(name) for name in names] == in_folder
    assert list(photo_folder().iterdir()) == []
    assert client.get(f"/photos/{photo.id}").data == in_folder[0]

    again = move(app, "database")
    assert "0 moved, 2 already there, 0 in neither" in again.output

    back = move(app, "folder")
    assert "2 moved" in back.output
    assert [FolderStore(photo_folder()).read(name) for name in names] == in_folder
    assert not DatabaseStore().has(photo.stored_name)


def test_a_move_run_again_removes_the_old_copies_of_one_that_stopped(app, client, check):
    upload(client, check, jpeg_bytes())
    photo = only_photo()
    folder = FolderStore(photo_folder())
    for name in (photo.stored_name, photo.thumbnail_name):
        folder.put(name, DatabaseStore().read(name))
    db.session.commit()
    result = move(app, "folder")
    assert "0 moved, 2 already there, 0 in neither" in result.output
    assert not DatabaseStore().has(photo.stored_name)
    assert not DatabaseStore().has(photo.thumbnail_name)
    assert folder.read(photo.stored_name).startswith(JPEG_START)


def test_a_move_names_the_files_in_neither_store(app, client, check):
    upload(client, check, jpeg_bytes())
    photo = only_photo()
    DatabaseStore().delete(photo.thumbnail_name)
    db.session.commit()
    result = move(app, "folder")
    assert result.exit_code == 1
    assert "1 moved, 0 already there, 1 in neither" in result.output
    assert "1 files are in neither store: restore them from a backup" in result.output


def test_a_file_that_does_not_match_its_checksum_is_not_moved(app, client, check):
    upload(client, check, jpeg_bytes())
    photo = only_photo()
    photo.sha256 = "0" * 64
    db.session.commit()
    result = move(app, "folder")
    assert result.exit_code == 1
    assert f"{photo.stored_name} does not match its recorded checksum" in result.output
    assert DatabaseStore().has(photo.stored_name)
    assert not photo_folder().exists()


def test_an_unknown_photo_storage_stops_the_app_at_start(migrated):
    with pytest.raises(ValueError, match="PHOTO_STORAGE is 'disk'; it is one of database, folder"):
        create_app(config_for_tests(migrated, PHOTO_STORAGE="disk"))
