"""Reads of tracking data: what other apps ask of clicks, and an organization's conversion
types and tracking settings (both made with the defaults on first use)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractHour
from django.utils.translation import gettext as _

from ouendan.accounts.models import Organization
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.core.errors import NotFound
from ouendan.tracking.models import BUILT_IN_TYPES, Click, ConversionType, TrackingSettings


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


# --- Conversion types and settings ------------------------------------------------------------


def tracking_settings_of(organization: Organization) -> TrackingSettings:
    """The organization's tracking settings (made with the defaults on first use)."""
    found, _created = TrackingSettings.objects.get_or_create(organization=organization)
    return found


def conversion_types_ensure(organization: Organization) -> None:
    """Make the built-in types the organization does not have yet (one query when it has)."""
    present = set(
        ConversionType.objects.filter(
            organization=organization, key__in=list(BUILT_IN_TYPES)
        ).values_list("key", flat=True)
    )
    missing = [key for key in BUILT_IN_TYPES if key not in present]
    if missing:
        positions = {key: position for position, key in enumerate(BUILT_IN_TYPES)}
        ConversionType.objects.bulk_create(
            [
                ConversionType(organization=organization, key=key, position=positions[key])
                for key in missing
            ],
            ignore_conflicts=True,  # made meanwhile by another request
        )


def conversion_types_list(*, actor: Actor) -> QuerySet[ConversionType]:
    """Every conversion type of the organization, built-in first, in the program's order."""
    require(actor, Action.CONVERSIONS_MANAGE)
    conversion_types_ensure(actor.organization)
    return ConversionType.objects.filter(organization=actor.organization).order_by("position", "pk")


def conversion_type_find(*, actor: Actor, conversion_type_id: int) -> ConversionType:
    require(actor, Action.CONVERSIONS_MANAGE)
    found = ConversionType.objects.filter(
        organization=actor.organization, pk=conversion_type_id
    ).first()
    if found is None:
        raise NotFound(_("That conversion type does not exist."))
    return found
