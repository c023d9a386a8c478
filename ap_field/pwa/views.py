from flask import current_app, jsonify, render_template, request, url_for

from ap_field.common.access import public
from ap_field.pwa import bp
from ap_field.pwa.queries import database_answers
from ap_field.pwa.services import hash_static_urls, static_cache_headers, worker_script

THEME_COLOUR = "#1d70b8"
MANIFEST = {
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
}
ICONS = [
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/icon-maskable-512.png", "512x512", "maskable"),
]


@bp.route("/manifest.webmanifest")
@public
def manifest():
    """What a phone needs to install ap-field to its home screen."""
    icons = [
        {
            "src": url_for("static", filename=path),
            "sizes": sizes,
            "type": "image/png",
            "purpose": purpose,
        }
        for path, sizes, purpose in ICONS
    ]
    response = jsonify(MANIFEST | {"icons": icons})
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/sw.js")
@public
def service_worker():
    """The service worker, from the root so that its scope is the whole app. Browsers check it
    for updates; no-cache makes them ask every time rather than keep an old copy."""
    response = current_app.response_class(worker_script(), mimetype="text/javascript")
    response.cache_control.no_cache = True
    return response


@bp.route("/offline")
@public
def offline():
    """What the service worker shows for a page it cannot fetch and nobody kept. It is
    precached without cookies, so it holds nobody's data: the kept pages it lists are read
    from the phone by its script."""
    return render_template("pwa/offline.html")


@bp.route("/health")
@public
def health():
    """For load balancers: answers 200 while the database answers."""
    if not database_answers():
        return jsonify(status="database unavailable"), 503
    return jsonify(status="ok")


bp.app_url_defaults(hash_static_urls)


@bp.after_app_request
def cache_static_files(response):
    if request.endpoint == "static" and response.status_code in (200, 304):
        return static_cache_headers(response, request.view_args["filename"], request.args.get("v"))
    return response
