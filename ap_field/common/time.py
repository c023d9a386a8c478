"""Dates and times. Stored in UTC; the programme's days and clock are Europe/London."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def london_now() -> datetime:
    return utcnow().astimezone(LONDON)


def london_today() -> date:
    return london_now().date()


def format_london_time(moment: datetime) -> str:
    """'14:05' in Europe/London for an aware UTC datetime."""
    return moment.astimezone(LONDON).strftime("%H:%M")


def format_london_datetime(moment: datetime) -> str:
    """'22 Nov 2026, 14:05' in Europe/London."""
    local = moment.astimezone(LONDON)
    return f"{local.day} {local:%b %Y, %H:%M}"


def format_long_date(day: date) -> str:
    """'Sunday 22 November 2026', as GOV.UK writes dates."""
    return f"{day:%A} {day.day} {day:%B %Y}"
