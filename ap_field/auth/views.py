from flask import flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from ap_field.auth import (
    account_views,  # noqa: F401 (the account pages, on this blueprint)
    bp,
)
from ap_field.auth.devices import install as install_device_use
from ap_field.auth.devices import sign_out_device
from ap_field.auth.forms import (
    ChangePasswordForm,
    NewUserForm,
    SetPasswordForm,
    SignInForm,
    UnlockForm,
    UserDetailsForm,
)
from ap_field.auth.idle import install as install_idle_lock
from ap_field.auth.idle import mark_used
from ap_field.auth.limits import attempts_per_minute, count_attempt, forget_attempts
from ap_field.auth.models import Role, SafeguardingRole, User, find_user_for_sign_in
from ap_field.auth.passkeys import passkeys_of
from ap_field.auth.queries import accounts
from ap_field.auth.services import (
    LastDsl,
    add_account,
    change_own_password,
    deactivate,
    reactivate,
    set_new_password,
    update_account,
)
from ap_field.auth.signing_in import begin, landing_url, safe_next_url
from ap_field.auth.two_factor import reset
from ap_field.common.access import EVERYONE_SIGNED_IN, allow, public
from ap_field.extensions import db, limiter
from ap_field.push.services import end_push_on_device

bp.record_once(lambda setup: install_idle_lock(setup.app))
bp.record_once(lambda setup: install_device_use(setup.app))


def _sign_in_failed(_response) -> bool:
    return g.get("sign_in_failed", False)


@bp.route("/")
@allow(*EVERYONE_SIGNED_IN)
def home():
    return redirect(landing_url(current_user))


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(attempts_per_minute, methods=["POST"], deduct_when=_sign_in_failed)
def sign_in():
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = SignInForm()
    if form.validate_on_submit():
        count_attempt(form.email.data)
        user = find_user_for_sign_in(form.email.data, form.password.data)
        if user is not None:
            forget_attempts(form.email.data)
            return redirect(begin(user, form.remember.data, safe_next_url()))
        g.sign_in_failed = True
        form.email.errors.append("Enter a correct email address and password")
    return render_template("auth/sign_in.html", form=form)


@bp.route("/lock", methods=["GET", "POST"])
@allow(*EVERYONE_SIGNED_IN)
def lock():
    """The lock screen of a session left idle: the password opens it again where it was."""
    form = UnlockForm()
    if form.validate_on_submit():
        forget_attempts(current_user.email)
        mark_used()
        return redirect(safe_next_url() or landing_url(current_user))
    return render_template("auth/lock.html", form=form, passkeys=passkeys_of(current_user))


@bp.post("/sign-out")
@allow(*EVERYONE_SIGNED_IN)
def sign_out():
    """Signing out ends this device's session; others end from the Signed-in devices page. The
    form's script names this phone's push subscription (`push_endpoint`), which then reminds
    this person no more: the next person to use the phone does not get their reminders."""
    if endpoint := request.form.get("push_endpoint"):
        end_push_on_device(current_user, endpoint)
    sign_out_device(current_user.device)
    session.clear()
    logout_user()
    flash("You have signed out on this phone.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow(*EVERYONE_SIGNED_IN)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        change_own_password(user, form.new_password.data)
        forget_attempts(user.email)
        flash(
            "Your password has been changed. Any other device signed in as you is signed out.",
            "success",
        )
        return redirect(landing_url(user))
    return render_template("auth/change_password.html", form=form)


@bp.route("/admin/users")
@allow(Role.ADMIN)
def users():
    return render_template("admin/users.html", users=accounts())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        user = add_account(
            form.name.data,
            form.email.data,
            Role(form.role.data),
            form.new_password.data,
            SafeguardingRole(form.safeguarding_role.data),
        )
        flash(f"Account created for {user.name}.", "success")
        return redirect(url_for("auth.users"))
    return render_template("admin/new_user.html", form=form)


def _user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_user(user_id: int):
    user = _user_or_404(user_id)
    form = UserDetailsForm(obj=user, user_id=user.id)
    if form.validate_on_submit():
        if user.id == current_user.id and form.role.data != Role.ADMIN:
            form.role.errors.append("You cannot remove your own administrator role")
        else:
            update_account(
                user,
                form.name.data,
                form.email.data,
                Role(form.role.data),
                SafeguardingRole(form.safeguarding_role.data),
            )
            flash(f"Changes to {user.name} saved.", "success")
            return redirect(url_for("auth.users"))
    password_form = SetPasswordForm(formdata=None, user=user)
    return render_template(
        "admin/edit_user.html", form=form, user=user, password_form=password_form
    )


@bp.route("/admin/users/<int:user_id>/password", methods=["GET", "POST"])
@allow(Role.ADMIN)
def set_password(user_id: int):
    """For someone who has forgotten their password; their other sessions end."""
    user = _user_or_404(user_id)
    form = SetPasswordForm(user=user)
    if form.validate_on_submit():
        set_new_password(user, form.new_password.data)
        flash(f"{user.name} has a new password and is signed out everywhere.", "success")
        return redirect(url_for("auth.edit_user", user_id=user.id))
    details = UserDetailsForm(formdata=None, obj=user, user_id=user.id)
    return render_template("admin/edit_user.html", form=details, user=user, password_form=form)


@bp.post("/admin/users/<int:user_id>/two-factor/reset")
@allow(Role.ADMIN)
def reset_two_factor(user_id: int):
    """For someone who lost the phone with their authenticator and their recovery codes."""
    user = _user_or_404(user_id)
    reset(user)
    flash(
        f"{user.name}'s two-factor sign-in is reset and they are signed out everywhere."
        " They set it up again when they next sign in.",
        "success",
    )
    return redirect(url_for("auth.edit_user", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/deactivate")
@allow(Role.ADMIN)
def deactivate_user(user_id: int):
    user = _user_or_404(user_id)
    if user.id == current_user.id:
        flash("You cannot deactivate your own account.", "important")
        return redirect(url_for("auth.edit_user", user_id=user.id))
    try:
        deactivate(user)
    except LastDsl:
        flash(f"{user.name} is the last active designated safeguarding lead.", "important")
        return redirect(url_for("auth.edit_user", user_id=user.id))
    flash(f"{user.name} is deactivated and signed out everywhere.", "success")
    return redirect(url_for("auth.users"))


@bp.post("/admin/users/<int:user_id>/reactivate")
@allow(Role.ADMIN)
def reactivate_user(user_id: int):
    user = _user_or_404(user_id)
    reactivate(user)
    flash(f"{user.name} can sign in again.", "success")
    return redirect(url_for("auth.users"))
