"""Providers, their compliance and their site checks, as the screens ask for them.

The registration figures come from the pupils linked to a provider or timetabled there, each
counted by their hours at that provider (the timetable slots it teaches), but leave here only
as anonymous placements (hours, looked-after, EHC plan): the pages assessors see never show
them, and nothing here names a pupil but the lead's own list of a provider's pupils.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.auth.models import Role, User, token_hash
from ap_field.common.pagination import ListPage
from ap_field.common.time import LONDON, london_today, utcnow
from ap_field.extensions import db
from ap_field.photos.access import photo_rule
from ap_field.photos.models import Photo
from ap_field.plans.models import TimetableSlot, minutes_between
from ap_field.premises.compliance import (
    Flag,
    OverdueAction,
    Placement,
    Policy,
    ProviderFacts,
    compliance_flags,
    hours_text,
)
from ap_field.premises.models import (
    ActionLink,
    ActionRisk,
    ActionStatus,
    Answer,
    CheckAnswer,
    CheckItem,
    CheckSection,
    CheckStatus,
    CheckTemplate,
    Provider,
    ProviderSite,
    SiteAction,
    SiteCheck,
    check_answer_photos,
    site_action_photos,
)
from ap_field.pupils.models import Pupil, PupilStatus, SendStatus, pupil_providers
from ap_field.pupils.school_age import is_of_compulsory_school_age

CHECK_READERS = (Role.ASSESSOR, Role.LEAD, Role.ADMIN)
OUTSTANDING = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


@photo_rule
def _site_check_photos(user: User, photo: Photo) -> bool | None:
    """A site check's photos (with the copies marked on the phone), and the evidence its
    actions were done, are for those who read site checks; a teacher never sees them."""
    original = photo.id
    if (
        marked_from := db.session.scalar(sa.select(Photo.id).where(Photo.annotated_id == photo.id))
    ) is not None:
        original = marked_from
    linked = db.session.scalar(
        sa.union(
            sa.select(check_answer_photos.c.photo_id).where(
                check_answer_photos.c.photo_id == original
            ),
            sa.select(site_action_photos.c.photo_id).where(
                site_action_photos.c.photo_id == original
            ),
        )
    )
    if linked is None:
        return None
    return user.role in CHECK_READERS


@dataclass(frozen=True)
class LastCheck:
    """A provider's latest signed-off site check: its day and when it set the next one for."""

    signed_off_on: date
    next_due_on: date


@dataclass
class ProviderCompliance:
    provider: Provider
    flags: list[Flag]
    placements: list[Placement]
    last_check: LastCheck | None

    @property
    def do_not_commission(self) -> bool:
        return any(flag.do_not_commission for flag in self.flags)

    @property
    def last_check_on(self) -> date | None:
        return self.last_check.signed_off_on if self.last_check else None

    @property
    def next_check_due_on(self) -> date | None:
        return self.last_check.next_due_on if self.last_check else None


def _placed(provider_id: int | None = None) -> sa.Subquery:
    """(provider_id, pupil_id) of every pupil linked to a provider or timetabled there."""
    linked = sa.select(pupil_providers.c.provider_id, pupil_providers.c.pupil_id)
    timetabled = sa.select(TimetableSlot.provider_id, TimetableSlot.pupil_id).where(
        TimetableSlot.provider_id.is_not(None)
    )
    if provider_id is not None:
        linked = linked.where(pupil_providers.c.provider_id == provider_id)
        timetabled = timetabled.where(TimetableSlot.provider_id == provider_id)
    return sa.union(linked, timetabled).subquery()


@dataclass
class WeeklyMinutes:
    """Minutes a week from the timetable: each pupil's at each provider, and in all."""

    here: dict[tuple[int, int], int]
    total: dict[int, int]

    def hours_here(self, provider_id: int, pupil_id: int) -> Decimal:
        return Decimal(self.here.get((provider_id, pupil_id), 0)) / 60

    def hours_in_all(self, pupil_id: int) -> Decimal:
        return Decimal(self.total.get(pupil_id, 0)) / 60


