import uuid
from decimal import Decimal
from typing import ClassVar

import sqlalchemy as sa
import wtforms
from flask import current_app
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ap_field.auth.forms import email_address_problem
from ap_field.common.forms import BaseForm, DateField, DecimalField, SyncedForm, choices
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.photos.images import (
    CleanPhoto,
    PhotoRefused,
    SignatureRefused,
    clean_photo,
    clean_signature,
    typed_signature,
)
from ap_field.premises.models import (
    NEXT_STATUSES,
    ActionRisk,
    ActionStatus,
    Answer,
    CheckOutcome,
    CheckTemplate,
    HigherRisk,
    PolicyKind,
    Provider,
    ProviderType,
    Signer,
    SiteAction,
)
from ap_field.premises.template_text import TemplateTextError, parse_template_text

LONG_TEXT = 5000
NOT_HIGHER_RISK = "none"


class ProviderForm(SyncedForm):
    name = StringField(
        "Name", validators=[DataRequired("Enter the provider's name"), Length(max=160)]
    )
    provider_type = RadioField(
        "Type of provider",
        choices=choices(ProviderType),
        validators=[InputRequired("Choose the type of provider")],
    )
    urn = StringField(
        "DfE URN",
        description="The unique reference number of a registered school, 6 digits",
        validators=[Optional()],
    )
    on_framework = BooleanField("On the local Alternative Learning Provision framework")
    ofsted_report_on = DateField("Date of the latest Ofsted report", validators=[Optional()])
    provides_professional_services = BooleanField(
        "Provides professional services (so needs professional indemnity insurance)"
    )
    dsl_name = StringField("Designated safeguarding lead", validators=[Length(max=120)])
    dsl_trained_on = DateField("Lead's safeguarding training date", validators=[Optional()])
    deputy_dsl_name = StringField("Deputy safeguarding lead", validators=[Length(max=120)])
    deputy_dsl_trained_on = DateField(
        "Deputy's safeguarding training date", validators=[Optional()]
    )
    single_central_record_checked_on = DateField(
        "Single central record checked on",
        description="The date someone last checked the record of staff vetting (DBS) checks",
        validators=[Optional()],
    )
    other_pupils = IntegerField(
        "Pupils placed there by others",
        description="Pupils of compulsory school age taught there whom ap-field does not hold",
        default=0,
        validators=[
            InputRequired("Enter the number of pupils placed there by others, or 0"),
            NumberRange(min=0, max=500, message="Enter a number from 0 to 500"),
        ],
    )
    other_looked_after = IntegerField(
        "Of whom looked-after",
        default=0,
        validators=[
            InputRequired("Enter how many of them are looked-after, or 0"),
            NumberRange(min=0, max=500, message="Enter a number from 0 to 500"),
        ],
    )
    other_ehc_plans = IntegerField(
        "Of whom with an EHC plan",
        default=0,
        validators=[
            InputRequired("Enter how many of them have an EHC plan, or 0"),
            NumberRange(min=0, max=500, message="Enter a number from 0 to 500"),
        ],
    )
    other_hours_per_week = DecimalField(
        "Their hours a week there",
        description="Per pupil; more than 18 is full-time for the DfE",
        places=1,
        validators=[Optional(), NumberRange(min=0, max=40, message="Enter hours from 0 to 40")],
    )

    def __init__(self, *args, provider: Provider | None = None, **kwargs):
        super().__init__(*args, obj=provider, **kwargs)
        self.provider = provider

    def validate_name(self, field) -> None:
        query = sa.select(Provider.id).where(sa.func.lower(Provider.name) == field.data.lower())
        if self.provider is not None:
            query = query.where(Provider.id != self.provider.id)
        if db.session.scalar(query) is not None:
            raise ValidationError("A provider with this name already exists")

    def validate_urn(self, field) -> None:
        if not (field.data.isdigit() and 6 <= len(field.data) <= 8):
            raise ValidationError("A URN is 6 to 8 digits")

    def validate_other_looked_after(self, field) -> None:
        if (field.data or 0) > (self.other_pupils.data or 0):
            raise ValidationError("Looked-after pupils cannot be more than the pupils placed")

    def validate_other_ehc_plans(self, field) -> None:
        if (field.data or 0) > (self.other_pupils.data or 0):
            raise ValidationError("Pupils with an EHC plan cannot be more than the pupils placed")

    def validate(self, extra_validators=None) -> bool:
        """Hours are optional, unless there are pupils placed by others to have them."""
        valid = super().validate(extra_validators)
        hours = self.other_hours_per_week
        if self.other_pupils.data and hours.data is None and not hours.errors:
            hours.errors = [*hours.errors, "Enter their hours a week there"]
            valid = False
        return valid

    def validate_deputy_dsl_name(self, field) -> None:
        if field.data and field.data == self.dsl_name.data:
            raise ValidationError("The deputy must be someone other than the lead")

    def values(self) -> dict:
        hours = self.other_hours_per_week.data
        return {
            "name": self.name.data,
            "provider_type": ProviderType(self.provider_type.data),
            "urn": self.urn.data or None,
            "on_framework": self.on_framework.data,
            "ofsted_report_on": self.ofsted_report_on.data,
            "provides_professional_services": self.provides_professional_services.data,
            "dsl_name": self.dsl_name.data or None,
            "dsl_trained_on": self.dsl_trained_on.data,
            "deputy_dsl_name": self.deputy_dsl_name.data or None,
            "deputy_dsl_trained_on": self.deputy_dsl_trained_on.data,
            "single_central_record_checked_on": self.single_central_record_checked_on.data,
            "other_pupils": self.other_pupils.data,
            "other_looked_after": self.other_looked_after.data,
            "other_ehc_plans": self.other_ehc_plans.data,
            "other_hours_per_week": Decimal(hours) if hours is not None else None,
        }


