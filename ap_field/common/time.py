"""Dates and times. Stored in UTC; the programme's days and clock are Europe/London."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
# How far ahead of the server a phone's clock may run before the time it gives is not believed.
PHONE_CLOCK_AHEAD = timedelta(minutes=2)


def utcnow() -> datetime:
    return datetime.now(UTC)


def london_now() -> datetime:
    return utcnow().astimezone(LONDON)


def phone_time(sent: str | None, now: datetime, earliest: datetime) -> datetime | None:
    """When something happened by the phone's clock (ISO 8601 with its offset), sent with a
    write the phone may have kept in its outbox for a while: believed from `earliest` to
    `now` (a little later, for a phone whose clock runs fast, is taken as now); otherwise
    None, and the server's own time applies (docs/architecture.md, "The offline protocol")."""
    try:
        moment = datetime.fromisoformat(sent or "")
    except ValueError:
        return None
    if moment.tzinfo is None or not earliest <= moment <= now + PHONE_CLOCK_AHEAD:
        return None
    return min(moment, now)


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