def _weekly_minutes(placed: sa.Subquery) -> WeeklyMinutes:
    here: dict[tuple[int, int], int] = defaultdict(int)
    total: dict[int, int] = defaultdict(int)
    for pupil_id, provider_id, starts_at, ends_at in db.session.execute(
        sa.select(
            TimetableSlot.pupil_id,
            TimetableSlot.provider_id,
            TimetableSlot.starts_at,
            TimetableSlot.ends_at,
        ).where(TimetableSlot.pupil_id.in_(sa.select(placed.c.pupil_id)))
    ):
        minutes = minutes_between(starts_at, ends_at)
        total[pupil_id] += minutes
        if provider_id is not None:
            here[(provider_id, pupil_id)] += minutes
    return WeeklyMinutes(here, total)


def placements_by_provider(
    today: date, provider_id: int | None = None
) -> dict[int, list[Placement]]:
    """Every open placement, anonymous, grouped by provider, in two queries: each pupil counted
    by their hours at that provider, from the timetable."""
    placed = _placed(provider_id)
    rows = db.session.execute(
        sa.select(
            placed.c.provider_id,
            Pupil.id,
            Pupil.date_of_birth,
            Pupil.looked_after,
            Pupil.send_status,
        )
        .join(Pupil, Pupil.id == placed.c.pupil_id)
        .where(Pupil.status != PupilStatus.CLOSED)
        .order_by(placed.c.provider_id, Pupil.id)
    ).all()
    minutes = _weekly_minutes(placed)
    placements: dict[int, list[Placement]] = {}
    for provider, pupil_id, date_of_birth, looked_after, send_status in rows:
        placements.setdefault(provider, []).append(
            Placement(
                hours_per_week=minutes.hours_here(provider, pupil_id),
                compulsory_school_age=is_of_compulsory_school_age(date_of_birth, today),
                looked_after=looked_after,
                ehc_plan=send_status == SendStatus.EHC_PLAN,
                timetabled_hours=minutes.hours_in_all(pupil_id),
            )
        )
    return placements


def other_placements(provider: Provider) -> list[Placement]:
    """The pupils placed there that ap-field does not hold, as the lead entered them."""
    return [
        Placement(
            hours_per_week=provider.other_hours_per_week,
            looked_after=number < provider.other_looked_after,
            ehc_plan=number < provider.other_ehc_plans,
        )
        for number in range(provider.other_pupils)
    ]


def last_checks_by_provider(provider_id: int | None = None) -> dict[int, LastCheck]:
    """Each provider's latest signed-off site check: the day, in London, and the next due."""
    latest = (
        sa.select(
            ProviderSite.provider_id, sa.func.max(SiteCheck.signed_off_at).label("signed_off_at")
        )
        .join(SiteCheck, SiteCheck.site_id == ProviderSite.id)
        .where(SiteCheck.status == CheckStatus.SIGNED_OFF)
        .group_by(ProviderSite.provider_id)
    )
    if provider_id is not None:
        latest = latest.where(ProviderSite.provider_id == provider_id)
    latest = latest.subquery()
    rows = db.session.execute(
        sa.select(latest.c.provider_id, latest.c.signed_off_at, SiteCheck.next_due_on)
        .join(ProviderSite, ProviderSite.provider_id == latest.c.provider_id)
        .join(
            SiteCheck,
            sa.and_(
                SiteCheck.site_id == ProviderSite.id,
                SiteCheck.signed_off_at == latest.c.signed_off_at,
            ),
        )
    ).all()
    return {
        provider_id: LastCheck(moment.astimezone(LONDON).date(), next_due_on)
        for provider_id, moment, next_due_on in rows
    }


def overdue_actions_by_provider(
    today: date, provider_id: int | None = None
) -> dict[int, list[OverdueAction]]:
    """The site check actions not done by their due date, by provider."""
    query = (
        sa.select(
            ProviderSite.provider_id, SiteAction.risk, SiteAction.due_on, SiteAction.description
        )
        .join(SiteCheck, SiteCheck.id == SiteAction.check_id)
        .join(ProviderSite, ProviderSite.id == SiteCheck.site_id)
        .where(SiteAction.status.in_(OUTSTANDING), SiteAction.due_on < today)
    )
    if provider_id is not None:
        query = query.where(ProviderSite.provider_id == provider_id)
    overdue: dict[int, list[OverdueAction]] = defaultdict(list)
    for provider, risk, due_on, description in db.session.execute(query):
        overdue[provider].append(OverdueAction(risk, due_on, description))
    return overdue


