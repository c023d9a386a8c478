"""Changes to providers, check templates and site checks, each with its audit event in one
transaction. A signed-off check refuses every change (the models' flush guard backs this)."""

import secrets
import uuid
from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from ap_field.audit.models import plain, record
from ap_field.auth.models import User, token_hash
from ap_field.common.time import LONDON, format_long_date, london_today, utcnow
from ap_field.common.writes import StaleEdit, add_recorded, apply_edit, commit_or_stale
from ap_field.extensions import db
from ap_field.mail.services import link_to, queue_mail
from ap_field.photos.images import CleanPhoto
from ap_field.photos.models import Photo
from ap_field.photos.services import delete_files, keep_photo
from ap_field.premises.compliance import SITE_CHECK_MONTHS, add_months
from ap_field.premises.models import (
    NEXT_STATUSES,
    ActionLink,
    ActionRisk,
    ActionStatus,
    Answer,
    CheckAnswer,
    CheckItem,
    CheckSection,
    CheckSignature,
    CheckStatus,
    CheckTemplate,
    InsurancePolicy,
    Provider,
    ProviderSite,
    SiteAction,
    SiteCheck,
)
from ap_field.premises.standard_templates import STANDARD_TEMPLATES
from ap_field.premises.template_text import SectionText, parse_template_text
from ap_field.push.models import Reminder
from ap_field.push.reminders import claim_mail

PROVIDER_FIELDS = (
    "name",
    "provider_type",
    "urn",
    "on_framework",
    "ofsted_report_on",
    "provides_professional_services",
    "dsl_name",
    "dsl_trained_on",
    "deputy_dsl_name",
    "deputy_dsl_trained_on",
    "single_central_record_checked_on",
    "other_pupils",
    "other_looked_after",
    "other_ehc_plans",
    "other_hours_per_week",
)


class CheckSignedOff(Exception):
    """The check is signed off, so it is read-only."""


class CheckIncomplete(Exception):
    """Sign-off asked of a check with items still unanswered."""


class NotANextStatus(Exception):
    """An action asked to move where its status does not lead (NEXT_STATUSES)."""


class ActionAlreadyDone(Exception):
    """A link's photo and note for an action that is no longer open or in progress."""


def _snapshot(provider: Provider) -> dict:
    return {name: plain(getattr(provider, name)) for name in PROVIDER_FIELDS}


def add_provider(values: dict, site: dict, client_uuid: uuid.UUID) -> Provider:
    provider = Provider(client_uuid=client_uuid, **values)
    db.session.add(provider)
    provider.sites.append(ProviderSite(**site))
    db.session.flush()
    record("provider.added", pupil_id=None, provider_id=provider.id, after=_snapshot(provider))
    db.session.commit()
    return provider


def update_provider(provider: Provider, values: dict, seen_version: int | None) -> None:
    if (changed := apply_edit(provider, values, seen_version, _snapshot)) is None:
        return
    before, after = changed
    record("provider.updated", pupil_id=None, provider_id=provider.id, before=before, after=after)
    commit_or_stale()


def _saved(model: type, provider: Provider, existing, values: dict, synced: dict):
    """A new record of the provider's (existing None, with its client_uuid) or `existing`
    changed as seen at its version, flushed so that it has an id."""
    if existing is None:
        existing = model(provider=provider, client_uuid=synced["client_uuid"])
        db.session.add(existing)
    elif existing.version != synced["seen_version"]:
        raise StaleEdit()
    for name, value in values.items():
        setattr(existing, name, value)
    db.session.flush()
    return existing


def save_site(provider: Provider, site: ProviderSite | None, values: dict, **synced) -> None:
    """Add a site (site None, with its client_uuid) or change one (with the version seen)."""
    site = _saved(ProviderSite, provider, site, values, synced)
    record("provider.site_saved", pupil_id=None, provider_id=provider.id, site_id=site.id)
    commit_or_stale()


