"""The Reminders page: this phone's subscription, the person's devices, and which kinds
of reminder they get."""

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from ap_field.common.access import EVERYONE_SIGNED_IN, allow
from ap_field.common.user_agents import device_name
from ap_field.push import bp, vapid
from ap_field.push.forms import DeviceForm, KindsForm
from ap_field.push.queries import devices_of, opted_out_kinds, own_device_or_404
from ap_field.push.reminders import kinds_for
from ap_field.push.services import (
    SubscriptionRefused,
    checked_subscription,
    choose_kinds,
    send_test,
    subscribe,
    unsubscribe,
)


@bp.route("/reminders", methods=["GET", "POST"])
@allow(*EVERYONE_SIGNED_IN)
def settings():
    offered = kinds_for(current_user)
    form = KindsForm()
    form.offer(offered)
    if request.method == "GET":
        opted_out = opted_out_kinds(current_user)
        form.kinds.data = [kind.name for kind in offered if kind.name not in opted_out]
    if form.validate_on_submit():
        choose_kinds(current_user, [kind.name for kind in offered], form.kinds.data)
        flash("Your reminder choices are saved.", "success")
        return redirect(url_for("push.settings"))
    return render_template(
        "push/settings.html",
        form=form,
        offered=offered,
        devices=devices_of(current_user),
        device_name=device_name,
        device_form=DeviceForm(),
        public_key=vapid.public_key(),
    )


@bp.post("/reminders/devices")
@allow(*EVERYONE_SIGNED_IN)
def subscribe_device():
    """The Reminders page's script posts the browser's PushSubscription here, with the CSRF
    header. A subscription the browser renewed names the endpoint it `replaces`: the service
    worker sends it when the browser renews it, and a page when it finds the server was not
    told. It takes that device's place without a word to the person."""
    try:
        subscription = checked_subscription(request.get_json(silent=True))
        device = subscribe(current_user, subscription, request.user_agent.string)
    except SubscriptionRefused as refused:
        return jsonify(error=str(refused)), 422
    if subscription["replaces"] is None:
        flash("Reminders are on for this device.", "success")
    return jsonify(id=device.id), 201


@bp.post("/reminders/devices/<int:device_id>/delete")
@allow(*EVERYONE_SIGNED_IN)
def turn_off_device(device_id: int):
    device = own_device_or_404(current_user, device_id)
    if DeviceForm().validate_on_submit():
        name = device_name(device.user_agent)
        unsubscribe(device)
        flash(f"Reminders are off for {name}.", "success")
    return redirect(url_for("push.settings"))


@bp.post("/reminders/test")
@allow(*EVERYONE_SIGNED_IN)
def test_notification():
    if not DeviceForm().validate_on_submit():
        return redirect(url_for("push.settings"))
    try:
        result = send_test(current_user)
    except vapid.PushNotConfigured as problem:
        flash(f"Reminders cannot be sent from this server yet. {problem}.", "important")
        return redirect(url_for("push.settings"))
    if result.delivered:
        devices = "device" if result.delivered == 1 else "devices"
        flash(f"Test reminder sent to {result.delivered} {devices}.", "success")
    else:
        flash("No device accepted the test reminder. Turn reminders on again.", "important")
    return redirect(url_for("push.settings"))
