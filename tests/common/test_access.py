"""Every view declares who may use it; strangers go to sign-in; other roles get a 403."""

import inspect
import re

import pytest
from flask import Flask

from ap_field.auth.models import STAFF_ROLES, Role, SafeguardingRole
from ap_field.common.access import PUBLIC, access_rule, allow, needs_dsl, public
from tests.helpers import new_user, signed_in_cookie

PUBLIC_ENDPOINTS = {
    "auth.sign_in",
    "auth.second_factor",
    "auth.set_up_at_sign_in",
    "auth.sign_in_passkey_options",
    "auth.sign_in_with_passkey",
    "parents.join",
    "schools.receipt",
    "premises.action_link",
    "schools.welcome",
    "pwa.manifest",
    "pwa.health",
    "pwa.service_worker",
    "pwa.offline",
    "sync.outbox",
}
UNDECLARED_ALLOWED = {"static"}

STAFF_WITH_TWO_FACTOR = set(Role) - {Role.PARENT}
# Every page a signed-in role may reach, with sample URL values; the matrix below
# asks each one as each role.
PAGES = {
    "/": set(Role),
    "/today": {Role.TEACHER},
    "/my-child": {Role.PARENT},
    "/disputed-sessions": {Role.LEAD, Role.ADMIN},
    "/site-checks": {Role.ASSESSOR, Role.LEAD, Role.ADMIN},
    "/site-checks/new": {Role.ASSESSOR},
    "/site-actions": {Role.ASSESSOR, Role.LEAD, Role.ADMIN},
    "/check-templates": {Role.ASSESSOR, Role.LEAD, Role.ADMIN},
    "/check-templates/new": {Role.ADMIN},
    "/schools": {Role.LEAD, Role.ADMIN},
    "/schools/new": {Role.LEAD, Role.ADMIN},
    "/calendars": {Role.LEAD, Role.ADMIN},
    "/calendars/new": {Role.LEAD, Role.ADMIN},
    "/school": {Role.SCHOOL},
    "/providers": {Role.LEAD, Role.ADMIN},
    "/providers/new": {Role.LEAD, Role.ADMIN},
    "/programme": {Role.LEAD, Role.ADMIN},
    "/impact": {Role.LEAD, Role.ADMIN},
    "/account": set(Role),
    "/account/password": set(Role),
    "/account/devices": set(Role),
    "/account/two-factor": STAFF_WITH_TWO_FACTOR,
    "/account/two-factor/set-up": STAFF_WITH_TWO_FACTOR,
    "/lock": set(Role),
    "/reminders": set(Role),
    "/admin/users": {Role.ADMIN},
    "/admin/users/new": {Role.ADMIN},
    "/caseload": {Role.TEACHER},
    "/pupils": {Role.LEAD, Role.ADMIN},
    "/pupils/results": {Role.LEAD, Role.ADMIN},
    "/pupils/new": {Role.LEAD, Role.ADMIN},
    "/pupils/nc-year": {Role.LEAD, Role.ADMIN},
    "/register": {Role.TEACHER, Role.LEAD, Role.ADMIN},
    "/register/export": {Role.TEACHER, Role.LEAD, Role.ADMIN},
    "/attendance": {Role.LEAD, Role.ADMIN},
    "/exports": {Role.TEACHER, Role.LEAD, Role.ADMIN},
    "/sync/token": set(Role),
    "/safeguarding": set(),
}
# Pages that send a person on when there is nothing to do there: set-up, once it is set up.
FORWARDING_PAGES = {"/", "/account/two-factor/set-up"}
# Actions without an id, asked as each role: who may post to them.
ACTIONS = {
    "/account/two-factor/recovery-codes": STAFF_WITH_TWO_FACTOR,
    "/account/two-factor/turn-off": STAFF_WITH_TWO_FACTOR,
    "/account/passkeys/options": STAFF_WITH_TWO_FACTOR,
    "/account/passkeys": STAFF_WITH_TWO_FACTOR,
    "/account/devices/sign-out-others": set(Role),
    "/lock/passkey/options": set(Role),
    "/lock/passkey": set(Role),
}
# Pages that need a safeguarding duty as well as a role: who reaches them with the duty.
DSL_PAGES = {"/safeguarding": set(STAFF_ROLES)}
# Asked by a phone's outbox, not a person: a stranger hears 401 instead of going to sign-in.
OUTBOX_PAGES = {"/sync/token"}


def undeclared_views(app: Flask) -> list[str]:
    return sorted(
        endpoint
        for endpoint in app.view_functions
        if endpoint not in UNDECLARED_ALLOWED and access_rule(app, endpoint) is None
    )


def test_every_view_declares_who_may_use_it(app):
    assert undeclared_views(app) == []


def test_only_the_allowlisted_views_are_public(app):
    public_views = {
        endpoint
        for endpoint in app.view_functions
        if endpoint not in UNDECLARED_ALLOWED and access_rule(app, endpoint) == PUBLIC
    }
    assert public_views == PUBLIC_ENDPOINTS


