"""Weeks, months and quarters in the organization's time zone (Monday starts a week)."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

from ouendan.accounts.models import Organization

PERIODS = ("month", "quarter", "all")


def zone_of(organization: Organization) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(organization.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("Asia/Tokyo")


def week_of(at: datetime, zone: zoneinfo.ZoneInfo) -> date:
    """The Monday of the week ``at`` falls in, there."""
    day = at.astimezone(zone).date()
    return day - timedelta(days=day.weekday())


def period_start(period: str, now: datetime, zone: zoneinfo.ZoneInfo) -> datetime | None:
    """When the current month or quarter began there; ``None`` for all time."""
    if period == "all":
        return None
    local = now.astimezone(zone).date()
    month = local.month if period == "month" else 3 * ((local.month - 1) // 3) + 1
    return datetime.combine(date(local.year, month, 1), time.min, tzinfo=zone)