def save_policy(provider: Provider, policy: InsurancePolicy | None, values: dict, **synced):
    policy = _saved(InsurancePolicy, provider, policy, values, synced)
    record(
        "provider.policy_saved",
        pupil_id=None,
        provider_id=provider.id,
        policy_id=policy.id,
        kind=policy.kind,
        cover_amount=policy.cover_amount,
        expires_on=policy.expires_on,
    )
    commit_or_stale()


def _build_template(
    name: str, source: str, sections: list[SectionText], version_number: int, **extra
) -> CheckTemplate:
    template = CheckTemplate(name=name, source=source, version_number=version_number, **extra)
    for position, text in enumerate(sections, start=1):
        section = CheckSection(
            position=position, title=text.title, higher_risk_only=text.higher_risk_only
        )
        section.items = [
            CheckItem(position=number, text=item) for number, item in enumerate(text.items, 1)
        ]
        template.sections.append(section)
    db.session.add(template)
    return template


def standard_templates() -> None:
    """Seed version 1 of each standard template whose name has no version yet.

    Runs when templates are first needed; if two requests seed at the same moment, the
    unique (name, version) refuses the second, which then finds the first's.
    """
    existing = set(db.session.scalars(sa.select(CheckTemplate.name).distinct()))
    missing = [spec for spec in STANDARD_TEMPLATES if spec[0] not in existing]
    if not missing:
        return
    for name, source, text in missing:
        _build_template(name, source, parse_template_text(text), 1)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()


def add_template_version(
    name: str, source: str, text: str, author: User, client_uuid: uuid.UUID
) -> CheckTemplate:
    """The next version of the template called `name` (or version 1 of a new template)."""
    latest = db.session.scalar(
        sa.select(sa.func.max(CheckTemplate.version_number)).where(CheckTemplate.name == name)
    )
    template = _build_template(
        name,
        source,
        parse_template_text(text),
        (latest or 0) + 1,
        added_by_id=author.id,
        client_uuid=client_uuid,
    )
    db.session.flush()
    record(
        "check_template.added",
        pupil_id=None,
        template_id=template.id,
        version=template.version_number,
    )
    db.session.commit()
    return template


class CheckInProgress(Exception):
    """The provider has a check in progress, `check`: one at a time, so that two assessors
    never check the same provider's premises side by side unawares."""

    def __init__(self, check: SiteCheck):
        self.check = check
        started = format_long_date(check.created_at.astimezone(LONDON).date())
        super().__init__(
            f"{check.site.provider.name} already has a site check in progress, started by "
            f"{check.assessor.name} on {started}. Finish that check before starting another"
        )


def _lock_provider(provider_id: int) -> None:
    """Hold the provider's row until the transaction ends: an update that changes nothing
    waits for another transaction holding it, on PostgreSQL as a row lock and on SQLite as its
    one writer at a time."""
    providers = Provider.__table__
    db.session.execute(
        providers.update()
        .where(providers.c.id == provider_id)
        .values(updated_at=providers.c.updated_at)
    )


def start_check(
    site: ProviderSite, template: CheckTemplate, assessor: User, higher_risk, client_uuid
) -> SiteCheck:
    """Refused with CheckInProgress while the provider has a check in progress. Two starts at
    once queue on the provider's row, and the second finds the first's check."""
    _lock_provider(site.provider_id)
    in_progress = db.session.scalar(
        sa.select(SiteCheck)
        .join(SiteCheck.site)
        .where(ProviderSite.provider_id == site.provider_id, SiteCheck.status == CheckStatus.DRAFT)
        .order_by(SiteCheck.created_at)
        .limit(1)
    )
    if in_progress is not None:
        refused = CheckInProgress(in_progress)
        db.session.rollback()
        raise refused
    return add_recorded(
        SiteCheck(
            site=site,
            template=template,
            assessor_id=assessor.id,
            higher_risk=higher_risk,
            client_uuid=client_uuid,
        ),
        "site_check.started",
        lambda check: {
            "pupil_id": None,
            "check_id": check.id,
            "site_id": site.id,
            "template_id": template.id,
        },
    )


def _refuse_if_signed_off(check: SiteCheck) -> None:
    if check.is_signed_off:
        raise CheckSignedOff()


def answer_of(check: SiteCheck, item: CheckItem) -> CheckAnswer | None:
    return next((answer for answer in check.answers if answer.item_id == item.id), None)