def test_the_check_catches_a_view_added_without_a_rule(make_app):
    app = make_app()

    @app.route("/forgotten")
    def forgotten():
        return "anyone can see this"

    @app.route("/declared")
    @allow(Role.LEAD)
    def declared():
        return "leads only"

    @app.route("/open")
    @public
    def open_page():
        return "deliberately public"

    assert undeclared_views(app) == ["forgotten"]


def test_paths_are_kebab_case_and_parameters_typed(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        static_parts = re.sub(r"<[^>]+>", "", rule.rule)
        assert re.fullmatch(r"[a-z0-9/.\-]*", static_parts), rule.rule
        for name, converter in rule._converters.items():
            assert type(converter).__name__ != "UnicodeConverter", f"{rule.rule}: <{name}> untyped"


def test_every_signed_in_page_is_in_the_matrix(app):
    signed_in_get_pages = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and rule.endpoint not in UNDECLARED_ALLOWED
        and access_rule(app, rule.endpoint) != PUBLIC
        and not rule.arguments
    }
    assert signed_in_get_pages == set(PAGES)


@pytest.fixture(scope="module")
def transaction(module_transaction):
    """The people below sign in once for the module's hundreds of cases."""
    return module_transaction


@pytest.fixture(scope="module")
def cookies(transaction, rollback_app) -> dict[tuple[Role, bool], str]:
    """A person of each role signed in, by (role, whether they are a DSL)."""
    with rollback_app.app_context():
        return {
            (role, dsl): signed_in_cookie(rollback_app, new_user(role, **duty))
            for role in Role
            for dsl, duty in ((False, {}), (True, {"safeguarding_role": SafeguardingRole.DSL}))
        }


def sign_in_as(client, cookies, role: Role, dsl: bool = False) -> None:
    client.set_cookie(client.application.config["SESSION_COOKIE_NAME"], cookies[role, dsl])


@pytest.mark.parametrize("path", sorted(PAGES.keys() - OUTBOX_PAGES))
def test_strangers_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.location.startswith("/sign-in?next=")


@pytest.mark.parametrize("path", sorted(OUTBOX_PAGES))
def test_strangers_asking_for_outbox_pages_hear_401(client, path):
    assert client.get(path).status_code == 401


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("path", sorted(PAGES))
def test_each_role_reaches_only_its_pages(client, cookies, role, path):
    sign_in_as(client, cookies, role)
    response = client.get(path, follow_redirects=path in FORWARDING_PAGES)
    if role in PAGES[path]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "You do not have access to this page" in response.text


@pytest.mark.parametrize("path", sorted(ACTIONS))
def test_strangers_posting_actions_are_sent_to_sign_in(client, path):
    response = client.post(path)
    assert response.status_code == 302
    assert response.location.startswith("/sign-in?next=")


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("path", sorted(ACTIONS))
def test_each_role_posts_only_its_actions(client, cookies, role, path):
    sign_in_as(client, cookies, role)
    response = client.post(path)
    if role in ACTIONS[path]:
        assert response.status_code in {200, 302, 400}
        assert not response.location or not response.location.startswith("/sign-in")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("path", sorted(DSL_PAGES))
def test_dsls_reach_their_pages(client, cookies, role, path):
    """A safeguarding duty is held beside a role; a parent or assessor never holds one."""
    sign_in_as(client, cookies, role, dsl=True)
    response = client.get(path)
    assert response.status_code == (200 if role in DSL_PAGES[path] else 403)


def test_views_that_need_a_safeguarding_duty_say_so(app):
    assert {rule.rule for rule in app.url_map.iter_rules() if needs_dsl(app, rule.endpoint)} >= set(
        DSL_PAGES
    )


def test_admin_pages_with_ids_refuse_other_roles(client, make_user, auth):
    someone = make_user(Role.PARENT)
    auth.login(make_user(Role.LEAD))
    assert client.get(f"/admin/users/{someone.id}").status_code == 403
    assert client.post(f"/admin/users/{someone.id}/deactivate").status_code == 403
    assert client.post(f"/admin/users/{someone.id}/reactivate").status_code == 403


def test_an_id_too_large_for_the_database_is_a_404(client, make_user, auth):
    auth.login(make_user(Role.LEAD))
    assert client.get("/pupils/99999999999999999999999").status_code == 404
    assert client.get("/admin/users/2147483648").status_code == 404


def test_every_view_is_at_most_25_lines(app):
    """Views read a request and choose an answer; the work is in each area's services and
    queries, where it can be read and tested on its own."""
    long_views = {}
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        lines, _ = inspect.getsourcelines(inspect.unwrap(view))
        body = [line for line in lines if not line.lstrip().startswith("@")]
        if len(body) > 25:
            long_views[endpoint] = len(body)
    assert long_views == {}