def _overdue_high_risk(today: date) -> sa.Select:
    """The providers with a high-risk action past its due date: none may take a new pupil
    without a lead's override."""
    return (
        sa.select(ProviderSite.provider_id)
        .distinct()
        .join(SiteCheck, SiteCheck.site_id == ProviderSite.id)
        .join(SiteAction, SiteAction.check_id == SiteCheck.id)
        .where(
            SiteAction.risk == ActionRisk.HIGH,
            SiteAction.status.in_(OUTSTANDING),
            SiteAction.due_on < today,
        )
    )


def providers_with_overdue_high_risk(today: date) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(_overdue_high_risk(today).subquery())
    )


def stopped_providers(provider_ids: Iterable[int], today: date) -> list[Provider]:
    """Those of `provider_ids` with an overdue high-risk action, by name."""
    return list(
        db.session.scalars(
            sa.select(Provider)
            .where(Provider.id.in_(list(provider_ids)), Provider.id.in_(_overdue_high_risk(today)))
            .order_by(Provider.name)
        )
    )


def _facts(
    provider: Provider,
    placements: list[Placement],
    last: LastCheck | None,
    overdue: list[OverdueAction],
) -> ProviderFacts:
    return ProviderFacts(
        needs_no_registration=provider.provider_type.needs_no_registration,
        placements=placements,
        policies=[
            Policy(policy.kind, policy.cover_amount, policy.expires_on)
            for policy in provider.policies
        ],
        provides_professional_services=provider.provides_professional_services,
        dsl_name=provider.dsl_name,
        dsl_trained_on=provider.dsl_trained_on,
        deputy_dsl_name=provider.deputy_dsl_name,
        deputy_dsl_trained_on=provider.deputy_dsl_trained_on,
        single_central_record_checked_on=provider.single_central_record_checked_on,
        last_site_check_on=last.signed_off_on if last else None,
        next_site_check_due_on=last.next_due_on if last else None,
        overdue_actions=tuple(overdue),
    )


def _with_sites_and_policies() -> sa.Select:
    return sa.select(Provider).options(
        so.selectinload(Provider.sites), so.selectinload(Provider.policies)
    )


def compliance_of_all() -> list[ProviderCompliance]:
    """Every provider with its flags, in a fixed number of queries."""
    return _compliance(db.session.scalars(_with_sites_and_policies().order_by(Provider.name)))


def compliance_page(page: int, per_page: int) -> ListPage:
    """One page of the lead's list of providers with their flags, by name."""
    providers = db.paginate(
        _with_sites_and_policies().order_by(Provider.name),
        page=page,
        per_page=per_page,
        error_out=False,
    )
    return ListPage(_compliance(providers.items), providers.page, per_page, providers.total)


def _compliance(providers: Iterable[Provider]) -> list[ProviderCompliance]:
    today = london_today()
    known = placements_by_provider(today)
    last_checks = last_checks_by_provider()
    overdue = overdue_actions_by_provider(today)
    return [
        _provider_compliance(provider, known, last_checks, overdue, today) for provider in providers
    ]


def _provider_compliance(provider, known, last_checks, overdue, today) -> ProviderCompliance:
    placements = known.get(provider.id, []) + other_placements(provider)
    last = last_checks.get(provider.id)
    facts = _facts(provider, placements, last, overdue.get(provider.id, []))
    return ProviderCompliance(provider, compliance_flags(facts, today), placements, last)


def compliance_of(provider: Provider) -> ProviderCompliance:
    today = london_today()
    return _provider_compliance(
        provider,
        placements_by_provider(today, provider.id),
        last_checks_by_provider(provider.id),
        overdue_actions_by_provider(today, provider.id),
        today,
    )


def provider_or_404(provider_id: int) -> Provider:
    return db.first_or_404(_with_sites_and_policies().where(Provider.id == provider_id))


def record_of_provider_or_404(model, record_id: int, provider: Provider):
    return db.first_or_404(
        sa.select(model).where(model.id == record_id, model.provider_id == provider.id)
    )


@dataclass
class PupilPlaced:
    """A pupil on a provider's page: their hours there and in their whole timetable."""

    pupil: Pupil
    hours_here: Decimal
    timetabled_hours: Decimal

    @property
    def hours(self) -> str:
        here, in_all = hours_text(self.hours_here), hours_text(self.timetabled_hours)
        return f"{here} (of {in_all} in their timetable)"


