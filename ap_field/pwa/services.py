"""What the service worker needs from the server: static URLs that name their content, the
worker script with its precache list and version, the tag that binds kept pages to a
session, and the pages a user may keep on their phone."""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user

from ap_field.common.access import PUBLIC, access_rule
from ap_field.extensions import db
from ap_field.parents.queries import unanswered_disputes
from ap_field.plans.models import LearningPlan

WORKER = "sw.js"
# The scripts built from static/js (assets/build_scripts.sh): a module that imports another by
# its plain URL gets the other's bytes of the same version
MODULES = ("build/",)
IMMUTABLE_MAX_AGE = 365 * 24 * 3600  # a hashed URL's bytes never change
UNHASHED_MAX_AGE = 300  # a URL without its file's current hash: ask again soon
# The offline page is rendered from these; a change to them is a new worker, so phones
# precache the new page.
OFFLINE_PAGE_TEMPLATES = (
    "base.html",
    "pwa/offline.html",
    "sync/outbox.html",
    "components/forms.html",
)
# A pupil's kept pages: their page, the sections and field forms it links to, each only for
# the roles its view allows, and the review form once there is a plan to review. Office
# tasks (editing the record, inviting a parent, who teaches the pupil) need the server there
# and then, and are left out.
PUPIL_PAGES = (
    "pupils.show",
    "sessions.new_note",
    "visits.new",
    "assessments.new",
    "attendance.mark",
    "plans.plan",
    "plans.timetable_page",
    "plans.reviews",
    "sessions.notes",
    "visits.index",
    "assessments.index",
    "reports.final",
    # A blank form: a concern can be recorded without signal; what is typed is never kept.
    "safeguarding.new",
)


def _short_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


@dataclass(frozen=True)
class Fingerprints:
    """Short SHA-256s of every file under static/ and of the offline page's templates,
    read once per process: a static URL carries its file's, the worker's version all."""

    static: dict[str, str]
    offline_page: str

    @classmethod
    def read(cls, static_folder: Path, template_folder: Path) -> "Fingerprints":
        static = {
            path.relative_to(static_folder).as_posix(): _short_sha256(path.read_bytes())
            for path in sorted(static_folder.rglob("*"))
            if path.is_file() and not path.name.startswith(".")
        }
        templates = b"".join(
            (template_folder / name).read_bytes() for name in OFFLINE_PAGE_TEMPLATES
        )
        return cls(static=static, offline_page=_short_sha256(templates))

    def precached(self) -> list[str]:
        """The static files pages use: everything under static/ but the worker itself. The
        scripts' sources (static/js) are among them: pages load them built (static/build),
        but a page kept on a phone by an earlier version loads them by their own paths, and
        offline it gets the current file of the same path."""
        return [name for name in self.static if name != WORKER]


def fingerprints(app: Flask | None = None) -> Fingerprints:
    app = app or current_app
    if "pwa.fingerprints" not in app.extensions:
        app.extensions["pwa.fingerprints"] = Fingerprints.read(
            Path(app.static_folder), Path(app.root_path, app.template_folder)
        )
    return app.extensions["pwa.fingerprints"]


def import_map(app: Flask | None = None) -> tuple[str, str]:
    """The pages' import map, and the CSP source that lets it run inline. It maps each ES
    module's plain URL to the URL of its current bytes, so the modules a page loads import
    one another at the same version as the page (docs/architecture.md, "The offline protocol")."""
    app = app or current_app
    if "pwa.import_map" not in app.extensions:
        root = app.static_url_path
        imports = {
            f"{root}/{name}": f"{root}/{name}?v={digest}"
            for name, digest in fingerprints(app).static.items()
            if name.startswith(MODULES)
        }
        text = json.dumps({"imports": imports}, sort_keys=True)
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        app.extensions["pwa.import_map"] = (text, f"'sha256-{digest}'")
    return app.extensions["pwa.import_map"]


def hash_static_urls(endpoint: str, values: dict) -> None:
    """url_for's defaults: a static file's URL gets `?v=` its content hash."""
    if endpoint != "static" or "v" in values:
        return
    if digest := fingerprints().static.get(values.get("filename", "")):
        values["v"] = digest


def static_cache_headers(response, filename: str, version: str | None):
    """A year and immutable for the URL of a file's current bytes; minutes for any other. The
    "no-cache" that Flask sends a static file with goes, or a browser would ask again each
    time."""
    response.cache_control.no_cache = None
    if version is not None and version == fingerprints().static.get(filename):
        response.cache_control.public = True
        response.cache_control.max_age = IMMUTABLE_MAX_AGE
        response.cache_control.immutable = True
    else:
        response.cache_control.max_age = UNHASHED_MAX_AGE
    return response


