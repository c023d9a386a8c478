"""Keeping a photo: cleaned (ap_field.photos.images), written under a generated name in the
photo folder, recorded. The area that owns the photo links it and commits, with its audit."""

import os
import secrets
import uuid
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from ap_field.auth.models import User
from ap_field.common.pdf import data_url
from ap_field.common.writes import by_client_uuid
from ap_field.extensions import db
from ap_field.photos.images import CleanPhoto
from ap_field.photos.models import Photo


def photo_folder() -> Path:
    """PHOTO_DIR when configured (shared storage for several app servers), else instance/photos."""
    folder = Path(current_app.config.get("PHOTO_DIR") or Path(current_app.instance_path, "photos"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def photo_path(name: str) -> Path:
    return photo_folder() / name


def _write(data: bytes, name: str) -> None:
    """The file appears whole or not at all."""
    final = photo_path(name)
    draft = final.with_name(f".{name}.part")
    draft.write_bytes(data)
    os.replace(draft, final)


def replayed_photo(client_uuid: uuid.UUID, upload_sha256: str) -> Photo | None:
    """The photo a replayed upload already made. The same id with other bytes is a different
    photo claiming a used id: 422, as for any replay whose body differs."""
    return by_client_uuid(Photo, client_uuid, upload_sha256=upload_sha256)


# Files written in a transaction that has not committed yet: if it ends without a commit
# they are removed, so a failed save leaves no file that no record names.
UNCOMMITTED_FILES = "photo_files_not_committed"


def keep_photo(
    clean: CleanPhoto, uploader: User | None, client_uuid: uuid.UUID, caption: str | None
):
    """Write the files and add the Photo to the session; the caller links it and commits."""
    stem = secrets.token_hex(16)
    stored_name, thumbnail_name = f"{stem}.jpg", f"{stem}.thumb.jpg"
    written = db.session.info.setdefault(UNCOMMITTED_FILES, [])
    for data, name in ((clean.image, stored_name), (clean.thumbnail, thumbnail_name)):
        _write(data, name)
        written.append(photo_path(name))
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
    for name in (photo.stored_name, photo.thumbnail_name):
        photo_path(name).unlink(missing_ok=True)


@sa.event.listens_for(so.Session, "after_commit")
def _files_committed(session: so.Session) -> None:
    session.info.pop(UNCOMMITTED_FILES, None)


@sa.event.listens_for(so.Session, "after_transaction_end")
def _files_not_committed(session: so.Session, transaction: so.SessionTransaction) -> None:
    """Rolled back or closed without a commit: the files go too."""
    if transaction.parent is None:
        for path in session.info.pop(UNCOMMITTED_FILES, []):
            path.unlink(missing_ok=True)


def photo_data_url(photo: Photo) -> str:
    """The photo inside a page that is made into a PDF, which fetches nothing."""
    return data_url(photo_path(photo.stored_name).read_bytes(), "image/jpeg")