class SiteForm(SyncedForm):
    site_name = StringField(
        "Site name",
        description="For example: Main site, Workshop, Farm",
        default="Main site",
        validators=[DataRequired("Enter the site's name"), Length(max=120)],
    )
    address = TextAreaField(
        "Address", validators=[DataRequired("Enter the site's address"), Length(max=300)]
    )

    def values(self) -> dict:
        return {"name": self.site_name.data, "address": self.address.data}


class NewProviderForm(ProviderForm):
    """A new provider comes with its first site."""

    site_name = SiteForm.site_name
    address = SiteForm.address


class PolicyForm(SyncedForm):
    kind = RadioField(
        "Kind of insurance",
        choices=choices(PolicyKind),
        validators=[InputRequired("Choose the kind of insurance")],
    )
    insurer = StringField("Insurer", validators=[Length(max=120)])
    cover_amount = IntegerField(
        "Limit of indemnity, in pounds",
        description="For example 5000000 for £5 million",
        validators=[
            InputRequired("Enter the limit of indemnity in pounds, like 5000000"),
            NumberRange(min=0, max=10**11, message="Enter the limit in whole pounds"),
        ],
    )
    expires_on = DateField(
        "Expiry date", validators=[InputRequired("Enter the date the policy expires")]
    )

    def values(self) -> dict:
        return {
            "kind": PolicyKind(self.kind.data),
            "insurer": self.insurer.data or None,
            "cover_amount": self.cover_amount.data,
            "expires_on": self.expires_on.data,
        }


class TemplateForm(SyncedForm):
    name = StringField(
        "Template name",
        description="The same name as an existing template adds its next version",
        validators=[DataRequired("Enter the template's name"), Length(max=160)],
    )
    source = StringField(
        "Source",
        description="The guidance or policy the items come from",
        validators=[DataRequired("Enter where the items come from"), Length(max=300)],
    )
    text = TextAreaField(
        "Sections and items",
        description="A line starting # is a section; add [higher risk] at its end for a section "
        "asked only in higher-risk settings. A line starting - is an item of that section.",
        validators=[DataRequired("Write the template's sections and items"), Length(max=50_000)],
    )

    def validate_text(self, field) -> None:
        try:
            parse_template_text(field.data)
        except TemplateTextError as error:
            raise ValidationError(str(error)) from error


