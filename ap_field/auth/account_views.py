"""A person's own account: the second step of signing in, two-factor sign-in and passkeys, the
passkey on the lock screen, and the signed-in devices page (docs/architecture.md, "Security")."""

from flask import flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user

from ap_field.auth import bp
from ap_field.auth.devices import device_of, devices_of, sign_out_device, sign_out_other_devices
from ap_field.auth.forms import AuthenticatorSetUpForm, SecondFactorForm
from ap_field.auth.idle import mark_used
from ap_field.auth.limits import count_attempt, forget_attempts
from ap_field.auth.models import Role, User
from ap_field.auth.passkeys import (
    PasskeyRefused,
    add_passkey,
    authentication_options,
    check_passkey,
    passkey_of_or_404,
    passkeys_of,
    posted_credential,
    registration_options,
    remove_passkey,
)
from ap_field.auth.signing_in import finish, landing_url, person_signing_in, safe_next_url
from ap_field.auth.two_factor import (
    grouped,
    new_recovery_codes,
    new_secret,
    qr_code,
    recovery_codes_left,
    setup_uri,
    take_authenticator_code,
    take_recovery_code,
    turn_off,
    turn_on,
)
from ap_field.common.access import EVERYONE_SIGNED_IN, allow, public
from ap_field.common.confirm import confirmation_page

# Everyone but parents, who keep their invitation's sign-in.
TWO_FACTOR_ROLES = (Role.TEACHER, Role.ASSESSOR, Role.SCHOOL, Role.LEAD, Role.ADMIN)
SETTING_UP = "authenticator_being_set_up"
WRONG_CODE = "Enter the code your authenticator app shows now, or an unused recovery code"
WRONG_SET_UP_CODE = "Enter the 6-digit code your app shows now for ap-field"


def _json_options(options: str):
    return options, 200, {"Content-Type": "application/json", "Cache-Control": "no-store"}


def _passkey_refused():
    message = "That passkey was not accepted. Try again, or use a code."
    return jsonify(error=message), 400


def _secret_being_set_up() -> str:
    """The secret offered while setting up: the same each time the page shows."""
    return session.setdefault(SETTING_UP, new_secret())


def _set_up_page(user: User, form: AuthenticatorSetUpForm, action: str):
    secret = _secret_being_set_up()
    qr = qr_code(setup_uri(user, secret))
    return render_template(
        "auth/set_up_two_factor.html", form=form, qr=qr, secret=grouped(secret), action=action
    )


def _recovery_codes_page(codes: list[str], next_url: str):
    return render_template("auth/recovery_codes.html", codes=codes, next_url=next_url)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
