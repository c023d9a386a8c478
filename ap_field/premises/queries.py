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

from ap_field.auth.models import Role, User
from ap_field.common.pagination import ListPage
from ap_field.common.time import LONDON, london_today
from ap_field.extensions import db
from ap_field.photos.access import photo_rule
from ap_field.photos.models import Photo
from ap_field.plans.models import TimetableSlot, minutes_between
from ap_field.premises.compliance import (
    Flag,
    Placement,
    Policy,
    ProviderFacts,
    add_months,
    compliance_flags,
    hours_text,
)
from ap_field.premises.models import (
    CheckAnswer,
    CheckSection,
    CheckStatus,
    CheckTemplate,
    Provider,
    ProviderSite,
    SiteCheck,
    check_answer_photos,
)
from ap_field.pupils.models import Pupil, PupilStatus, SendStatus, pupil_providers
from ap_field.pupils.school_age import is_of_compulsory_school_age

CHECK_READERS = (Role.ASSESSOR, Role.LEAD, Role.ADMIN)


@photo_rule
def _site_check_photos(user: User, photo: Photo) -> bool | None:
    """A site check's photos are for those who read site checks; a teacher never sees them."""
    linked = db.session.scalar(
        sa.select(check_answer_photos.c.answer_id).where(check_answer_photos.c.photo_id == photo.id)
    )
    if linked is None:
        return None
    return user.role in CHECK_READERS


@dataclass
class ProviderCompliance:
    provider: Provider
    flags: list[Flag]
    placements: list[Placement]
    last_check_on: date | None

    @property
    def do_not_commission(self) -> bool:
        return any(flag.do_not_commission for flag in self.flags)

    @property
    def next_check_due_on(self) -> date | None:
        return add_months(self.last_check_on, 12) if self.last_check_on else None


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


def last_checks_by_provider() -> dict[int, date]:
    """The day each provider's latest signed-off site check was signed off, in London."""
    rows = db.session.execute(
        sa.select(ProviderSite.provider_id, sa.func.max(SiteCheck.signed_off_at))
        .join(SiteCheck, SiteCheck.site_id == ProviderSite.id)
        .where(SiteCheck.status == CheckStatus.SIGNED_OFF)
        .group_by(ProviderSite.provider_id)
    ).all()
    return {provider_id: moment.astimezone(LONDON).date() for provider_id, moment in rows}


def _facts(provider: Provider, placements: list[Placement], last_check_on) -> ProviderFacts:
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
        last_site_check_on=last_check_on,
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
    result = []
    for provider in providers:
        placements = known.get(provider.id, []) + other_placements(provider)
        last = last_checks.get(provider.id)
        flags = compliance_flags(_facts(provider, placements, last), today)
        result.append(ProviderCompliance(provider, flags, placements, last))
    return result


def compliance_of(provider: Provider) -> ProviderCompliance:
    today = london_today()
    known = placements_by_provider(today, provider.id)
    placements = known.get(provider.id, []) + other_placements(provider)
    last = last_checks_by_provider().get(provider.id)
    return ProviderCompliance(
        provider, compliance_flags(_facts(provider, placements, last), today), placements, last
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
