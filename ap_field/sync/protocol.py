"""The server's side of the offline write protocol (docs/architecture.md, "The offline
protocol").

A POST with an `Idempotency-Key` header comes from the outbox: a replay, or a first send
the outbox may repeat. No view knows about it; hooks around every request do the work.

- Before the view: signed out → 401, so the phone keeps the write and asks to sign in;
  a key that is not a UUID → 400; a key this user already used for this same request →
  the answer it got then, with `Idempotent-Replayed: true`; a key used for another request
  or by another user → 422.
- While the view runs: the key is added to the first commit the request makes, so it is
  saved exactly when the change is, and a second identical request cannot make it again.
- After the view: a change committed, or a redirect → 201 for a create (a form with a
  `client_uuid` and no `version`), otherwise 200, with `Location` and `{"location": ...}`;
  an htmx request (`HX-Request`) whose change answered with the part of the page to swap
  keeps that HTML under the same status; a 200 page without a change (a refused form) →
  422 with the page, which the form shows; any other status as the view gave it. The
  answer is stored on the key; a replay answers its status and `Location` as JSON, and an
  htmx form then asks for its part of the page afresh. A background replay
  (`X-Outbox: replay`) drops its flash messages, which the person would otherwise see on
  some later page; a form sent while the person waits keeps them for the page it goes on to.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import (
    Flask,
    Response,
    flash,
    g,
    has_request_context,
    redirect,
    request,
    session,
)
from flask_login import current_user, login_url

from ap_field.extensions import db, login_manager
from ap_field.sync.models import IdempotencyKey

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
REPLAY_HEADER = "X-Outbox"
# Asked by the outbox itself, which needs 401 rather than the sign-in page.
OUTBOX_ENDPOINTS = frozenset({"sync.token"})
# A replay carries a fresh CSRF token; everything else it sends is what it sent first.
UNHASHED_FIELDS = frozenset({"csrf_token"})
_FLASHES = "_flashes"  # where Flask's flash() keeps its messages in the session
_CHUNK = 64 * 1024


@dataclass
class KeyedRequest:
    """What the hooks of one keyed request share: the key, and whether it is saved yet."""

    key: uuid.UUID
    user_id: int
    request_hash: str
    creates: bool
    flashes_before: int
    row: IdempotencyKey | None = None
    committed: bool = False
    answered: bool = False


def is_keyed() -> bool:
    return request.method == "POST" and KEY_HEADER in request.headers


def request_hash() -> str:
    """SHA-256 of what the request asks for: method, path, query, every form field but the
    CSRF token, and each file as its field's name and the SHA-256 of its bytes. A file's own
    name is left out, as a phone may give the same photo another name when it sends again."""
    fields = sorted(
        (name, values) for name, values in request.form.lists() if name not in UNHASHED_FIELDS
    )
    files = sorted(
        (name, _sha256_of(upload.stream)) for name, upload in request.files.items(multi=True)
    )
    query = request.query_string.decode("latin-1")
    described = json.dumps([request.method, request.path, query, fields, files])
    return hashlib.sha256(described.encode()).hexdigest()


def _sha256_of(stream) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def _creates() -> bool:
    """A create form carries the client_uuid made when it opened; an edit carries a version
    (a create form may carry the field, empty)."""
    has_uuid = bool(request.form.get("client_uuid", "").strip())
    return has_uuid and not request.form.get("version", "").strip()


def _state() -> KeyedRequest | None:
    return g.get("keyed_request") if has_request_context() else None


def _find(key: uuid.UUID) -> IdempotencyKey | None:
    return db.session.scalar(sa.select(IdempotencyKey).where(IdempotencyKey.key == key))


def _json(status: int, body: dict, response: Response | None = None) -> Response:
    """`body` as JSON. Given the view's `response`, that response becomes the answer, so it
    keeps the headers the other after-request hooks have already set on it."""
    response = response or Response()
    response.set_data(json.dumps(body))
    response.mimetype = "application/json"
    response.status_code = status
    return response


def _error(status: int, message: str, response: Response | None = None) -> Response:
    return _json(status, {"error": message}, response)


def _answer(status: int, location: str | None, response: Response | None = None) -> Response:
    response = _json(status, {"location": location}, response)
    if location:
        response.headers["Location"] = location
    else:
        response.headers.pop("Location", None)
    return response


def _replay(state: KeyedRequest, row: IdempotencyKey, response: Response | None = None):
    """The answer a used key gets: the first answer again, or 422 when the key was used for
    another request. A key saved without its answer proves the change was made."""
    state.answered = True
    if row.user_id != state.user_id or row.request_hash != state.request_hash:
        message = "This Idempotency-Key was already used for a different request."
        return _error(422, message, response)
    response = _answer(row.status_code or (201 if state.creates else 200), row.location, response)
    response.headers[REPLAYED_HEADER] = "true"
    return response


def unauthorized():
    """Flask-Login's answer to a signed-out request. A phone sending its outbox, or asking for
    a token to do so, hears 401 and keeps its writes; a person is sent to sign in, with the
    message and the way back that Flask-Login gives by default."""
    if is_keyed() or request.endpoint in OUTBOX_ENDPOINTS:
        return _error(401, "Sign in, then send this again.")
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=request.url))


def refuse_signed_out():
    """Runs before every other check, CSRF's included: a phone whose session has ended sends
    a token that session no longer knows, and must hear 401, not the 400 of an expired form."""
    if is_keyed() and not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def answer_used_keys():
    """Before the view: a used key is answered here; a new one is remembered for the commit."""
    if not is_keyed():
        return None
    try:
        key = uuid.UUID(request.headers[KEY_HEADER])
    except ValueError:
        return _error(400, "The Idempotency-Key must be a UUID.")
    state = KeyedRequest(
        key=key,
        user_id=current_user.id,
        request_hash=request_hash(),
        creates=_creates(),
        flashes_before=len(session.get(_FLASHES, ())),
    )
    g.keyed_request = state
    if (row := _find(key)) is not None:
        return _replay(state, row)
    return None


@sa.event.listens_for(so.Session, "before_commit")
def _save_key_with_the_change(session: so.Session) -> None:
    """The key goes into the first commit of the request, again if that commit failed."""
    state = _state()
    if state is None or state.answered or state.committed or session is not db.session():
        return
    if state.row is not None and state.row in session:
        return
    state.row = IdempotencyKey(
        key=state.key, user_id=state.user_id, request_hash=state.request_hash
    )
    session.add(state.row)


@sa.event.listens_for(so.Session, "after_commit")
def _key_saved(session: so.Session) -> None:
    state = _state()
    if state is not None and state.row is not None and state.row in session:
        state.committed = True


def answer_keyed_request(response: Response) -> Response:
    """After the view: the protocol's answer, stored on the key for the replays to come."""
    state = _state()
    if state is None:
        return response
    _drop_new_flashes(state)
    if state.answered:
        return response
    if not state.committed:
        db.session.rollback()
        if (row := _find(state.key)) is not None:
            # An identical request sent at the same moment made the change first; this one
            # was refused by a unique constraint or a version the other had moved on.
            return _replay(state, row, response)
    status = response.status_code
    location = response.location if 300 <= status < 400 else None
    if location or (state.committed and status < 400):
        status = 201 if state.creates else 200
        if (replay := _store(state, status, location, response)) is not None:
            return replay
        if location is None and _swapped_in_place(response):
            response.status_code = status
            return response
        return _answer(status, location, response)
    if state.committed:
        _store(state, status, None, response)
    elif status == 200:
        response.status_code = 422
    return response


