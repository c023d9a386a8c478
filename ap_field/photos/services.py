"""Keeping a photo: cleaned (ap_field.photos.images), its files kept under a generated name
(ap_field.photos.storage), recorded. The area that owns the photo links it and commits, with
its audit."""

import secrets
import uuid

from ap_field.auth.models import User
from ap_field.common.pdf import data_url
from ap_field.common.writes import by_client_uuid
from ap_field.extensions import db
from ap_field.photos.images import CleanPhoto
from ap_field.photos.models import Photo
from ap_field.photos.storage import every_store, photo_store


def replayed_photo(client_uuid: uuid.UUID, upload_sha256: str) -> Photo | None:
    """The photo a replayed upload already made. The same id with other bytes is a different
    photo claiming a used id: 422, as for any replay whose body differs."""
    return by_client_uuid(Photo, client_uuid, upload_sha256=upload_sha256)


def keep_photo(
    clean: CleanPhoto, uploader: User | None, client_uuid: uuid.UUID, caption: str | None
):
    """Write the files and add the Photo to the session; the caller links it and commits."""
    stem = secrets.token_hex(16)
    stored_name, thumbnail_name = f"{stem}.jpg", f"{stem}.thumb.jpg"
    store = photo_store()
    store.put(stored_name, clean.image)
    store.put(thumbnail_name, clean.thumbnail)
    photo = Photo(
        client_uuid=client_uuid,
        stored_name=stored_name,
        thumbnail_name=thumbnail_name,
        sha256=clean.sha256,
        upload_sha256=clean.upload_sha256,
        width=clean.width,
        height=clean.height,
        byte_size=len(clean.image),
        caption=caption or None,
        uploaded_by_id=uploader.id if uploader else None,
    )
    db.session.add(photo)
    db.session.flush()
    return photo


def delete_files(photo: Photo) -> None:
    """The photo's files go from whichever store holds them, when the transaction commits."""
    for store in every_store():
        for name in (photo.stored_name, photo.thumbnail_name):
            store.delete(name)


def photo_data_url(photo: Photo) -> str:
    """The photo inside a page that is made into a PDF, which fetches nothing."""
    return data_url(photo_store().read(photo.stored_name), "image/jpeg")
