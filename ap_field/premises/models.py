"""Providers, their sites and insurance, the templates of premises checks and the checks
a competent person makes with them.

A check template is a numbered version: once a check has used it, it never changes, so a
finished check always reads as it was answered. A signed-off check is read-only.
"""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.audit.models import declare_events
from ap_field.auth.models import User
from ap_field.common.models import LabelledEnum, SyncedRecord, UTCDateTime, string_enum
from ap_field.extensions import db
from ap_field.photos.models import Photo

declare_events(
    {
        "provider.added": ("Provider added", {"provider_id", "after"}),
        "provider.updated": ("Provider updated", {"provider_id", "before", "after"}),
        "provider.site_saved": ("Provider site saved", {"provider_id", "site_id"}),
        "provider.policy_saved": ("Insurance policy saved", {"provider_id", "policy_id"}),
        "check_template.added": ("Check template version added", {"template_id", "version"}),
        "site_check.started": ("Site check started", {"check_id", "site_id", "template_id"}),
        "site_check.answered": ("Site check item answered", {"check_id", "item_id", "answer"}),
        "site_check.photo_added": ("Photo added to a site check", {"check_id", "photo_id"}),
        "site_check.photo_removed": ("Photo removed from a site check", {"check_id", "photo_id"}),
        "site_check.signed_off": ("Site check signed off", {"check_id", "outcome"}),
        "site_action.raised": ("Site check action raised", {"action_id", "check_id", "risk"}),
        "site_action.updated": ("Site check action updated", {"action_id", "before", "after"}),
        "site_action.link_sent": ("Site check action's link sent", {"action_id", "link_id"}),
        "site_action.owner_reminded": (
            "Site check action's owner reminded",
            {"action_id", "link_id"},
        ),
        "site_action.link_opened": ("Site check action's link opened", {"action_id", "link_id"}),
        "site_action.done_by_link": (
            "Site check action done through its link",
            {"action_id", "link_id", "photo_id"},
        ),
    }
)


class ProviderType(LabelledEnum):
    REGISTERED_SCHOOL = "registered_independent_school", "Registered independent school"
    PUPIL_REFERRAL_UNIT = "pupil_referral_unit", "Pupil referral unit"
    UNREGISTERED = "unregistered_provider", "Unregistered provider"
    OTHER = "other", "Other"

    @property
    def needs_no_registration(self) -> bool:
        """A registered school is registered; a pupil referral unit is a maintained school,
        which the guidance exempts. Anyone else must register if the rule says so."""
        return self in (ProviderType.REGISTERED_SCHOOL, ProviderType.PUPIL_REFERRAL_UNIT)


class PolicyKind(LabelledEnum):
    """The insurance Appendix 1 of the commissioning guidance asks about."""

    PUBLIC_LIABILITY = "public_liability", "Public liability"
    EMPLOYERS_LIABILITY = "employers_liability", "Employer's liability"
    PROFESSIONAL_INDEMNITY = "professional_indemnity", "Professional indemnity"
    MOTOR = "motor", "Motor vehicle"
    SUBCONTRACTOR = "subcontractor", "Subcontractor liability"


class Provider(SyncedRecord, db.Model):
    """An organisation whose premises pupils attend, checked by a competent person.

    The `other_*` figures are pupils placed there whom ap-field does not hold (placed by
    other schools); the registration rule adds them to the pupils it knows.
    """

    __tablename__ = "providers"
    __table_args__ = (
        sa.CheckConstraint(
            "other_pupils >= 0 AND other_looked_after >= 0 AND other_ehc_plans >= 0"
            " AND other_looked_after <= other_pupils AND other_ehc_plans <= other_pupils",
            name="other_pupil_figures",
        ),
        sa.CheckConstraint(
            "other_hours_per_week IS NULL"
            " OR (other_hours_per_week >= 0 AND other_hours_per_week <= 40)",
            name="other_hours_range",
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(160), unique=True)
    provider_type: so.Mapped[ProviderType] = so.mapped_column(
        string_enum(ProviderType, "provider_type")
    )
    urn: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    on_framework: so.Mapped[bool] = so.mapped_column(default=False)
    ofsted_report_on: so.Mapped[date | None]
    provides_professional_services: so.Mapped[bool] = so.mapped_column(default=False)
    dsl_name: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    dsl_trained_on: so.Mapped[date | None]
    deputy_dsl_name: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    deputy_dsl_trained_on: so.Mapped[date | None]
    single_central_record_checked_on: so.Mapped[date | None]
    other_pupils: so.Mapped[int] = so.mapped_column(default=0)
    other_looked_after: so.Mapped[int] = so.mapped_column(default=0)
    other_ehc_plans: so.Mapped[int] = so.mapped_column(default=0)
    other_hours_per_week: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(3, 1))

    sites: so.Mapped[list["ProviderSite"]] = so.relationship(
        back_populates="provider", order_by="ProviderSite.name"
    )
    policies: so.Mapped[list["InsurancePolicy"]] = so.relationship(
        back_populates="provider", order_by="[InsurancePolicy.kind, InsurancePolicy.expires_on]"
    )

    def __repr__(self) -> str:
        return f"<Provider {self.name}>"