class StartCheckForm(SyncedForm):
    site_id = SelectField("Provider and site", coerce=int, validate_choice=False)
    template_id = RadioField("Checklist", coerce=int, validate_choice=False)
    higher_risk = RadioField(
        "Is the setting higher-risk?",
        description="Higher-risk settings get extra items in the health and safety check",
        choices=[
            SelectChoice(NOT_HIGHER_RISK, "No"),
            *[
                SelectChoice(value, f"Yes: {label.lower()}")
                for value, label in HigherRisk.choices()
            ],
        ],
        default=NOT_HIGHER_RISK,
        validators=[InputRequired("Choose whether the setting is higher-risk")],
    )

    def __init__(self, *args, sites, templates: list[CheckTemplate], **kwargs):
        super().__init__(*args, **kwargs)
        self.sites = {site.id: site for site in sites}
        self.templates = {template.id: template for template in templates}
        self.site_id.choices = [SelectChoice(0, "Choose a site")] + [
            SelectChoice(site.id, site.label) for site in sites
        ]
        self.template_id.choices = [
            SelectChoice(template.id, template.label) for template in templates
        ]

    def validate_site_id(self, field) -> None:
        if field.data not in self.sites:
            raise ValidationError("Choose the provider and site you are checking")

    def validate_template_id(self, field) -> None:
        if field.data not in self.templates:
            raise ValidationError("Choose a checklist")

    def chosen_higher_risk(self) -> HigherRisk | None:
        value = self.higher_risk.data
        return None if value == NOT_HIGHER_RISK else HigherRisk(value)


def risk_label(risk: ActionRisk) -> str:
    """For example: "High: within 1 day; a re-visit follows", from ACTION_DUE_DAYS."""
    days = current_app.config["ACTION_DUE_DAYS"][risk.value]
    label = f"{risk.label}: within {days} day{'s' if days != 1 else ''}"
    return f"{label}; a re-visit follows" if risk == ActionRisk.HIGH else label