def pupils_placed_at(provider: Provider) -> list[PupilPlaced]:
    """The open pupils linked to the provider or timetabled there, by name, with their hours,
    for the lead's page only (leads see every pupil)."""
    placed = _placed(provider.id)
    pupils = db.session.scalars(
        sa.select(Pupil)
        .join(placed, placed.c.pupil_id == Pupil.id)
        .where(Pupil.status != PupilStatus.CLOSED)
        .order_by(Pupil.legal_name, Pupil.id)
    ).all()
    minutes = _weekly_minutes(placed)
    return [
        PupilPlaced(
            pupil, minutes.hours_here(provider.id, pupil.id), minutes.hours_in_all(pupil.id)
        )
        for pupil in pupils
    ]


def all_sites() -> list[ProviderSite]:
    return list(
        db.session.scalars(
            sa.select(ProviderSite)
            .join(Provider)
            .options(so.contains_eager(ProviderSite.provider))
            .order_by(Provider.name, ProviderSite.name)
        )
    )


def providers_with_sites() -> sa.Select:
    """Providers by name with their sites; the view pages it."""
    return sa.select(Provider).options(so.selectinload(Provider.sites)).order_by(Provider.name)


def _check_query() -> sa.Select:
    return sa.select(SiteCheck).options(
        so.joinedload(SiteCheck.site).joinedload(ProviderSite.provider),
        so.joinedload(SiteCheck.assessor),
        so.joinedload(SiteCheck.template),
    )


def check_by_id(check_id: int) -> SiteCheck | None:
    return db.session.get(SiteCheck, check_id)


def provider_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Provider.id)))


def check_or_404(check_id: int) -> SiteCheck:
    """A check with its template's sections and items, and its answers and their photos."""
    return db.first_or_404(
        _check_query()
        .where(SiteCheck.id == check_id)
        .options(
            so.joinedload(SiteCheck.template)
            .selectinload(CheckTemplate.sections)
            .selectinload(CheckSection.items),
            so.selectinload(SiteCheck.answers).selectinload(CheckAnswer.photos),
        )
    )


def draft_checks() -> list[SiteCheck]:
    return list(
        db.session.scalars(
            _check_query()
            .where(SiteCheck.status == CheckStatus.DRAFT)
            .order_by(SiteCheck.created_at.desc())
        )
    )


def recent_signed_off_checks(limit: int = 20) -> list[SiteCheck]:
    return list(
        db.session.scalars(
            _check_query()
            .where(SiteCheck.status == CheckStatus.SIGNED_OFF)
            .order_by(SiteCheck.signed_off_at.desc())
            .limit(limit)
        )
    )


def checks_falling_due(last_day: date) -> sa.Select[tuple[SiteCheck]]:
    """Each site's latest signed-off check whose next check is due by `last_day` (overdue
    ones included), soonest first."""
    later = so.aliased(SiteCheck)
    return (
        _check_query()
        .where(
            SiteCheck.status == CheckStatus.SIGNED_OFF,
            SiteCheck.next_due_on <= last_day,
            ~sa.exists().where(
                later.site_id == SiteCheck.site_id,
                later.status == CheckStatus.SIGNED_OFF,
                later.signed_off_at > SiteCheck.signed_off_at,
            ),
        )
        .order_by(SiteCheck.next_due_on, SiteCheck.id)
    )


def sites_never_checked() -> sa.Select[tuple[ProviderSite]]:
    signed_off = sa.select(SiteCheck.id).where(
        SiteCheck.site_id == ProviderSite.id, SiteCheck.status == CheckStatus.SIGNED_OFF
    )
    return (
        sa.select(ProviderSite)
        .join(Provider)
        .options(so.contains_eager(ProviderSite.provider))
        .where(~signed_off.exists())
        .order_by(Provider.name, ProviderSite.name, ProviderSite.id)
    )


def checks_of_provider(provider: Provider) -> list[SiteCheck]:
    return list(
        db.session.scalars(
            _check_query()
            .join(ProviderSite, ProviderSite.id == SiteCheck.site_id)
            .where(ProviderSite.provider_id == provider.id)
            .order_by(SiteCheck.created_at.desc())
        )
    )