class ProviderSite(SyncedRecord, db.Model):
    """A place where a provider teaches pupils; premises checks are made site by site."""

    __tablename__ = "provider_sites"
    __table_args__ = (sa.UniqueConstraint("provider_id", "name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    provider_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("providers.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    address: so.Mapped[str] = so.mapped_column(sa.String(300))

    provider: so.Mapped[Provider] = so.relationship(back_populates="sites")

    @property
    def label(self) -> str:
        return f"{self.provider.name}: {self.name}"


class InsurancePolicy(SyncedRecord, db.Model):
    __tablename__ = "insurance_policies"
    __table_args__ = (sa.CheckConstraint("cover_amount >= 0", name="cover_not_negative"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    provider_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("providers.id"), index=True)
    kind: so.Mapped[PolicyKind] = so.mapped_column(string_enum(PolicyKind, "policy_kind"))
    insurer: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    # Whole pounds: limits of indemnity are stated in pounds.
    cover_amount: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    expires_on: so.Mapped[date]

    provider: so.Mapped[Provider] = so.relationship(back_populates="policies")


class CheckTemplate(SyncedRecord, db.Model):
    """One version of a checklist. Versions of the same checklist share its name."""

    __tablename__ = "check_templates"
    __table_args__ = (
        sa.UniqueConstraint("name", "version_number"),
        sa.CheckConstraint("version_number >= 1", name="version_number_positive"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(160))
    version_number: so.Mapped[int]
    source: so.Mapped[str] = so.mapped_column(sa.String(300))
    added_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    sections: so.Mapped[list["CheckSection"]] = so.relationship(
        back_populates="template", order_by="CheckSection.position"
    )
    added_by: so.Mapped[User | None] = so.relationship()

    @property
    def label(self) -> str:
        return f"{self.name} (version {self.version_number})"


class CheckSection(db.Model):
    """A heading of a template. A higher-risk section is asked only when the assessor says
    the setting is higher-risk (construction, agriculture, manufacturing, motor repair)."""

    __tablename__ = "check_sections"
    __table_args__ = (sa.UniqueConstraint("template_id", "position"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    template_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("check_templates.id"))
    position: so.Mapped[int]
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    higher_risk_only: so.Mapped[bool] = so.mapped_column(default=False)

    template: so.Mapped[CheckTemplate] = so.relationship(back_populates="sections")
    items: so.Mapped[list["CheckItem"]] = so.relationship(
        back_populates="section", order_by="CheckItem.position"
    )


class CheckItem(db.Model):
    __tablename__ = "check_items"
    __table_args__ = (sa.UniqueConstraint("section_id", "position"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    section_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("check_sections.id"))
    position: so.Mapped[int]
    text: so.Mapped[str] = so.mapped_column(sa.String(500))

    section: so.Mapped[CheckSection] = so.relationship(back_populates="items")


class HigherRisk(LabelledEnum):
    """Settings the commissioning guidance names as higher-risk, needing more robust checks."""

    CONSTRUCTION = "construction"
    AGRICULTURE = "agriculture"
    MANUFACTURING = "manufacturing"
    MOTOR_VEHICLE_REPAIR = "motor_vehicle_repair", "Motor vehicle repair"
    OTHER = "other", "Other higher-risk work"


class CheckStatus(LabelledEnum):
    DRAFT = "draft", "In progress"
    SIGNED_OFF = "signed_off", "Signed off"


class CheckOutcome(LabelledEnum):
    SATISFACTORY = "satisfactory"
    ACTIONS_REQUIRED = "actions_required", "Actions required"
    UNSATISFACTORY = "unsatisfactory"


class Answer(LabelledEnum):
    YES = "yes"
    NO = "no"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class ActionRisk(LabelledEnum):
    """How soon a "No" answer's action must be done: the risk sets its due date
    (ACTION_DUE_DAYS in the configuration)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class ActionStatus(LabelledEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done, to be verified"
    VERIFIED = "verified"


# Where an action may go next, and who moves it there: the assignee's side works on it, the
# competent person verifies what was done or reopens it.
NEXT_STATUSES = {
    ActionStatus.OPEN: (ActionStatus.IN_PROGRESS, ActionStatus.DONE),
    ActionStatus.IN_PROGRESS: (ActionStatus.DONE,),
    ActionStatus.DONE: (ActionStatus.VERIFIED, ActionStatus.OPEN),
    ActionStatus.VERIFIED: (ActionStatus.OPEN,),
}


class SiteCheck(SyncedRecord, db.Model):
    """A competent person's check of one site against one template version."""

    __tablename__ = "site_checks"
    __table_args__ = (
        sa.CheckConstraint(
            "status = 'draft' OR (outcome IS NOT NULL AND competence_statement IS NOT NULL"
            " AND signed_off_at IS NOT NULL AND next_due_on IS NOT NULL)",
            name="signed_off_is_complete",
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    site_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("provider_sites.id"), index=True)
    template_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("check_templates.id"))
    assessor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    higher_risk: so.Mapped[HigherRisk | None] = so.mapped_column(
        string_enum(HigherRisk, "higher_risk")
    )
    status: so.Mapped[CheckStatus] = so.mapped_column(
        string_enum(CheckStatus, "check_status"), default=CheckStatus.DRAFT, index=True
    )
    outcome: so.Mapped[CheckOutcome | None] = so.mapped_column(
        string_enum(CheckOutcome, "check_outcome")
    )
    summary: so.Mapped[str | None] = so.mapped_column(sa.Text)
    competence_statement: so.Mapped[str | None] = so.mapped_column(sa.Text)
    signed_off_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    next_due_on: so.Mapped[date | None]

    site: so.Mapped[ProviderSite] = so.relationship()
    template: so.Mapped[CheckTemplate] = so.relationship()
    assessor: so.Mapped[User] = so.relationship()
    answers: so.Mapped[list["CheckAnswer"]] = so.relationship(
        back_populates="check", order_by="CheckAnswer.id"
    )
    actions: so.Mapped[list["SiteAction"]] = so.relationship(
        back_populates="check", order_by="SiteAction.id"
    )
    signatures: so.Mapped[list["CheckSignature"]] = so.relationship(
        order_by="CheckSignature.signer"
    )

    @property
    def is_signed_off(self) -> bool:
        return self.status == CheckStatus.SIGNED_OFF

    @property
    def is_revisit_due(self) -> bool:
        """Signed off with high-risk actions: the next check is a re-visit by their due date."""
        return any(action.risk == ActionRisk.HIGH for action in self.actions)

    def sections(self) -> list[CheckSection]:
        """The template's sections this check asks: higher-risk ones only in such a setting."""
        return [
            section
            for section in self.template.sections
            if self.higher_risk is not None or not section.higher_risk_only
        ]

    def items(self) -> list[CheckItem]:
        return [item for section in self.sections() for item in section.items]


class CheckAnswer(SyncedRecord, db.Model):
    """The answer to one item. A "No" carries a comment and the action it needs: what, who
    and by when. An answer row exists once photos are added, even before it is answered."""

    __tablename__ = "check_answers"
    __table_args__ = (
        sa.UniqueConstraint("check_id", "item_id"),
        sa.CheckConstraint(
            "answer IS NULL OR answer != 'no' OR (comment IS NOT NULL"
            " AND action_description IS NOT NULL AND action_owner IS NOT NULL"
            " AND action_due_on IS NOT NULL)",
            name="no_has_comment_and_action",
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    check_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("site_checks.id"), index=True)
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("check_items.id"))
    answer: so.Mapped[Answer | None] = so.mapped_column(string_enum(Answer, "check_answer"))
    comment: so.Mapped[str | None] = so.mapped_column(sa.Text)
    action_description: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    action_owner: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    action_owner_email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    action_risk: so.Mapped[ActionRisk | None] = so.mapped_column(
        string_enum(ActionRisk, "action_risk")
    )
    action_due_on: so.Mapped[date | None]

    check: so.Mapped[SiteCheck] = so.relationship(back_populates="answers")
    item: so.Mapped[CheckItem] = so.relationship()
    photos: so.Mapped[list[Photo]] = so.relationship(
        secondary="check_answer_photos", order_by=Photo.id
    )


class SiteAction(SyncedRecord, db.Model):
    """What a "No" answer asked to be done, followed after the check's sign-off until the
    competent person verifies it. Overdue is computed: due before today and not yet done."""

    __tablename__ = "site_actions"
    __table_args__ = (
        sa.CheckConstraint(
            "status NOT IN ('done', 'verified') OR (done_note IS NOT NULL AND done_at IS NOT NULL)",
            name="done_has_note",
        ),
        sa.CheckConstraint(
            "status != 'verified' OR (verified_at IS NOT NULL AND verified_by_id IS NOT NULL)",
            name="verified_has_who_and_when",
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    check_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("site_checks.id"), index=True)
    answer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("check_answers.id"), unique=True)
    description: so.Mapped[str] = so.mapped_column(sa.String(500))
    owner: so.Mapped[str] = so.mapped_column(sa.String(120))
    # Where the link to close the action from a phone, without an account, is sent.
    owner_email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    risk: so.Mapped[ActionRisk] = so.mapped_column(string_enum(ActionRisk, "action_risk"))
    due_on: so.Mapped[date] = so.mapped_column(index=True)
    status: so.Mapped[ActionStatus] = so.mapped_column(
        string_enum(ActionStatus, "action_status"), default=ActionStatus.OPEN, index=True
    )
    done_note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    done_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    verified_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    verified_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    # The day its owner was mailed that it is due the next day.
    owner_reminded_on: so.Mapped[date | None]

    check: so.Mapped[SiteCheck] = so.relationship(back_populates="actions")
    answer: so.Mapped[CheckAnswer] = so.relationship()
    verified_by: so.Mapped[User | None] = so.relationship()
    evidence: so.Mapped[list[Photo]] = so.relationship(
        secondary="site_action_photos", order_by=Photo.id
    )

    @property
    def is_outstanding(self) -> bool:
        """Still to be done: open or in progress."""
        return self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)

    def is_overdue(self, today: date) -> bool:
        return self.is_outstanding and self.due_on < today


class Signer(LabelledEnum):
    COMPETENT_PERSON = "competent_person", "Competent person"
    PROVIDER = "provider", "Provider's representative"


class CheckSignature(db.Model):
    """A signature drawn on the phone at sign-off: the PNG, whose it is and when."""

    __tablename__ = "site_check_signatures"
    __table_args__ = (sa.UniqueConstraint("check_id", "signer"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    check_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("site_checks.id"))
    signer: so.Mapped[Signer] = so.mapped_column(string_enum(Signer, "signer"))
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    signed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    png: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)


class ActionLink(db.Model):
    """One emailed link to close an action without an account: the email alone holds the
    token (this keeps its hash). It takes one submission, until it expires."""

    __tablename__ = "site_action_links"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    action_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("site_actions.id"), index=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    sent_to: so.Mapped[str] = so.mapped_column(sa.String(254))
    sent_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    action: so.Mapped[SiteAction] = so.relationship()


site_action_photos = sa.Table(
    "site_action_photos",
    db.metadata,
    sa.Column("action_id", sa.ForeignKey("site_actions.id"), primary_key=True),
    sa.Column("photo_id", sa.ForeignKey("photos.id"), primary_key=True, unique=True),
)


check_answer_photos = sa.Table(
    "check_answer_photos",
    db.metadata,
    sa.Column("answer_id", sa.ForeignKey("check_answers.id"), primary_key=True),
    sa.Column("photo_id", sa.ForeignKey("photos.id"), primary_key=True, unique=True),
)


@sa.event.listens_for(so.Session, "before_flush")
def _signed_off_checks_are_read_only(session: so.Session, _context, _instances) -> None:
    """The database session itself refuses to change a signed-off check or its answers."""
    for instance in [*session.dirty, *session.deleted]:
        if isinstance(instance, CheckAnswer) and session.is_modified(instance):
            check = instance.check
            if check.is_signed_off and not sa.inspect(check).attrs.status.history.has_changes():
                raise PermissionError("A signed-off site check cannot be changed")
        if isinstance(instance, SiteCheck) and session.is_modified(instance):
            history = sa.inspect(instance).attrs.status.history
            if history.deleted and history.deleted[0] == CheckStatus.SIGNED_OFF:
                raise PermissionError("A signed-off site check cannot be changed")
            if not history.has_changes() and instance.is_signed_off:
                raise PermissionError("A signed-off site check cannot be changed")
    for instance in session.deleted:
        if isinstance(instance, SiteCheck | CheckTemplate | CheckSection | CheckItem):
            raise PermissionError("Site checks and check templates are never deleted")
