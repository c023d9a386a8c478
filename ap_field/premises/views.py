"""Providers and their compliance (leads and admins), check templates (admins add versions)
and site checks (competent persons make them; leads and admins read them).

Assessors never see a provider's pupil figures: those pages are for leads and admins.
"""

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import NotFound

from ap_field.auth.limits import attempts_per_minute, link_refused, refuse_link
from ap_field.auth.models import Role
from ap_field.common.access import allow, public
from ap_field.common.confirm import confirmation_page
from ap_field.common.conflicts import conflict_page
from ap_field.common.pagination import list_page_url, page_number, requested_page
from ap_field.common.pdf import data_url, pdf_response
from ap_field.common.routing import id_from_query
from ap_field.common.security import private
from ap_field.common.time import london_today, utcnow
from ap_field.common.writes import StaleEdit
from ap_field.extensions import db, htmx, limiter
from ap_field.mail.services import send_soon
from ap_field.photos.images import PhotoRefused, clean_photo
from ap_field.photos.queries import photo_by_id
from ap_field.photos.services import photo_data_url, replayed_photo
from ap_field.premises import bp
from ap_field.premises.compliance import SITE_CHECK_DUE_AHEAD
from ap_field.premises.forms import (
    ActionLinkForm,
    ActionUpdateForm,
    AnswerForm,
    NewProviderForm,
    PhotoForm,
    PolicyForm,
    ProviderForm,
    SignOffForm,
    SiteForm,
    StartCheckForm,
    TemplateForm,
)
from ap_field.premises.models import (
    Answer,
    CheckTemplate,
    InsurancePolicy,
    Provider,
    ProviderSite,
    Signer,
    SiteCheck,
)
from ap_field.premises.queries import (
    CHECK_READERS,
    action_link_by_token,
    action_or_404,
    actions_of_provider,
    actions_to_follow,
    all_sites,
    all_template_versions,
    check_by_id,
    check_or_404,
    checks_falling_due,
    checks_of_provider,
    compared_with_previous,
    compliance_of,
    compliance_page,
    draft_checks,
    latest_templates,
    provider_or_404,
    providers_with_sites,
    pupils_placed_at,
    recent_signed_off_checks,
    record_of_provider_or_404,
    sites_never_checked,
    template_or_404,
)
from ap_field.premises.services import (
    ActionAlreadyDone,
    CheckIncomplete,
    CheckInProgress,
    CheckSignedOff,
    NotANextStatus,
    add_photo,
    add_provider,
    add_template_version,
    answer_item,
    answer_of,
    close_by_link,
    open_action_link,
    remove_photo,
    save_policy,
    save_site,
    sign_off,
    standard_templates,
    start_check,
    unanswered_items,
    update_action,
    update_provider,
)
from ap_field.premises.template_text import template_as_text

PROVIDER_EDITORS = (Role.LEAD, Role.ADMIN)
PROVIDERS_PAGE_SIZE = 25
DUE_PAGE_SIZE = 25


def _stale(what: str, record, form, back: str):
    """409: someone saved first. Both versions side by side; keep theirs or save mine."""
    caption = "Providers and site checks"
    return conflict_page(record, form, what=what, keep_url=back, caption=caption)


# Providers


@bp.route("/providers")
@allow(*PROVIDER_EDITORS)
def providers():
    page = compliance_page(page_number(), PROVIDERS_PAGE_SIZE)
    return render_template(
        "premises/providers.html",
        page=page,
        page_url=lambda number: url_for("premises.providers", page=number),
    )


@bp.route("/providers/new", methods=["GET", "POST"])
@allow(*PROVIDER_EDITORS)
def new_provider():
    form = NewProviderForm()
    if replayed := form.made_before(Provider):
        return redirect(url_for("premises.provider", provider_id=replayed.id))
    if form.validate_on_submit():
        site = {"name": form.site_name.data, "address": form.address.data}
        provider = add_provider(form.values(), site, form.record_uuid())
        flash(f"{provider.name} is added.", "success")
        return redirect(url_for("premises.provider", provider_id=provider.id))
    return render_template("premises/provider_form.html", form=form, provider=None)


