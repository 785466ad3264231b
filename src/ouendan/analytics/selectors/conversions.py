"""Conversions per type over a period (conversions are few: read directly, not from rollups)."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum

from ouendan.accounts.permissions import Actor
from ouendan.analytics.selectors import Filters
from ouendan.analytics.services.rollups import local_day_bounds
from ouendan.tracking.models import Conversion, ConversionType


def conversions_by_type(*, actor: Actor, filters: Filters) -> list[tuple[str, int, Decimal]]:
    """``(type label, conversions, value)`` per conversion type with at least one, most first,
    over the filters' period and scope (last touch, like the rollups)."""
    tz = ZoneInfo(actor.organization.time_zone)
    start, _ = local_day_bounds(filters.start, tz)
    _, end = local_day_bounds(filters.end, tz)
    rows = Conversion.objects.filter(
        organization=actor.organization, occurred_at__gte=start, occurred_at__lt=end
    )
    if filters.departments is not None:
        rows = rows.filter(membership__department_id__in=filters.departments)
    if filters.network:
        rows = rows.filter(network=filters.network)
    if filters.campaign_id is not None:
        rows = rows.filter(campaign_id=filters.campaign_id)
    if filters.content_id is not None:
        rows = rows.filter(content_id=filters.content_id)
    counted = {
        r["type_id"]: (r["n"], r["value"] or Decimal(0))
        for r in rows.values("type_id").annotate(n=Count("id"), value=Sum("value")).order_by()
    }
    types = ConversionType.objects.filter(organization=actor.organization, pk__in=counted)
    result = [(t.display_label, *counted[t.pk]) for t in types]
    return sorted(result, key=lambda r: (-r[1], r[0]))
