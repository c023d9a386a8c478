"""Serving photos, only to those the owning record's area allows, and never to a cache."""

from flask import Response, abort, stream_with_context
from flask_login import current_user

from ap_field.common.access import EVERYONE_SIGNED_IN, allow
from ap_field.photos import bp
from ap_field.photos.access import may_see
from ap_field.photos.queries import photo_by_id
from ap_field.photos.storage import photo_store


def _serve(photo_id: int, thumbnail: bool):
    photo = photo_by_id(photo_id)
    if photo is None or not may_see(current_user, photo):
        abort(404)
    name = photo.thumbnail_name if thumbnail else photo.stored_name
    store = photo_store()
    if not store.has(name):
        abort(404)
    response = Response(stream_with_context(store.pieces(name)), mimetype="image/jpeg")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f'inline; filename="photo-{photo.id}.jpg"'
    return response


@bp.route("/photos/<int:photo_id>")
@allow(*EVERYONE_SIGNED_IN)
def show(photo_id: int):
    return _serve(photo_id, thumbnail=False)


@bp.route("/photos/<int:photo_id>/thumbnail")
@allow(*EVERYONE_SIGNED_IN)
def thumbnail(photo_id: int):
    return _serve(photo_id, thumbnail=True)