@bp.route("/providers/<int:provider_id>")
@allow(*PROVIDER_EDITORS)
def provider(provider_id: int):
    provider = provider_or_404(provider_id)
    return render_template(
        "premises/provider.html",
        provider=provider,
        compliance=compliance_of(provider),
        pupils=pupils_placed_at(provider),
        checks=checks_of_provider(provider),
        actions=actions_of_provider(provider),
        today=london_today(),
    )


@bp.route("/providers/<int:provider_id>/edit", methods=["GET", "POST"])
@allow(*PROVIDER_EDITORS)
def edit_provider(provider_id: int):
    provider = provider_or_404(provider_id)
    form = ProviderForm(provider=provider)
    back = url_for("premises.provider", provider_id=provider.id)
    if form.validate_on_submit():
        try:
            update_provider(provider, form.values(), seen_version=form.version.data)
        except StaleEdit:
            return _stale("this provider", provider, form, back)
        flash("The provider is saved.", "success")
        return redirect(back)
    return render_template("premises/provider_form.html", form=form, provider=provider)


def _site_or_policy_form(provider_id: int, model, form_class, record_id: int | None, what: str):
    provider = provider_or_404(provider_id)
    existing = record_of_provider_or_404(model, record_id, provider) if record_id else None
    # A site's name is the form's site_name, beside the provider's own name on a new provider.
    form = form_class(obj=existing, site_name=getattr(existing, "name", None))
    back = url_for("premises.provider", provider_id=provider.id)
    if existing is None and form.made_before(model):
        return redirect(back)
    if form.validate_on_submit():
        save = save_site if model is ProviderSite else save_policy
        try:
            save(
                provider,
                existing,
                form.values(),
                client_uuid=form.record_uuid(),
                seen_version=form.version.data,
            )
        except StaleEdit:
            return _stale(f"this {what}", existing, form, back)
        flash(f"The {what} is saved.", "success")
        return redirect(back)
    template = "premises/site_form.html" if model is ProviderSite else "premises/policy_form.html"
    return render_template(template, form=form, provider=provider, existing=existing)


@bp.route("/providers/<int:provider_id>/sites/new", methods=["GET", "POST"])
@allow(*PROVIDER_EDITORS)
def new_site(provider_id: int):
    return _site_or_policy_form(provider_id, ProviderSite, SiteForm, None, "site")


@bp.route("/providers/<int:provider_id>/sites/<int:site_id>/edit", methods=["GET", "POST"])
@allow(*PROVIDER_EDITORS)
def edit_site(provider_id: int, site_id: int):
    return _site_or_policy_form(provider_id, ProviderSite, SiteForm, site_id, "site")


@bp.route("/providers/<int:provider_id>/policies/new", methods=["GET", "POST"])
@allow(*PROVIDER_EDITORS)
def new_policy(provider_id: int):
    return _site_or_policy_form(provider_id, InsurancePolicy, PolicyForm, None, "policy")


@bp.route("/providers/<int:provider_id>/policies/<int:policy_id>/edit", methods=["GET", "POST"])
@allow(*PROVIDER_EDITORS)
def edit_policy(provider_id: int, policy_id: int):
    return _site_or_policy_form(provider_id, InsurancePolicy, PolicyForm, policy_id, "policy")


# Check templates


@bp.route("/check-templates")
@allow(*CHECK_READERS)
def templates():
    standard_templates()
    return render_template("premises/templates.html", templates=all_template_versions())


@bp.route("/check-templates/<int:template_id>")
@allow(*CHECK_READERS)
def template(template_id: int):
    return render_template("premises/template.html", template=template_or_404(template_id))


