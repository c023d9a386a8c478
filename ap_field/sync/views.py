from flask import jsonify, render_template
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ap_field.common.access import EVERYONE_SIGNED_IN, allow, public
from ap_field.sync import bp
from ap_field.sync.protocol import install

bp.record_once(lambda setup: install(setup.app))


@bp.get("/sync/token")
@allow(*EVERYONE_SIGNED_IN)
def token():
    """What the outbox asks for before it sends: a CSRF token of this session, and whose
    session it is, so that a phone never sends one person's writes as another's."""
    response = jsonify(csrf_token=generate_csrf(), user=current_user.id)
    response.cache_control.no_store = True
    return response


@bp.get("/outbox")
@public
def outbox():
    """What this phone holds that the server does not have yet. The page itself holds
    nothing: static/js/outbox/page.js lists the phone's own outbox into it, so the service worker
    can keep a copy of it for when there is no signal, and it is there when signed out."""
    return render_template("sync/outbox.html")
