"""Who may use each view.

Every view carries an access rule: `@allow(Role.X, ...)` for signed-in roles,
or `@public` for the few pages a stranger must reach. A test walks the URL map
and fails for a view that declares neither. `@allow(..., dsl=True)` also asks for a
safeguarding duty (a designated safeguarding lead or deputy), which any of the roles may hold.
"""

import functools
from collections.abc import Callable

from flask import Flask, abort
from flask_login import current_user

from ap_field.auth.models import Role
from ap_field.extensions import login_manager

PUBLIC = "public"
EVERYONE_SIGNED_IN = tuple(Role)


def allow(*roles: Role, dsl: bool = False) -> Callable:
    """Signed-in users with one of `roles` (and, with `dsl`, a safeguarding duty); strangers go
    to sign-in, anyone else gets a 403."""
    if not roles:
        raise ValueError("allow() needs at least one role")

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles or (dsl and not current_user.is_dsl):
                abort(403)
            return view(*args, **kwargs)

        wrapped.access_rule = frozenset(roles)
        wrapped.needs_dsl = dsl
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    view.access_rule = PUBLIC
    return view


def access_rule(app: Flask, endpoint: str) -> frozenset[Role] | str | None:
    return getattr(app.view_functions[endpoint], "access_rule", None)


def needs_dsl(app: Flask, endpoint: str) -> bool:
    return getattr(app.view_functions[endpoint], "needs_dsl", False)
