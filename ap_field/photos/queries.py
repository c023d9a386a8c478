"""Photos as the areas that hold them read them; who may see one is `photos.access`."""

from ap_field.extensions import db
from ap_field.photos.models import Photo


def photo_by_id(photo_id: int) -> Photo | None:
    return db.session.get(Photo, photo_id)
