"""Where photo files are kept (docs/architecture.md, "Photos"): PHOTO_STORAGE "database", the
default, which every app server over the same database shares, or "folder", PHOTO_DIR or
instance/photos, which several servers share only if it is on storage they all mount.

Both keep and remove a file in the transaction of the record that names it: a save that fails
leaves no file behind, and a removal that does not commit keeps its file. `flask photos move`
carries the files over when PHOTO_STORAGE changes.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from ap_field.extensions import db
from ap_field.photos.models import PhotoChunk

# A photo is at most a 1600 px JPEG, well under a megabyte: a few pieces at most, each one row
# or one read, so that serving one never holds a whole file in a buffer of its own.
CHUNK = 256 * 1024
STORAGES = ("database", "folder")


class PhotoStore(Protocol):
    def put(self, name: str, data: bytes) -> None: ...
    def has(self, name: str) -> bool: ...
    def read(self, name: str) -> bytes: ...
    def pieces(self, name: str) -> Iterator[bytes]: ...
    def delete(self, name: str) -> None: ...


class DatabaseStore:
    """Each file as rows of photo_chunks, written and removed in the session's transaction."""

    def put(self, name: str, data: bytes) -> None:
        db.session.add_all(
            PhotoChunk(name=name, part=part, data=data[start : start + CHUNK])
            for part, start in enumerate(range(0, max(len(data), 1), CHUNK))
        )
        db.session.flush()

    def has(self, name: str) -> bool:
        return db.session.scalar(sa.select(sa.exists().where(PhotoChunk.name == name)))

    def read(self, name: str) -> bytes:
        pieces = list(self.pieces(name))
        if not pieces:
            raise FileNotFoundError(f"No photo file {name} in the database")
        return b"".join(pieces)

    def pieces(self, name: str) -> Iterator[bytes]:
        """Closed however the reading ends: a phone that goes away mid-photo leaves no cursor
        open on the database's server."""
        query = sa.select(PhotoChunk.data).filter_by(name=name).order_by(PhotoChunk.part)
        with db.session.scalars(query.execution_options(yield_per=1)) as rows:
            yield from rows

    def delete(self, name: str) -> None:
        db.session.execute(sa.delete(PhotoChunk).filter_by(name=name))


# Files written in a transaction that has not committed yet: if it ends without a commit
# they are removed, so a failed save leaves no file that no record names. And files to remove
# once it commits.
UNCOMMITTED_FILES = "photo_files_not_committed"
FILES_TO_REMOVE = "photo_files_to_remove"


class FolderStore:
    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, name: str) -> Path:
        return self.folder / name

    def put(self, name: str, data: bytes) -> None:
        """The file appears whole or not at all, and goes if its transaction does not commit."""
        self.folder.mkdir(parents=True, exist_ok=True)
        final = self._path(name)
        draft = final.with_name(f".{name}.part")
        draft.write_bytes(data)
        os.replace(draft, final)
        db.session.info.setdefault(UNCOMMITTED_FILES, []).append(final)

    def has(self, name: str) -> bool:
        return self._path(name).is_file()

    def read(self, name: str) -> bytes:
        return self._path(name).read_bytes()

    def pieces(self, name: str) -> Iterator[bytes]:
        with self._path(name).open("rb") as file:
            while piece := file.read(CHUNK):
                yield piece

    def delete(self, name: str) -> None:
        db.session.info.setdefault(FILES_TO_REMOVE, []).append(self._path(name))


@sa.event.listens_for(so.Session, "after_commit")
def _files_committed(session: so.Session) -> None:
    session.info.pop(UNCOMMITTED_FILES, None)
    for path in session.info.pop(FILES_TO_REMOVE, []):
        path.unlink(missing_ok=True)


@sa.event.listens_for(so.Session, "after_transaction_end")
def _files_not_committed(session: so.Session, transaction: so.SessionTransaction) -> None:
    """Rolled back or closed without a commit: the files written go too, those to remove stay."""
    if transaction.parent is None:
        session.info.pop(FILES_TO_REMOVE, None)
        for path in session.info.pop(UNCOMMITTED_FILES, []):
            path.unlink(missing_ok=True)


def photo_folder() -> Path:
    return Path(current_app.config.get("PHOTO_DIR") or Path(current_app.instance_path, "photos"))


def check_storage(storage: str) -> None:
    """At start-up: a mistyped PHOTO_STORAGE stops the app instead of losing photos."""
    if storage not in STORAGES:
        raise ValueError(f"PHOTO_STORAGE is {storage!r}; it is one of {', '.join(STORAGES)}.")


def store_named(storage: str) -> PhotoStore:
    return DatabaseStore() if storage == "database" else FolderStore(photo_folder())


def photo_store() -> PhotoStore:
    """The store PHOTO_STORAGE names, which new photos go into and are served from."""
    return store_named(current_app.config["PHOTO_STORAGE"])


def every_store() -> list[PhotoStore]:
    """Both stores: a photo's files are removed from both, so that none outlives its record
    in the store it was kept in before PHOTO_STORAGE changed."""
    return [store_named(storage) for storage in STORAGES]