def worker_script() -> str:
    """static/sw.js after the constants it works from. Any change to a static file, the
    worker or the offline page changes VERSION, so browsers install a new worker."""
    prints = fingerprints()
    precache = [url_for("static", filename=name) for name in prints.precached()]
    offline_url, outbox_url = url_for("pwa.offline"), url_for("sync.outbox")
    subscribe_url = url_for("push.subscribe_device")
    version = _short_sha256(
        json.dumps(
            [
                precache,
                offline_url,
                outbox_url,
                subscribe_url,
                current_app.config["OUTBOX_TIMEOUT_SECONDS"],
                prints.static[WORKER],
                prints.offline_page,
            ]
        ).encode()
    )
    worker = Path(current_app.static_folder, WORKER).read_text()
    constants = (
        "// Written by the server (ap_field/pwa/services.py) above static/sw.js.\n"
        f"const VERSION = {json.dumps(version)};\n"
        f"const OFFLINE_URL = {json.dumps(offline_url)};\n"
        f"const OUTBOX_URL = {json.dumps(outbox_url)};\n"
        f"const SUBSCRIBE_URL = {json.dumps(subscribe_url)};\n"
        f"const OUTBOX_TIMEOUT = {int(current_app.config['OUTBOX_TIMEOUT_SECONDS'])};\n"
        f"const PRECACHE = {json.dumps(precache, indent=2)};\n\n"
    )
    return constants + worker


def session_tag() -> str:
    """An opaque tag of the signed-in session, empty when signed out. The pages a user keeps
    on a phone are filed under it; a page with another tag deletes them, so sign-out or
    another user's sign-in leaves none behind. Each sign-in is a new signed-in device with a
    token of its own, so the tag changes with it."""
    if not current_user.is_authenticated:
        return ""
    return hmac.new(
        current_app.secret_key.encode(),
        f"kept-pages:{current_user.get_id()}".encode(),
        hashlib.sha256,
    ).hexdigest()[:32]


def _may_open(endpoint: str) -> bool:
    rule = access_rule(current_app, endpoint)
    return rule == PUBLIC or (rule is not None and current_user.role in rule)


def pupil_pages(pupil) -> list[str]:
    """A pupil's page and the pages it links to that the current user may open. The caller
    has loaded the pupil through the scoping function."""
    return _pages_of(pupil, _with_a_plan([pupil.id]), unanswered_disputes([pupil.id]))


def _pages_of(pupil, with_a_plan: set[int], disputes: dict[int, list[int]]) -> list[str]:
    pages = [
        url_for(endpoint, pupil_id=pupil.id) for endpoint in PUPIL_PAGES if _may_open(endpoint)
    ]
    if _may_open("plans.new_review") and pupil.id in with_a_plan:
        pages.append(url_for("plans.new_review", pupil_id=pupil.id))
    if _may_open("parents.reply_to_parent"):
        pages += [
            url_for("parents.reply_to_parent", pupil_id=pupil.id, confirmation_id=dispute)
            for dispute in disputes.get(pupil.id, [])
        ]
    return pages


def _with_a_plan(pupil_ids: list[int]) -> set[int]:
    """Those of the pupils who have a learning plan to review, in one query."""
    query = sa.select(LearningPlan.pupil_id).where(LearningPlan.pupil_id.in_(pupil_ids))
    return set(db.session.scalars(query.distinct()))


def caseload_pages(pupils) -> list[str]:
    """A teacher's day without signal: today, the caseload, the register (each session, as
    Today links to it) and each pupil's pages."""
    day = ("sessions.today", "pupils.caseload", "attendance.register")
    pages = [url_for(endpoint) for endpoint in day if _may_open(endpoint)]
    if _may_open("attendance.register"):
        pages += [url_for("attendance.register", session=session) for session in ("am", "pm")]
    ids = [pupil.id for pupil in pupils]
    with_a_plan, disputes = _with_a_plan(ids), unanswered_disputes(ids)
    for pupil in pupils:
        pages += _pages_of(pupil, with_a_plan, disputes)
    return pages


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, left alone by static files: they read no session, so
    they go out with no `Vary: Cookie` (which would keep each person's copy apart in shared
    caches) and no refreshed cookie. Flask-Login looks at the session after every request,
    which otherwise marks every response as varying by cookie."""

    def save_session(self, app, session, response) -> None:
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)