def _store(state: KeyedRequest, status: int, location: str | None, response: Response):
    """Store the answer on the key. A redirect that changed nothing saved no key yet: save
    it now, unless an identical request has meanwhile, whose answer is then this one's."""
    if state.committed:
        db.session.execute(
            sa.update(IdempotencyKey)
            .where(IdempotencyKey.key == state.key)
            .values(status_code=status, location=location)
        )
    else:
        state.row = IdempotencyKey(
            key=state.key,
            user_id=state.user_id,
            request_hash=state.request_hash,
            status_code=status,
            location=location,
        )
        db.session.add(state.row)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        row = _find(state.key)
        if row is None:
            raise
        return _replay(state, row, response)
    return None


def _swapped_in_place(response: Response) -> bool:
    """An htmx form's answer: the part of the page it replaces."""
    return request.headers.get("HX-Request") == "true" and response.mimetype == "text/html"


def _in_background() -> bool:
    """Sent by the outbox on its own, rather than by a form the person is waiting on."""
    return request.headers.get(REPLAY_HEADER) == "replay"


def _drop_new_flashes(state: KeyedRequest) -> None:
    if not _in_background():
        return
    flashes = session.get(_FLASHES)
    if not flashes or len(flashes) <= state.flashes_before:
        return
    if state.flashes_before:
        session[_FLASHES] = flashes[: state.flashes_before]
    else:
        session.pop(_FLASHES)


def replay_the_winner(error: sa.exc.IntegrityError):
    """An identical request sent at the same moment committed first, and this one's insert
    hit a unique constraint (the key's or the record's client_uuid): answer as a replay.
    Any other integrity error goes on to the error pages as before."""
    state = _state()
    if state is None or state.answered or state.committed:
        raise error
    db.session.rollback()
    row = _find(state.key)
    if row is None:
        raise error
    return _replay(state, row)


def install(app: Flask) -> None:
    """Hook the protocol into every request of `app`."""
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_signed_out)
    app.before_request(answer_used_keys)
    app.after_request(answer_keyed_request)
    app.register_error_handler(sa.exc.IntegrityError, replay_the_winner)
    login_manager.unauthorized_handler(unauthorized)
