"""Reads of tracking data that other apps ask for."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count
from django.db.models.functions import ExtractHour

from ouendan.tracking.models import Click


def busiest_hours(
    *, organization_id: int, network: str, since: datetime, zone: ZoneInfo, minimum: int
) -> list[int]:
    """Hours of the day (in ``zone``) by the human clicks an organization's links on
    ``network`` got since ``since``, busiest first; empty below ``minimum`` clicks in all."""
    rows = (
        Click.objects.filter(
            organization_id=organization_id,
            link__network=network,
            bot=False,
            is_self=False,
            at__gte=since,
        )
        .annotate(hour=ExtractHour("at", tzinfo=zone))
        .values("hour")
        .annotate(n=Count("pk"))
        .order_by("-n", "hour")
    )
    counted = [(row["hour"], row["n"]) for row in rows]
    if sum(n for _, n in counted) < minimum:
        return []
    return [hour for hour, _n in counted]
