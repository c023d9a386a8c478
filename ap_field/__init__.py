"""ap-field: the field app for alternative provision."""

import importlib
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from ap_field.auth.cli import users_cli
from ap_field.auth.models import load_user
from ap_field.common.compression import register_compression
from ap_field.common.errors import register_error_handlers
from ap_field.common.routing import LinkToken, RecordId
from ap_field.common.security import register_security_headers
from ap_field.common.templating import register_template_helpers
from ap_field.config import config_for_environment, database_url, secret_key
from ap_field.demo import demo_cli
from ap_field.extensions import csrf, db, htmx, limiter, login_manager, mailman, migrate
from ap_field.photos.cli import photos_cli
from ap_field.photos.storage import check_storage
from ap_field.push.cli import push_cli, reminders_cli
from ap_field.pwa.services import SessionInterface

# One package per area; each area's views module holds its blueprint's routes.
AREAS = (
    "absences",
    "assessments",
    "attendance",
    "auth",
    "calendars",
    "parents",
    "photos",
    "plans",
    "premises",
    "pupils",
    "push",
    "pwa",
    "reports",
    "safeguarding",
    "schools",
    "sessions",
    "sync",
    "visits",
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, CLI, headers and error pages.

    `config` overrides everything else, which is how tests choose their database.
    """
    instance_path = Path(os.environ.get("AP_FIELD_INSTANCE", PROJECT_ROOT / "instance"))
    instance_path.mkdir(parents=True, exist_ok=True)
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.session_interface = SessionInterface()
    app.url_map.converters["int"] = RecordId
    app.url_map.converters["token"] = LinkToken
    app.config.from_object(config_for_environment())
    app.config.update(config or {})
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", database_url(instance_path))
    check_storage(app.config["PHOTO_STORAGE"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(instance_path)

    if proxies := int(os.environ.get("AP_FIELD_PROXIES", "0")):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    _init_extensions(app)
    # Registered first, so that it runs after ap-field's own after-request hooks (the offline
    # protocol rewrites some answers) and compresses the body they finally give.
    register_compression(app)
    for area in AREAS:
        app.register_blueprint(importlib.import_module(f"ap_field.{area}.views").bp)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(photos_cli)
    app.cli.add_command(push_cli)
    app.cli.add_command(reminders_cli)
    register_error_handlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    mailman.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "important"
    login_manager.session_protection = "basic"
