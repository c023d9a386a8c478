"""Photo evidence. A photo belongs to a record of some area (a site check's answer, for one),
which links to it from its own table and decides who may see it (ap_field.photos.access).

The stored file is a re-encoded JPEG without any metadata, under a generated name, kept by
ap_field.photos.storage, never under `static/`; `client_uuid` is the id the phone gave the
photo, so a replayed upload finds it.
"""

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.auth.models import User
from ap_field.common.models import SyncedRecord
from ap_field.extensions import db


class Photo(SyncedRecord, db.Model):
    __tablename__ = "photos"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    stored_name: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    thumbnail_name: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    # Of the file as stored, to check it later, and of the upload, to recognise a replay.
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    upload_sha256: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    width: so.Mapped[int]
    height: so.Mapped[int]
    byte_size: so.Mapped[int]
    caption: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    # None: sent through an emailed link, by someone without an account.
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    # A copy with arrows, circles and labels drawn on the phone before it was sent: what a
    # report shows; this photo is the original, kept as taken.
    annotated_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("photos.id"))

    uploaded_by: so.Mapped[User | None] = so.relationship()
    annotated: so.Mapped["Photo | None"] = so.relationship(remote_side=[id])

    @property
    def shown(self) -> "Photo":
        """The photo a report shows: the marked copy where there is one."""
        return self.annotated or self

    def __repr__(self) -> str:
        return f"<Photo {self.id} {self.stored_name}>"


class PhotoChunk(db.Model):
    """A piece of a photo file kept in the database (ap_field.photos.storage.DatabaseStore),
    named as the file is in Photo.stored_name or Photo.thumbnail_name."""

    __tablename__ = "photo_chunks"

    name: so.Mapped[str] = so.mapped_column(sa.String(80), primary_key=True)
    part: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    data: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