@bp.route("/check-templates/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_template():
    form = TemplateForm()
    if replayed := form.made_before(CheckTemplate):
        return redirect(url_for("premises.template", template_id=replayed.id))
    if request.method == "GET" and (start_from := id_from_query("from")) is not None:
        base = template_or_404(start_from)
        form.name.data, form.source.data = base.name, base.source
        form.text.data = template_as_text(base)
    if form.validate_on_submit():
        template = add_template_version(
            form.name.data, form.source.data, form.text.data, current_user, form.record_uuid()
        )
        flash(f"{template.label} is added.", "success")
        return redirect(url_for("premises.template", template_id=template.id))
    return render_template("premises/template_form.html", form=form)


# Site checks


@bp.route("/site-checks")
@allow(*CHECK_READERS)
def site_checks():
    today = london_today()
    return render_template(
        "premises/site_checks.html",
        drafts=draft_checks(),
        providers=requested_page(providers_with_sites(), "page", PROVIDERS_PAGE_SIZE),
        page_url=lambda number: _site_checks_url("page", number, "providers"),
        signed_off=recent_signed_off_checks(),
        falling_due=requested_page(
            checks_falling_due(today + SITE_CHECK_DUE_AHEAD), "due-page", DUE_PAGE_SIZE
        ),
        due_url=lambda number: _site_checks_url("due-page", number, "due"),
        never_checked=requested_page(sites_never_checked(), "never-page", DUE_PAGE_SIZE),
        never_url=lambda number: _site_checks_url("never-page", number, "never-checked"),
        today=today,
        may_check=current_user.role == Role.ASSESSOR,
    )


def _site_checks_url(parameter: str, number: int, anchor: str) -> str:
    return list_page_url("premises.site_checks", parameter, number, anchor)


@bp.route("/site-checks/new", methods=["GET", "POST"])
@allow(Role.ASSESSOR)
def new_check():
    standard_templates()
    form = StartCheckForm(sites=all_sites(), templates=latest_templates())
    if replayed := form.made_before(SiteCheck):
        return redirect(url_for("premises.check", check_id=replayed.id))
    if request.method == "GET":
        form.site_id.data = id_from_query("site")
    in_progress = None
    if form.validate_on_submit():
        site, template = form.sites[form.site_id.data], form.templates[form.template_id.data]
        try:
            check = start_check(
                site, template, current_user, form.chosen_higher_risk(), form.record_uuid()
            )
            return redirect(url_for("premises.check", check_id=check.id))
        except CheckInProgress as refused:
            in_progress = refused.check
            form.site_id.errors.append(str(refused))
    return render_template("premises/check_new.html", form=form, in_progress=in_progress)


def _may_edit(check: SiteCheck) -> bool:
    return not check.is_signed_off and check.assessor_id == current_user.id


def _draft_of_mine_or_refuse(check_id: int) -> SiteCheck:
    """The check, if the signed-in assessor may still change it; a signed-off check is 409."""
    check = check_or_404(check_id)
    if check.is_signed_off:
        abort(make_response(render_template("premises/signed_off.html", check=check), 409))
    if check.assessor_id != current_user.id:
        abort(403)
    return check


@bp.route("/site-checks/<int:check_id>")
@allow(*CHECK_READERS)
def check(check_id: int):
    check = check_or_404(check_id)
    if check.is_signed_off:
        return redirect(url_for("premises.report", check_id=check.id))
    unanswered = unanswered_items(check)
    return render_template(
        "premises/check.html",
        check=check,
        answers={answer.item_id: answer for answer in check.answers},
        next_item=unanswered[0] if unanswered else None,
        unanswered=len(unanswered),
        may_edit=_may_edit(check),
    )


def _item_or_404(check: SiteCheck, item_id: int):
    items = check.items()
    for number, item in enumerate(items):
        if item.id == item_id:
            following = items[number + 1] if number + 1 < len(items) else None
            return item, number + 1, len(items), following
    abort(404)


def _item_page(check, item_id, form=None, photo_form=None, photo_error=None, status=200):
    item, number, total, _ = _item_or_404(check, item_id)
    answer = answer_of(check, item)
    if form is None:
        form = AnswerForm(obj=answer, formdata=None)
    photo_form = photo_form or PhotoForm(formdata=None)
    context = {
        "check": check,
        "item": item,
        "number": number,
        "total": total,
        "answer": answer,
        "comparison": compared_with_previous(check),
        "form": form,
        "photo_form": photo_form,
        "photo_error": photo_error,
    }
    if htmx and htmx.target == "item-photos":
        return render_template("premises/_item_photos.html", **context), status
    return render_template("premises/item.html", **context), status


@bp.route("/site-checks/<int:check_id>/items/<int:item_id>", methods=["GET", "POST"])
@allow(Role.ASSESSOR)
def item(check_id: int, item_id: int):
    check = _draft_of_mine_or_refuse(check_id)
    item, _, _, following = _item_or_404(check, item_id)
    form = AnswerForm()
    if form.validate_on_submit():
        answer_item(check, item, form.values())
        if form.answer.data == Answer.NO:
            flash("The answer and its action are saved.", "success")
        if following is not None:
            return redirect(url_for("premises.item", check_id=check.id, item_id=following.id))
        return redirect(url_for("premises.check", check_id=check.id))
    return _item_page(check, item_id, form=form if form.is_submitted() else None)


def _too_large_photo():
    """413 for a photo: the item page again, its answer and other photos as they were saved.
    Called before the view's access rule has run, so it checks the same things itself."""
    if not current_user.is_authenticated or current_user.role != Role.ASSESSOR:
        return None
    check = check_by_id(request.view_args["check_id"])
    if check is None or not _may_edit(check):
        return None
    check = check_or_404(check.id)
    limit = current_app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
    message = (
        f"The photo is bigger than {limit:g} MB. Choose a smaller photo, or take it from this "
        "page, which makes it smaller. Your answers are saved."
    )
    try:
        return _item_page(check, request.view_args["item_id"], photo_error=message, status=413)
    except NotFound:
        return None


@bp.post("/site-checks/<int:check_id>/items/<int:item_id>/photos")
@allow(Role.ASSESSOR)
def add_item_photo(check_id: int, item_id: int):
    """One photo per request, apart from the answer, so a refused photo loses nothing else.
    Replays are recognised by the photo's uuid and the upload's sha256."""
    check = _draft_of_mine_or_refuse(check_id)
    item, *_ = _item_or_404(check, item_id)
    form = PhotoForm()
    upload = form.photo.data
    back = url_for("premises.item", check_id=check.id, item_id=item.id)
    if not upload or not upload.filename:
        return _item_page(check, item_id, photo_form=form, photo_error="Choose a photo", status=422)
    client_uuid = form.photo_client_uuid()
    marked = form.annotated.data
    try:
        clean = clean_photo(upload.read())
        annotated = clean_photo(marked.read()) if marked and marked.filename else None
    except PhotoRefused as refused:
        return _item_page(check, item_id, photo_form=form, photo_error=str(refused), status=422)
    if replayed_photo(client_uuid, clean.upload_sha256) is None:
        caption = form.caption.data
        add_photo(check, item, clean, current_user, client_uuid, caption, annotated)
    db.session.expire_all()
    if htmx:
        return _item_page(check_or_404(check.id), item_id)
    flash("The photo is added.", "success")
    return redirect(back)


add_item_photo.too_large = _too_large_photo


@bp.route(
    "/site-checks/<int:check_id>/items/<int:item_id>/photos/<int:photo_id>/remove",
    methods=["GET", "POST"],
)
@allow(Role.ASSESSOR)
def remove_item_photo(check_id: int, item_id: int, photo_id: int):
    check = _draft_of_mine_or_refuse(check_id)
    item, *_ = _item_or_404(check, item_id)
    answer = answer_of(check, item)
    photo = photo_by_id(photo_id)
    if answer is None or photo not in answer.photos:
        abort(404)
    back = url_for("premises.item", check_id=check.id, item_id=item.id)
    if request.method == "GET":
        return confirmation_page(
            title="Remove this photo?",
            consequence=f"“{photo.caption or 'No caption'}” is deleted from this check's"
            " evidence. Take it again if you need it.",
            button="Yes, remove the photo",
            back_url=back,
            outbox="Removal of a site check photo",
        )
    remove_photo(check, answer, photo)
    flash("The photo is removed.", "success")
    return redirect(back)


@bp.route("/site-checks/<int:check_id>/sign-off", methods=["GET", "POST"])
@allow(Role.ASSESSOR)
def sign_off_check(check_id: int):
    check = _draft_of_mine_or_refuse(check_id)
    actions = [answer for answer in check.answers if answer.answer == Answer.NO]
    form = SignOffForm(obj=check, actions=len(actions), assessor_name=current_user.name)
    unanswered = unanswered_items(check)
    if not unanswered and form.validate_on_submit():
        try:
            sign_off(check, form.values(), form.version.data, _signatures(form))
        except StaleEdit:
            return _stale("this check", check, form, url_for("premises.check", check_id=check.id))
        except (CheckIncomplete, CheckSignedOff):
            db.session.rollback()
            return redirect(url_for("premises.check", check_id=check.id))
        send_soon()
        return redirect(url_for("premises.signed_off", check_id=check.id))
    return render_template(
        "premises/sign_off.html",
        check=check,
        form=form,
        unanswered=unanswered,
        actions=actions,
        answers={answer.item_id: answer for answer in check.answers},
    )


def _signatures(form: SignOffForm) -> dict:
    names = {Signer.COMPETENT_PERSON: current_user.name, Signer.PROVIDER: form.provider_name.data}
    return {signer: (names[signer], png) for signer, png in form.signature_pngs.items()}


@bp.route("/site-checks/<int:check_id>/signatures/<int:signature_id>")
@allow(*CHECK_READERS)
def signature(check_id: int, signature_id: int):
    """A signature drawn at sign-off, as the PNG it was kept as."""
    check = check_or_404(check_id)
    kept = next((kept for kept in check.signatures if kept.id == signature_id), None)
    if kept is None:
        abort(404)
    response = make_response(kept.png)
    response.headers |= {"Content-Type": "image/png", "Cache-Control": "no-store"}
    return response


@bp.route("/site-checks/<int:check_id>/signed-off")
@allow(*CHECK_READERS)
def signed_off(check_id: int):
    """The confirmation after a sign-off: the outcome and when the next check is due."""
    check = check_or_404(check_id)
    if not check.is_signed_off:
        return redirect(url_for("premises.check", check_id=check.id))
    return render_template("premises/confirmation.html", check=check)


@bp.route("/site-checks/<int:check_id>/report")
@allow(*CHECK_READERS)
def report(check_id: int):
    check = check_or_404(check_id)
    return render_template(
        "premises/report.html",
        check=check,
        answers={answer.item_id: answer for answer in check.answers},
        actions=[answer for answer in check.answers if answer.answer == Answer.NO],
        comparison=compared_with_previous(check),
        today=london_today(),
    )


@bp.route("/site-checks/<int:check_id>/report.pdf")
@allow(*CHECK_READERS)
def report_pdf(check_id: int):
    """The report a provider is given: answers, photos, actions with their evidence, sign-off."""
    check = check_or_404(check_id)
    page = render_template(
        "premises/report_print.html",
        check=check,
        answers={answer.item_id: answer for answer in check.answers},
        photo_url=photo_data_url,
        signature_url=lambda signed: data_url(signed.png, "image/png"),
        comparison=compared_with_previous(check),
        made_at=utcnow(),
    )
    return pdf_response(page, f"site-check-{check.id}.pdf")


# Actions from site checks


@bp.route("/site-actions")
@allow(*CHECK_READERS)
def actions():
    """Every action not yet verified, soonest due first."""
    today = london_today()
    to_follow = actions_to_follow()
    overdue = sum(action.is_overdue(today) for action in to_follow)
    return render_template("premises/actions.html", actions=to_follow, overdue=overdue, today=today)


def _action_page(action, form=None, status=200):
    if form is None and current_user.role == Role.ASSESSOR:
        form = ActionUpdateForm(obj=action, formdata=None, action=action)
    form_context = {"form": form} if form is not None else {}
    page = render_template(
        "premises/action.html", action=action, today=london_today(), **form_context
    )
    return page, status


@bp.route("/site-actions/<int:action_id>")
@allow(*CHECK_READERS)
def action(action_id: int):
    return _action_page(action_or_404(action_id))


@bp.post("/site-actions/<int:action_id>/status")
@allow(Role.ASSESSOR)
def update_action_status(action_id: int):
    """The assignee's progress as the competent person hears of it, and their verifying."""
    action = action_or_404(action_id)
    form = ActionUpdateForm(action=action)
    back = url_for("premises.action", action_id=action.id)
    if form.version.data != action.version:
        return _stale_action(action, form, back)
    try:
        if not form.validate_on_submit():
            return _action_page(action, form, status=422)
        evidence = form.evidence()
    except PhotoRefused:
        return _action_page(action, form, status=422)
    try:
        status, note = form.chosen_status(), form.note.data or None
        update_action(action, status, note, current_user, form.version.data, evidence)
    except (StaleEdit, NotANextStatus):
        return _stale_action(action_or_404(action_id), form, back)
    send_soon()
    flash(f"The action is now: {action.status.label.lower()}.", "success")
    return redirect(back)


def _stale_action(action, form: ActionUpdateForm, back: str):
    chosen = ActionUpdateForm.LABELS.get(form.status.data, "Nothing chosen")
    differences = [("Status", action.status.label, chosen)]
    return conflict_page(
        action,
        form,
        what="this action",
        keep_url=back,
        differences=differences,
        caption="Providers and site checks",
    )


# The link an action's email carries: its owner closes it from a phone, with no account.


def _link_page(template: str, status: int = 200, **context):
    return private(render_template(f"premises/{template}", **context), status)


@bp.route("/action-links/<token:token>", methods=["GET", "POST"])
@public
@limiter.limit(attempts_per_minute, deduct_when=link_refused)
def action_link(token: str):
    link = action_link_by_token(token)
    if link is None:
        refuse_link()
        return _link_page("action_link_unknown.html", 404)
    if link.used_at is not None or not link.action.is_outstanding:
        return _link_page("action_link_done.html", action=link.action, used=bool(link.used_at))
    if link.expires_at <= utcnow():
        return _link_page("action_link_expired.html", 410, link=link)
    form = ActionLinkForm()
    if not form.is_submitted():
        open_action_link(link)
        return _link_page("action_link.html", link=link, form=form)
    return _close_by_link(link, form)


def _close_by_link(link, form: ActionLinkForm):
    """The photo is checked and cleaned first: a refused one comes back with the note kept."""
    upload = form.photo.data
    photo_error = None if upload and upload.filename else "Take or choose a photo"
    clean = None
    if photo_error is None:
        try:
            clean = clean_photo(upload.read())
        except PhotoRefused as refused:
            photo_error = str(refused)
    if not form.validate_on_submit() or photo_error:
        form.photo.errors = [photo_error] if photo_error else []
        return _link_page("action_link.html", 422, link=link, form=form)
    try:
        close_by_link(link, clean, form.note.data)
    except (ActionAlreadyDone, StaleEdit):
        db.session.rollback()
    return redirect(url_for("premises.action_link", token=request.view_args["token"]))


def _too_large_for_link():
    """413 for the link's photo: the page again, saying so; the note could not be read."""
    link = action_link_by_token(request.view_args["token"])
    if link is None or link.used_at is not None or not link.action.is_outstanding:
        return None
    limit = current_app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
    message = f"The photo is bigger than {limit:g} MB. Choose a smaller photo, or take it here."
    form = ActionLinkForm(formdata=None)
    form.photo.errors = [message]
    return _link_page("action_link.html", 413, link=link, form=form)


action_link.too_large = _too_large_for_link