def _answer_row(check: SiteCheck, item: CheckItem) -> CheckAnswer:
    answer = answer_of(check, item)
    if answer is None:
        answer = CheckAnswer(check=check, item_id=item.id)
        db.session.add(answer)
    return answer


ACTION_FIELDS = (
    "action_description",
    "action_owner",
    "action_owner_email",
    "action_risk",
    "action_due_on",
)


def due_for(risk: ActionRisk, day: date) -> date:
    """When an action of this risk raised on `day` is due: ACTION_DUE_DAYS later."""
    return day + timedelta(days=current_app.config["ACTION_DUE_DAYS"][risk.value])


def answer_item(check: SiteCheck, item: CheckItem, values: dict) -> CheckAnswer:
    """Save the answer to one item; a "No" brings its action, anything else clears it."""
    _refuse_if_signed_off(check)
    answer = _answer_row(check, item)
    if values["answer"] != Answer.NO:
        values = values | dict.fromkeys(ACTION_FIELDS)
    elif values.get("action_due_on") is None:
        values = values | {"action_due_on": due_for(values["action_risk"], london_today())}
    for name, value in values.items():
        setattr(answer, name, value)
    check.updated_at = utcnow()
    record(
        "site_check.answered",
        pupil_id=None,
        check_id=check.id,
        item_id=item.id,
        answer=answer.answer,
        comment=answer.comment,
        action=answer.action_description,
    )
    db.session.commit()
    return answer


def add_photo(
    check: SiteCheck,
    item: CheckItem,
    clean: CleanPhoto,
    uploader: User,
    client_uuid: uuid.UUID,
    caption: str | None,
    annotated: CleanPhoto | None = None,
) -> Photo:
    """Add a photo to an item's answer, with the copy marked on the phone if there is one; the
    same picture sent again is the photo it already is."""
    _refuse_if_signed_off(check)
    answer = _answer_row(check, item)
    for photo in answer.photos:
        if photo.upload_sha256 == clean.upload_sha256:
            return photo
    photo = keep_photo(clean, uploader, client_uuid, caption)
    if annotated is not None:
        photo.annotated = keep_photo(annotated, uploader, uuid.uuid4(), caption)
    answer.photos.append(photo)
    record("site_check.photo_added", pupil_id=None, check_id=check.id, photo_id=photo.id)
    db.session.commit()
    return photo


def remove_photo(check: SiteCheck, answer: CheckAnswer, photo: Photo) -> None:
    """Take a photo off a draft check: its record and its files go."""
    _refuse_if_signed_off(check)
    answer.photos.remove(photo)
    for copy in [photo, *([photo.annotated] if photo.annotated else [])]:
        db.session.delete(copy)
        delete_files(copy)
    record("site_check.photo_removed", pupil_id=None, check_id=check.id, photo_id=photo.id)
    db.session.commit()


def unanswered_items(check: SiteCheck) -> list[CheckItem]:
    answered = {answer.item_id for answer in check.answers if answer.answer is not None}
    return [item for item in check.items() if item.id not in answered]


def sign_off(
    check: SiteCheck, values: dict, seen_version: int | None, signatures: dict | None = None
) -> None:
    """Sign the check off, with `signatures`, {Signer: (name, PNG)}, drawn on the phone."""
    _refuse_if_signed_off(check)
    if check.version != seen_version:
        raise StaleEdit()
    if unanswered_items(check):
        raise CheckIncomplete()
    for name, value in values.items():
        setattr(check, name, value)
    check.status = CheckStatus.SIGNED_OFF
    check.signed_off_at = now = utcnow()
    actions = actions_from_answers(check.answers, check=check)
    db.session.add_all(actions)
    check.next_due_on = next_check_due(actions, london_today())
    db.session.add_all(
        CheckSignature(check_id=check.id, signer=signer, name=name, signed_at=now, png=png)
        for signer, (name, png) in (signatures or {}).items()
    )
    db.session.flush()
    for action in actions:
        record(
            "site_action.raised",
            pupil_id=None,
            action_id=action.id,
            check_id=check.id,
            risk=action.risk,
            due_on=action.due_on,
        )
        send_action_link(action)
    record("site_check.signed_off", pupil_id=None, check_id=check.id, outcome=check.outcome)
    commit_or_stale()


