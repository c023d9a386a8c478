"""`flask photos move`: carries every photo's files into the store PHOTO_STORAGE names from the
other one, after PHOTO_STORAGE changes (docs/architecture.md, "Photos")."""

import hashlib
from dataclasses import dataclass

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from ap_field.extensions import db
from ap_field.photos.models import Photo
from ap_field.photos.storage import STORAGES, PhotoStore, photo_store, store_named

photos_cli = AppGroup("photos", help="Photo files.")

BATCH = 50


@dataclass
class Moved:
    moved: int = 0
    already_there: int = 0
    missing: int = 0


@photos_cli.command("move")
def move_command() -> None:
    """Copy each photo's files from the other store into PHOTO_STORAGE's, each photo checked
    against its recorded checksum, then remove them from the other store once the copies read
    back the same. Run it with the app servers stopped, and again to finish a move that
    stopped: copies already made are checked and their old files removed."""
    storage = current_app.config["PHOTO_STORAGE"]
    [other] = [name for name in STORAGES if name != storage]
    counts = move_photos(other)
    click.echo(
        f"Photo files moved from {other} to {storage}: {counts.moved} moved, "
        f"{counts.already_there} already there, {counts.missing} in neither."
    )
    if counts.missing:
        raise click.ClickException(
            f"{counts.missing} files are in neither store: restore them from a backup."
        )


def move_photos(source_storage: str) -> Moved:
    """Commits every BATCH photos, so a move stopped halfway keeps what it did. A file leaves
    the other store only once its copy in this one has committed and reads back the same,
    so a move run again after one that stopped finishes it, old copies included."""
    source, target = store_named(source_storage), photo_store()
    counts = Moved()
    photos = db.session.execute(
        sa.select(Photo.stored_name, Photo.thumbnail_name, Photo.sha256).order_by(Photo.id)
    ).all()
    for start in range(0, len(photos), BATCH):
        carried = {}
        for stored_name, thumbnail_name, sha256 in photos[start : start + BATCH]:
            for name in (stored_name, thumbnail_name):
                recorded = sha256 if name == stored_name else None
                if source.has(name):
                    carried[name] = _carry(source, target, name, recorded, counts)
                elif target.has(name):
                    counts.already_there += 1
                else:
                    counts.missing += 1
        db.session.commit()
        for name, digest in carried.items():
            if _digest(target.read(name)) != digest:
                raise click.ClickException(f"The copy of {name} does not read back the same.")
            source.delete(name)
        db.session.commit()
    return counts


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _carry(
    source: PhotoStore, target: PhotoStore, name: str, recorded: str | None, counts: Moved
) -> str:
    """The file copied into `target` unless a copy is there already, first checked against the
    checksum recorded for it (a photo's, not its thumbnail's); its digest, which the copy must
    read back as before the source's goes."""
    data = source.read(name)
    digest = _digest(data)
    if recorded is not None and digest != recorded:
        raise click.ClickException(f"{name} does not match its recorded checksum.")
    if target.has(name):
        counts.already_there += 1
    else:
        target.put(name, data)
        counts.moved += 1
    return digest