def second_factor():
    user = person_signing_in()
    if user is None or not user.has_two_factor:
        return redirect(url_for("auth.sign_in"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        count_attempt(user.email)
        if take_authenticator_code(user, form.code.data):
            forget_attempts(user.email)
            return redirect(finish(user))
        if take_recovery_code(user, form.code.data):
            forget_attempts(user.email)
            next_url = finish(user)
            flash(f"You used a recovery code. {recovery_codes_left(user)} are left.", "important")
            return redirect(next_url)
        form.code.errors.append(WRONG_CODE)
    return render_template("auth/second_factor.html", form=form, passkeys=passkeys_of(user))


@bp.route("/sign-in/set-up-two-factor", methods=["GET", "POST"])
@public
def set_up_at_sign_in():
    """Leads, administrators and DSLs set up their second factor at their first sign-in."""
    user = person_signing_in()
    if user is None or user.has_two_factor:
        return redirect(url_for("auth.sign_in"))
    form = AuthenticatorSetUpForm()
    if form.validate_on_submit():
        codes = turn_on(user, _secret_being_set_up(), form.code.data)
        if codes is not None:
            return _recovery_codes_page(codes, finish(user))
        form.code.errors.append(WRONG_SET_UP_CODE)
    return _set_up_page(user, form, url_for("auth.set_up_at_sign_in"))


@bp.post("/sign-in/passkey/options")
@public
def sign_in_passkey_options():
    user = person_signing_in()
    if user is None:
        return _passkey_refused()
    return _json_options(authentication_options(user))


@bp.post("/sign-in/passkey")
@public
def sign_in_with_passkey():
    user = person_signing_in()
    try:
        if user is None:
            raise PasskeyRefused()
        check_passkey(user, posted_credential()[0])
    except PasskeyRefused:
        return _passkey_refused()
    forget_attempts(user.email)
    return jsonify(redirect=finish(user))


@bp.post("/lock/passkey/options")
@allow(*EVERYONE_SIGNED_IN)
def lock_passkey_options():
    return _json_options(authentication_options(current_user))


@bp.post("/lock/passkey")
@allow(*EVERYONE_SIGNED_IN)
def unlock_with_passkey():
    try:
        check_passkey(current_user, posted_credential()[0])
    except PasskeyRefused:
        return _passkey_refused()
    mark_used()
    return jsonify(redirect=safe_next_url() or landing_url(current_user))


@bp.route("/account")
@allow(*EVERYONE_SIGNED_IN)
def account():
    return render_template("auth/account.html", two_factor_roles=TWO_FACTOR_ROLES)


@bp.route("/account/two-factor")
@allow(*TWO_FACTOR_ROLES)
def two_factor():
    return render_template(
        "auth/two_factor.html",
        codes_left=recovery_codes_left(current_user),
        passkeys=passkeys_of(current_user),
    )


@bp.route("/account/two-factor/set-up", methods=["GET", "POST"])
@allow(*TWO_FACTOR_ROLES)
def set_up_two_factor():
    if current_user.has_two_factor:
        return redirect(url_for("auth.two_factor"))
    form = AuthenticatorSetUpForm()
    if form.validate_on_submit():
        codes = turn_on(current_user, _secret_being_set_up(), form.code.data)
        if codes is not None:
            session.pop(SETTING_UP)
            return _recovery_codes_page(codes, url_for("auth.two_factor"))
        form.code.errors.append(WRONG_SET_UP_CODE)
    return _set_up_page(current_user, form, url_for("auth.set_up_two_factor"))


@bp.post("/account/two-factor/recovery-codes")
@allow(*TWO_FACTOR_ROLES)
def make_recovery_codes():
    if not current_user.has_two_factor:
        return redirect(url_for("auth.two_factor"))
    return _recovery_codes_page(new_recovery_codes(current_user), url_for("auth.two_factor"))


@bp.post("/account/two-factor/turn-off")
@allow(*TWO_FACTOR_ROLES)
def turn_off_two_factor():
    if current_user.two_factor_required:
        flash("Your role needs two-factor sign-in, so it stays on.", "important")
    else:
        turn_off(current_user)
        flash("Two-factor sign-in is off. You sign in with your password alone.", "success")
    return redirect(url_for("auth.two_factor"))


@bp.post("/account/passkeys/options")
@allow(*TWO_FACTOR_ROLES)
def passkey_options():
    if not current_user.has_two_factor:
        return _passkey_refused()
    return _json_options(registration_options(current_user))


@bp.post("/account/passkeys")
@allow(*TWO_FACTOR_ROLES)
def add_passkey_here():
    try:
        credential, name = posted_credential()
        passkey = add_passkey(current_user, credential, name)
    except PasskeyRefused:
        return _passkey_refused()
    flash(f"Passkey “{passkey.name}” added. You can use it instead of a code.", "success")
    return jsonify(redirect=url_for("auth.two_factor"))


@bp.route("/account/passkeys/<int:passkey_id>/remove", methods=["GET", "POST"])
@allow(*TWO_FACTOR_ROLES)
def remove_passkey_here(passkey_id: int):
    passkey = passkey_of_or_404(current_user, passkey_id)
    if request.method == "GET":
        return confirmation_page(
            title=f"Remove the passkey “{passkey.name}”?",
            consequence="It will no longer sign you in. You can add it again from this phone.",
            button="Yes, remove it",
            back_url=url_for("auth.two_factor"),
            outbox="Removal of a passkey",
        )
    remove_passkey(passkey)
    flash(f"Passkey “{passkey.name}” removed.", "success")
    return redirect(url_for("auth.two_factor"))


@bp.route("/account/devices")
@allow(*EVERYONE_SIGNED_IN)
def devices():
    return render_template("auth/devices.html", devices=devices_of(current_user))


@bp.post("/account/devices/<int:device_id>/sign-out")
@allow(*EVERYONE_SIGNED_IN)
def sign_out_elsewhere(device_id: int):
    device = device_of(current_user, device_id)
    if device is None or device.id == current_user.device.id:
        return redirect(url_for("auth.devices"))
    sign_out_device(device)
    flash(f"{device.description} is signed out.", "success")
    return redirect(url_for("auth.devices"))


@bp.post("/account/devices/sign-out-others")
@allow(*EVERYONE_SIGNED_IN)
def sign_out_others():
    sign_out_other_devices(current_user)
    flash("Every other phone and computer is signed out.", "success")
    return redirect(url_for("auth.devices"))