def next_check_due(actions: list[SiteAction], today: date) -> date:
    """A year on; or, with high-risk actions open, a re-visit by the last one's due date."""
    high = [action.due_on for action in actions if action.risk == ActionRisk.HIGH]
    return max(high) if high else add_months(today, SITE_CHECK_MONTHS)


def actions_from_answers(answers: list[CheckAnswer], **fields) -> list[SiteAction]:
    """Each "No" answer's action, to be followed from the sign-off until it is verified, with
    `fields`: its check, or where it has got to (the demo's past checks)."""
    return [
        SiteAction(
            answer=answer,
            description=answer.action_description,
            owner=answer.action_owner,
            owner_email=answer.action_owner_email,
            risk=answer.action_risk,
            due_on=answer.action_due_on,
            **fields,
        )
        for answer in answers
        if answer.answer == Answer.NO
    ]


ACTION_AUDITED = ("status", "done_note", "done_at", "verified_at", "verified_by_id")


def _action_snapshot(action: SiteAction) -> dict:
    return {name: plain(getattr(action, name)) for name in ACTION_AUDITED}


def update_action(
    action: SiteAction,
    status: ActionStatus,
    note: str | None,
    by: User,
    seen_version: int | None,
    evidence: CleanPhoto | None = None,
) -> None:
    """Move an action on: done carries what was done; verified, who verified it and when;
    back to open (reopened) clears both, keeping the earlier ones in the audit trail, and
    sends the owner a new link."""
    if status not in NEXT_STATUSES[action.status]:
        raise NotANextStatus()
    now = utcnow()
    values: dict = {"status": status}
    if status == ActionStatus.DONE:
        values |= {"done_note": note, "done_at": now}
    elif status == ActionStatus.VERIFIED:
        values |= {"verified_at": now, "verified_by_id": by.id}
    elif status == ActionStatus.OPEN:
        values |= dict.fromkeys(("done_note", "done_at", "verified_at", "verified_by_id"))
    before, after = apply_edit(action, values, seen_version, _action_snapshot)
    if evidence is not None:
        action.evidence.append(keep_photo(evidence, by, uuid.uuid4(), f"Added by {by.name}"))
    if status == ActionStatus.OPEN:
        send_action_link(action)
    record(
        "site_action.updated",
        pupil_id=None,
        action_id=action.id,
        before=before,
        after=after,
        note=note,
    )
    commit_or_stale()


def send_action_link(action: SiteAction, reminder: bool = False) -> ActionLink | None:
    """Mail the action's owner a link to close it from a phone without an account: what to
    do, by when, and the link, which takes one photo and note. None when they have no address.
    A `reminder` says it is due the next day."""
    if not action.owner_email:
        return None
    token = secrets.token_urlsafe(32)
    now = utcnow()
    link = ActionLink(
        action=action,
        token_hash=token_hash(token),
        sent_to=action.owner_email,
        sent_at=now,
        expires_at=now + timedelta(days=current_app.config["ACTION_LINK_DAYS"]),
    )
    db.session.add(link)
    db.session.flush()
    site = action.check.site
    due = format_long_date(action.due_on)
    subject = f"Action from the site check at {site.provider.name}, due {due}"
    queue_mail(
        action.owner_email,
        f"Reminder: {subject}" if reminder else subject,
        (REMINDER_OPENING if reminder else "")
        + ACTION_MAIL.format(
            owner=action.owner,
            site=site.label,
            description=action.description,
            seen=action.answer.comment,
            risk=action.risk.label.lower(),
            due=due,
            link=link_to("premises.action_link", token=token),
            expires=format_long_date(link.expires_at.astimezone(LONDON).date()),
        ),
    )
    event = "site_action.owner_reminded" if reminder else "site_action.link_sent"
    record(event, pupil_id=None, action_id=action.id, link_id=link.id)
    return link