def latest_templates() -> list[CheckTemplate]:
    """The newest version of each template, by name."""
    newest = (
        sa.select(CheckTemplate.name, sa.func.max(CheckTemplate.version_number).label("newest"))
        .group_by(CheckTemplate.name)
        .subquery()
    )
    return list(
        db.session.scalars(
            sa.select(CheckTemplate)
            .join(
                newest,
                sa.and_(
                    CheckTemplate.name == newest.c.name,
                    CheckTemplate.version_number == newest.c.newest,
                ),
            )
            .order_by(CheckTemplate.name)
        )
    )


def all_template_versions() -> list[CheckTemplate]:
    return list(
        db.session.scalars(
            sa.select(CheckTemplate).order_by(
                CheckTemplate.name, CheckTemplate.version_number.desc()
            )
        )
    )


def template_or_404(template_id: int) -> CheckTemplate:
    return db.first_or_404(
        sa.select(CheckTemplate)
        .where(CheckTemplate.id == template_id)
        .options(so.selectinload(CheckTemplate.sections).selectinload(CheckSection.items))
    )


def _action_query() -> sa.Select[tuple[SiteAction]]:
    return sa.select(SiteAction).options(
        so.joinedload(SiteAction.check)
        .joinedload(SiteCheck.site)
        .joinedload(ProviderSite.provider),
        so.joinedload(SiteAction.answer).joinedload(CheckAnswer.item),
    )


def action_or_404(action_id: int) -> SiteAction:
    return db.first_or_404(_action_query().where(SiteAction.id == action_id))


def actions_to_follow() -> list[SiteAction]:
    """Every action not yet verified: the soonest due first, high risk before others."""
    return list(
        db.session.scalars(
            _action_query()
            .where(SiteAction.status != ActionStatus.VERIFIED)
            .order_by(SiteAction.due_on, SiteAction.id)
        )
    )


def actions_of_provider(provider: Provider) -> list[SiteAction]:
    return list(
        db.session.scalars(
            _action_query()
            .join(SiteCheck, SiteCheck.id == SiteAction.check_id)
            .join(ProviderSite, ProviderSite.id == SiteCheck.site_id)
            .where(ProviderSite.provider_id == provider.id)
            .order_by(SiteAction.status == ActionStatus.VERIFIED, SiteAction.due_on, SiteAction.id)
        )
    )


def action_link_by_token(token: str) -> ActionLink | None:
    return db.session.scalar(
        sa.select(ActionLink)
        .where(ActionLink.token_hash == token_hash(token))
        .options(so.joinedload(ActionLink.action).joinedload(SiteAction.check))
    )


@dataclass
class Comparison:
    """A check beside the site's previous signed-off check of the same checklist. Items are
    matched by their text, so a newer version of the checklist still lines up."""

    previous: SiteCheck
    answers: dict[str, CheckAnswer]

    def before(self, item: CheckItem) -> CheckAnswer | None:
        return self.answers.get(item.text)

    def change(self, item: CheckItem, answer: CheckAnswer | None) -> str | None:
        """ "fixed" (No then, Yes now), "new problem" (Yes then, No now), or None."""
        before = self.before(item)
        if before is None or answer is None or answer.answer is None:
            return None
        if before.answer == Answer.NO and answer.answer == Answer.YES:
            return "fixed"
        if before.answer == Answer.YES and answer.answer == Answer.NO:
            return "new problem"
        return None

    def fixed_since(self, check: SiteCheck) -> list[CheckItem]:
        answers = {answer.item_id: answer for answer in check.answers}
        return [
            item for item in check.items() if self.change(item, answers.get(item.id)) == "fixed"
        ]


def compared_with_previous(check: SiteCheck) -> Comparison | None:
    """The site's latest check of the same checklist signed off before this one."""
    before = check.signed_off_at or utcnow()
    previous = db.session.scalar(
        _check_query()
        .join(CheckTemplate, CheckTemplate.id == SiteCheck.template_id)
        .where(
            SiteCheck.site_id == check.site_id,
            SiteCheck.id != check.id,
            SiteCheck.status == CheckStatus.SIGNED_OFF,
            SiteCheck.signed_off_at < before,
            CheckTemplate.name == check.template.name,
        )
        .options(
            so.selectinload(SiteCheck.answers).selectinload(CheckAnswer.photos),
            so.selectinload(SiteCheck.answers).joinedload(CheckAnswer.item),
        )
        .order_by(SiteCheck.signed_off_at.desc())
        .limit(1)
    )
    if previous is None:
        return None
    return Comparison(previous, {answer.item.text: answer for answer in previous.answers})
