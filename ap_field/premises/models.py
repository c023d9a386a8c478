import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.common.models import LabelledEnum, SyncedRecord, string_enum
from ap_field.extensions import db


class ProviderType(LabelledEnum):
    REGISTERED_SCHOOL = "registered_independent_school", "Registered independent school"
    PUPIL_REFERRAL_UNIT = "pupil_referral_unit", "Pupil referral unit"
    UNREGISTERED = "unregistered_provider", "Unregistered provider"
    OTHER = "other", "Other"


class Provider(SyncedRecord, db.Model):
    """An organisation whose premises pupils attend, checked by a competent person."""

    __tablename__ = "providers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(160), unique=True)
    provider_type: so.Mapped[ProviderType] = so.mapped_column(
        string_enum(ProviderType, "provider_type")
    )
    urn: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    address: so.Mapped[str] = so.mapped_column(sa.Text)

    def __repr__(self) -> str:
        return f"<Provider {self.name}>"
