"""Column types and mixins shared by every area's models."""

import enum
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.common.time import utcnow


class UTCDateTime(sa.TypeDecorator):
    """An aware UTC datetime on every database; SQLite would otherwise drop the zone."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class SyncedRecord:
    """A record that phones may create or edit offline.

    `client_uuid` is made in the browser when a create form opens, so a replayed
    create finds the record it already made; `version` is the optimistic lock an
    edit carries, so a stale edit is refused instead of overwriting.
    """

    client_uuid: so.Mapped[uuid.UUID] = so.mapped_column(sa.Uuid, unique=True, default=uuid.uuid4)
    version: so.Mapped[int] = so.mapped_column(default=1)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @so.declared_attr.directive
    def __mapper_args__(cls) -> dict:  # noqa: N805 (declared_attr receives the class)
        return {"version_id_col": cls.__table__.c.version}


class LabelledEnum(enum.StrEnum):
    """A choice stored as its value and shown with its label.

    `EHC_PLAN = "ehc_plan", "EHC plan"`; without a label, the value with spaces reads as one.
    """

    label: str

    def __new__(cls, value: str, label: str | None = None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value.replace("_", " ").capitalize()
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


def string_enum(members: type[enum.StrEnum], name: str) -> sa.Enum:
    """An enum stored as its values in a short string column with a CHECK constraint."""
    return sa.Enum(
        members,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=40,
        values_callable=lambda cls: [member.value for member in cls],
    )


def render_migration_item(kind: str, obj, _autogen_context) -> str | bool:
    """Migrations spell UTCDateTime as the plain column type, so they never import app code."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
