"""Providers and site checks for the premises and photo tests."""

import base64
import io
import uuid
from datetime import timedelta

import sqlalchemy as sa
from PIL import Image, ImageDraw

from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.premises.models import (
    ActionRisk,
    Answer,
    CheckOutcome,
    CheckTemplate,
    Provider,
    ProviderSite,
    ProviderType,
    SiteAction,
)
from ap_field.premises.services import answer_item, sign_off, standard_templates, start_check
from ap_field.premises.standard_templates import HEALTH_AND_SAFETY


def make_provider(name: str = "Riverside Motor Skills", **fields) -> Provider:
    provider = Provider(name=name, provider_type=fields.pop("provider_type", ProviderType.OTHER))
    for field, value in fields.items():
        setattr(provider, field, value)
    provider.sites.append(ProviderSite(name="Main site", address="Unit 3, Riverside, NS4 2QT"))
    db.session.add(provider)
    db.session.commit()
    return provider


def template_named(name: str = HEALTH_AND_SAFETY) -> CheckTemplate:
    standard_templates()
    return db.session.scalar(
        sa.select(CheckTemplate)
        .where(CheckTemplate.name == name)
        .order_by(CheckTemplate.version_number.desc())
        .limit(1)
    )


def make_check(assessor, provider=None, template_name=HEALTH_AND_SAFETY, higher_risk=None):
    provider = provider or make_provider()
    return start_check(
        provider.sites[0], template_named(template_name), assessor, higher_risk, uuid.uuid4()
    )


def answer_everything(check, answer=Answer.YES) -> None:
    for item in check.items():
        values = {"answer": answer, "comment": None}
        if answer == Answer.NO:
            values |= {
                "comment": "Not in place",
                "action_description": "Put it in place",
                "action_owner": "The manager",
                "action_risk": ActionRisk.MEDIUM,
                "action_due_on": london_today() + timedelta(days=14),
            }
        answer_item(check, item, values)


def open_action(assessor, provider) -> SiteAction:
    """The first open action of a check of `provider` signed off with a No to every item."""
    check = make_check(assessor, provider)
    answer_everything(check, Answer.NO)
    signed = {"outcome": CheckOutcome.ACTIONS_REQUIRED, "competence_statement": "IOSH"}
    sign_off(check, signed, seen_version=check.version)
    return check.actions[0]


def signature_png(name: str = "D Okafor") -> str:
    """A signature as the sign-off page's pad sends it: a PNG data URL, ink on white."""
    image = Image.new("RGB", (600, 200), "white")
    ImageDraw.Draw(image).line([(40, 150), (200, 60), (360, 140), (560, 50)], fill="black", width=3)
    ImageDraw.Draw(image).text((40, 170), name, fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def signed_form(fields: dict | None = None, **more) -> dict:
    """A sign-off form's `fields` with both signatures and the representative's name."""
    return (
        {
            "assessor_signature": signature_png("S Patel"),
            "provider_name": "Dee Okafor",
            "provider_signature": signature_png(),
        }
        | (fields or {})
        | more
    )


# How every JPEG file starts: what a photo served whole begins with.
JPEG_START = b"\xff\xd8\xff"


def jpeg_bytes(size=(64, 48), colour=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", **save)
    return out.getvalue()
