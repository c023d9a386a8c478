from flask import jsonify
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ap_field.common.access import EVERYONE_SIGNED_IN, allow
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
