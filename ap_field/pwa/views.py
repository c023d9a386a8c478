import sqlalchemy as sa
from flask import current_app, jsonify, send_from_directory, url_for

from ap_field.common.access import public
from ap_field.extensions import db
from ap_field.pwa import bp

THEME_COLOUR = "#1d70b8"


@bp.route("/manifest.webmanifest")
@public
def manifest():
    """What a phone needs to install ap-field to its home screen."""
    icons = [
        ("icons/icon-192.png", "192x192", "any"),
        ("icons/icon-512.png", "512x512", "any"),
        ("icons/icon-maskable-512.png", "512x512", "maskable"),
    ]
    response = jsonify(
        {
            "name": "ap-field",
            "short_name": "ap-field",
            "description": "Alternative provision in the field: visits, registers, plans, checks.",
            "id": "/",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "orientation": "portrait",
            "background_color": "#ffffff",
            "theme_color": THEME_COLOUR,
            "icons": [
                {
                    "src": url_for("static", filename=path),
                    "sizes": sizes,
                    "type": "image/png",
                    "purpose": purpose,
                }
                for path, sizes, purpose in icons
            ],
        }
    )
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/sw.js")
@public
def service_worker():
    """The service worker, from the root so that its scope is the whole app. Browsers check it
    for updates; no-cache makes them ask every time rather than keep an old copy."""
    response = send_from_directory(current_app.static_folder, "sw.js", max_age=0)
    response.mimetype = "text/javascript"
    response.cache_control.no_cache = True
    return response


@bp.route("/health")
@public
def health():
    """For load balancers: answers 200 while the database answers."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return jsonify(status="database unavailable"), 503
    return jsonify(status="ok")