REMINDER_OPENING = "This action is due tomorrow and is not done yet.\n\n"


def mail_overdue_actions(now: datetime) -> int:
    """Mail the competent person who made the check, once, when one of its actions passes its
    due date not done (their phone hears of it too: site_action_overdue)."""
    today = now.astimezone(LONDON).date()
    mailed_before = sa.exists().where(
        Reminder.kind == OVERDUE_MAIL_KIND,
        Reminder.object_id == SiteAction.id,
        Reminder.due_on == SiteAction.due_on,
    )
    overdue = db.session.scalars(
        sa.select(SiteAction)
        .join(SiteCheck, SiteCheck.id == SiteAction.check_id)
        .join(User, User.id == SiteCheck.assessor_id)
        .where(
            SiteAction.status.in_((ActionStatus.OPEN, ActionStatus.IN_PROGRESS)),
            SiteAction.due_on < today,
            User.active,
            ~mailed_before,
        )
        .options(
            so.contains_eager(SiteAction.check).contains_eager(SiteCheck.assessor),
            so.contains_eager(SiteAction.check)
            .joinedload(SiteCheck.site)
            .joinedload(ProviderSite.provider),
        )
    ).all()
    mailed = 0
    for action in overdue:
        assessor = action.check.assessor
        if claim_mail(OVERDUE_MAIL_KIND, action.id, action.due_on, assessor.id, now):
            queue_mail(
                assessor.email,
                f"Overdue: an action from your site check at {action.check.site.provider.name}",
                OVERDUE_MAIL.format(
                    description=action.description,
                    owner=action.owner,
                    due=format_long_date(action.due_on),
                    risk=action.risk.label.lower(),
                    link=link_to("premises.action", action_id=action.id),
                ),
            )
            mailed += 1
        db.session.commit()
    return mailed


OVERDUE_MAIL_KIND = "site_action_overdue_mail"
OVERDUE_MAIL = """An action from a site check you made was due by {due} and is not done.

Action: {description}
Who does it: {owner}
Risk: {risk}

{link}
"""


def remind_action_owners(now: datetime) -> int:
    """Mail each owner whose action is due tomorrow and not done, once, with a new link; an
    action raised today was mailed its link already."""
    today = now.astimezone(LONDON).date()
    due = db.session.scalars(
        sa.select(SiteAction).where(
            SiteAction.status.in_((ActionStatus.OPEN, ActionStatus.IN_PROGRESS)),
            SiteAction.due_on == today + timedelta(days=1),
            SiteAction.owner_email.is_not(None),
            SiteAction.owner_reminded_on.is_(None),
        )
    ).all()
    reminded = 0
    for action in due:
        if action.created_at.astimezone(LONDON).date() < today:
            send_action_link(action, reminder=True)
            reminded += 1
        action.owner_reminded_on = today
    db.session.commit()
    return reminded


ACTION_MAIL = """Hello {owner},

A site check of {site} found something to put right.

Action: {description}
What the competent person saw: {seen}
Risk: {risk}. Due by {due}.

When it is done, open this link on your phone, take a photo that shows it and say what was
done. You do not need an account.

{link}

The link takes one photo and note, until {expires}.
"""


def open_action_link(link: ActionLink) -> None:
    """Every opening of a link is kept in the audit trail."""
    record("site_action.link_opened", pupil_id=None, action_id=link.action_id, link_id=link.id)
    db.session.commit()


def close_by_link(link: ActionLink, clean: CleanPhoto, note: str) -> Photo:
    """The owner's photo and note through their link: the action is done, to be verified,
    and the link is spent."""
    action = link.action
    if not action.is_outstanding:
        raise ActionAlreadyDone()
    now = utcnow()
    photo = keep_photo(clean, None, uuid.uuid4(), f"Sent by {action.owner}")
    action.evidence.append(photo)
    action.status = ActionStatus.DONE
    action.done_note = note
    action.done_at = now
    link.used_at = now
    record(
        "site_action.done_by_link",
        pupil_id=None,
        action_id=action.id,
        link_id=link.id,
        photo_id=photo.id,
        note=note,
    )
    commit_or_stale()
    return photo