class AnswerForm(BaseForm):
    answer = RadioField(
        "Answer",
        choices=choices(Answer),
        validators=[InputRequired("Choose Yes, No or Not applicable")],
    )
    comment = TextAreaField(
        "Comment",
        description="What you saw. Required for a No.",
        validators=[Optional(), Length(max=LONG_TEXT)],
    )
    action_description = StringField("Action: what needs doing", validators=[Length(max=500)])
    action_owner = StringField(
        "Who will do it",
        description="For example: the provider's manager",
        validators=[Length(max=120)],
    )
    action_owner_email = EmailField(
        "Their email (optional)",
        description="They are sent a link to show, with a photo, that the action is done",
        validators=[Length(max=254)],
    )
    action_risk = RadioField("Risk", validators=[Optional()])
    action_due_on = DateField(
        "Due by",
        description="Leave it blank for the date the risk sets",
        validators=[Optional()],
    )

    NEEDED_FOR_NO: ClassVar[dict[str, str]] = {
        "comment": "Enter a comment saying what is wrong",
        "action_description": "Enter the action that needs doing",
        "action_owner": "Enter who will do the action",
        "action_risk": "Choose the action's risk",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action_risk.choices = [SelectChoice(risk, risk_label(risk)) for risk in ActionRisk]

    def validate(self, extra_validators=None) -> bool:
        """A "No" needs a comment and its action; the fields are optional otherwise."""
        valid = super().validate(extra_validators)
        if self.answer.data != Answer.NO:
            return valid
        for name, message in self.NEEDED_FOR_NO.items():
            if not self[name].data and not self[name].errors:
                self[name].errors = [*self[name].errors, message]
                valid = False
        email = self.action_owner_email.data
        if email and (problem := email_address_problem(email)):
            self.action_owner_email.errors = [*self.action_owner_email.errors, problem]
            valid = False
        due = self.action_due_on.data
        if due is not None and due < london_today():
            self.action_due_on.errors = [
                *self.action_due_on.errors,
                "The action's due date must be today or later",
            ]
            valid = False
        return valid

    def values(self) -> dict:
        return {
            "answer": Answer(self.answer.data),
            "comment": self.comment.data or None,
            "action_description": self.action_description.data or None,
            "action_owner": self.action_owner.data or None,
            "action_owner_email": self.action_owner_email.data or None,
            "action_risk": ActionRisk(self.action_risk.data) if self.action_risk.data else None,
            "action_due_on": self.action_due_on.data,
        }


class PhotoForm(BaseForm):
    """One photo. `photo_uuid` is made on the phone when the photo is chosen, so a replayed
    upload is recognised."""

    photo_uuid = wtforms.HiddenField()
    photo = FileField("Photo")
    annotated = FileField("The photo with your marks")
    caption = StringField(
        "Caption", description="What the photo shows", validators=[Length(max=300)]
    )

    def photo_client_uuid(self) -> uuid.UUID:
        try:
            return uuid.UUID(str(self.photo_uuid.data or ""))
        except ValueError:
            return uuid.uuid4()


class SignOffForm(SyncedForm):
    outcome = RadioField(
        "Overall outcome",
        choices=choices(CheckOutcome),
        validators=[InputRequired("Choose the overall outcome")],
    )
    summary = TextAreaField("Summary", validators=[Optional(), Length(max=LONG_TEXT)])
    competence_statement = TextAreaField(
        "Your competence to make this check",
        description="Your training, skills, experience and knowledge for checks of this kind",
        validators=[DataRequired("Describe your competence to make this check"), Length(max=2000)],
    )
    confirm = BooleanField(
        "I made this check in person and the answers are true. After sign-off it cannot be changed."
    )
    assessor_signature = wtforms.HiddenField("Your signature")
    assessor_typed = BooleanField("Sign with my name typed instead of drawn")
    provider_name = StringField(
        "Name of the provider's representative",
        validators=[
            DataRequired("Enter the name of the provider's representative"),
            Length(max=120),
        ],
    )
    provider_signature = wtforms.HiddenField("Their signature")
    provider_typed = BooleanField("They sign with their name typed instead of drawn")

    def __init__(self, *args, actions: int, assessor_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = actions
        self.assessor_name = assessor_name
        self.signature_pngs: dict[Signer, bytes] = {}

    def validate_assessor_signature(self, field) -> None:
        self._signature(
            field, Signer.COMPETENT_PERSON, self.assessor_typed.data, self.assessor_name
        )

    def validate_provider_signature(self, field) -> None:
        self._signature(field, Signer.PROVIDER, self.provider_typed.data, self.provider_name.data)

    def _signature(self, field, signer: Signer, typed: bool, name: str | None) -> None:
        """The pad's drawing, or the signer's name set as a signature where it is typed."""
        if typed:
            if name:
                self.signature_pngs[signer] = typed_signature(name)
            return
        try:
            self.signature_pngs[signer] = clean_signature(field.data or "")
        except SignatureRefused as refused:
            raise ValidationError(str(refused)) from refused

    def validate_outcome(self, field) -> None:
        if field.data == CheckOutcome.SATISFACTORY and self.actions:
            raise ValidationError(
                f"The check has {self.actions} action{'s' if self.actions > 1 else ''}: "
                "choose Actions required or Unsatisfactory"
            )

    def validate_confirm(self, field) -> None:
        if not field.data:
            raise ValidationError("Confirm you made this check and the answers are true")

    def values(self) -> dict:
        return {
            "outcome": CheckOutcome(self.outcome.data),
            "summary": self.summary.data or None,
            "competence_statement": self.competence_statement.data,
        }


class ActionUpdateForm(SyncedForm):
    """Moves an action to one of its next statuses; done says what was done."""

    status = RadioField(
        "What has happened?",
        validate_choice=False,
        validators=[InputRequired("Choose what has happened")],
    )
    note = TextAreaField(
        "What was done",
        description="Required when the action is done or reopened",
        validators=[Length(max=LONG_TEXT)],
    )
    photo_uuid = wtforms.HiddenField()
    photo = FileField("A photo that shows it (optional)")

    LABELS: ClassVar[dict[ActionStatus, str]] = {
        ActionStatus.IN_PROGRESS: "Work has started",
        ActionStatus.DONE: "It is done",
        ActionStatus.VERIFIED: "I have checked it is done: verified",
        ActionStatus.OPEN: "It is not done: reopen it",
    }

    def __init__(self, *args, action: SiteAction, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [
            SelectChoice(status, self.LABELS[status]) for status in NEXT_STATUSES[action.status]
        ]

    def validate_status(self, field) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Choose what has happened")

    def validate_note(self, field) -> None:
        if self.status.data in (ActionStatus.DONE, ActionStatus.OPEN) and not field.data:
            raise ValidationError(
                "Say what was done"
                if self.status.data == ActionStatus.DONE
                else "Say why it is not done"
            )

    def chosen_status(self) -> ActionStatus:
        return ActionStatus(self.status.data)

    def evidence(self) -> CleanPhoto | None:
        """The photo sent with the update, cleaned; a refused one is the photo field's error."""
        upload = self.photo.data
        if not upload or not upload.filename:
            return None
        try:
            return clean_photo(upload.read())
        except PhotoRefused as refused:
            self.photo.errors = [str(refused)]
            raise


class ActionLinkForm(BaseForm):
    """What the owner of an action sends through its emailed link: a photo and a note."""

    photo_uuid = wtforms.HiddenField()
    photo = FileField("Take or choose a photo that shows it is done")
    note = TextAreaField(
        "What was done",
        validators=[DataRequired("Say what was done"), Length(max=LONG_TEXT)],
    )
