"""Who may use each view.

Every view carries an access rule: `@allow(Role.X, ...)` for signed-in roles,
or `@public` for the few pages a stranger must reach. A test walks the URL map
and fails for a view that declares neither.
"""

import functools
from collections.abc import Callable

from flask import Flask, abort
from flask_login import current_user

from ap_field.auth.models import Role
from ap_field.extensions import login_manager

PUBLIC = "public"
EVERYONE_SIGNED_IN = tuple(Role)


def allow(*roles: Role) -> Callable:
    """Signed-in users with one of `roles`; strangers go to sign-in, other roles get a 403."""
    if not roles:
        raise ValueError("allow() needs at least one role")

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.access_rule = frozenset(roles)
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    view.access_rule = PUBLIC
    return view


def access_rule(app: Flask, endpoint: str) -> frozenset[Role] | str | None:
    return getattr(app.view_functions[endpoint], "access_rule", None)
