"""What the program sets for analytics: its currency and fiscal year, the earned-media rates per
network and the ROI assumptions (costs per month, what a conversion of each type is worth).

One service for all of it, so that the API's ``PUT`` and each form of the pages change what they
send and nothing else, all or nothing: every value is checked first and a single bad one saves
none. A network's rate set back to the default is removed, so that later defaults apply to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.analytics.metrics import DEFAULT_RATES, Rate
from ouendan.analytics.models import AnalyticsSettings, NetworkRate
from ouendan.analytics.selectors.roi import conversion_type_choices, current_currencies
from ouendan.core.errors import DomainError

# Sensible maxima: far above any real price, low enough to catch a slipped key (in yen, the
# smallest common unit; other currencies' prices are smaller).
RATE_MAX = Decimal(1_000_000)  # CPM and CPC
WEIGHT_MAX = Decimal(10)  # a reaction worth at most ten clicks
MONEY_MAX = Decimal(10_000_000_000)  # a month's licences or rewards; one conversion's worth
HOURS_MAX = Decimal(100_000)  # staff hours in a month (about 600 full-time people)
HOURLY_MAX = Decimal(1_000_000)
CONVERSION_TYPES_MAX = 50


@dataclass(frozen=True)
class SettingsChanges:
    """What to change; ``None`` (or a network or type left out) keeps what is there.

    ``rates``: network → its rates, or ``None`` to go back to the default.
    ``conversion_values``: conversion type key → what one is worth, or ``None`` to count the
    values reported with its conversions instead.
    """

    currency: str | None = None
    fiscal_year_start: int | None = None  # the first month, 1–12
    rates: dict[str, Rate | None] = field(default_factory=dict)
    licence_cost: Decimal | None = None
    staff_hours: Decimal | None = None
    hourly_cost: Decimal | None = None
    rewards_cost: Decimal | None = None
    conversion_values: dict[str, Decimal | None] = field(default_factory=dict)


def _number(
    value: object, *, places: str, maximum: Decimal, name: str, errors: dict[str, list[str]]
) -> Decimal:
    """A non-negative number rounded to the column's places, or an error for ``name``."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[name] = [_("Enter a number.")]
        return Decimal(0)
    if not number.is_finite():
        errors[name] = [_("Enter a number.")]
    elif number < 0:
        errors[name] = [_("Cannot be negative.")]
    elif number > maximum:
        errors[name] = [_("At most %(max)s.") % {"max": f"{maximum:,}"}]
    else:
        return number.quantize(Decimal(places), ROUND_HALF_UP)
    return Decimal(0)


def _checked(actor: Actor, changes: SettingsChanges) -> dict[str, Any]:
    """Every value checked and rounded; raises with all the problems at once."""
    errors: dict[str, list[str]] = {}
    found: dict[str, Any] = {"rates": {}, "conversion_values": {}}
    if changes.currency is not None:
        code = changes.currency.strip().upper()
        if code not in current_currencies():
            errors["currency"] = [
                _("Choose a currency by its ISO 4217 code, such as JPY, USD or EUR.")
            ]
        found["currency"] = code
    if changes.fiscal_year_start is not None:
        if changes.fiscal_year_start not in range(1, 13):
            errors["fiscal_year_start"] = [_("Choose a month from 1 to 12.")]
        found["fiscal_year_start"] = changes.fiscal_year_start
    for network, rate in changes.rates.items():
        if network not in DEFAULT_RATES:
            errors[f"rates.{network}"] = [_("Unknown network.")]
            continue
        if rate is None:
            found["rates"][network] = None
            continue
        found["rates"][network] = Rate(
            cpm=_number(rate.cpm, places="0.01", maximum=RATE_MAX,
                        name=f"rates.{network}.cpm", errors=errors),
            cpc=_number(rate.cpc, places="0.01", maximum=RATE_MAX,
                        name=f"rates.{network}.cpc", errors=errors),
            reaction_weight=_number(rate.reaction_weight, places="0.001", maximum=WEIGHT_MAX,
                                    name=f"rates.{network}.reaction_weight", errors=errors),
        )  # fmt: skip
    for name, places, maximum in (
        ("licence_cost", "0.01", MONEY_MAX),
        ("staff_hours", "0.1", HOURS_MAX),
        ("hourly_cost", "0.01", HOURLY_MAX),
        ("rewards_cost", "0.01", MONEY_MAX),
    ):
        value = getattr(changes, name)
        if value is not None:
            found[name] = _number(value, places=places, maximum=maximum, name=name, errors=errors)
    if changes.conversion_values:
        known = {key for key, _label in conversion_type_choices(actor=actor)}
        for key, value in changes.conversion_values.items():
            name = f"conversion_values.{key}"
            if key not in known:
                errors[name] = [_("Unknown conversion type.")]
            elif value is None:
                found["conversion_values"][key] = None
            else:
                found["conversion_values"][key] = _number(
                    value, places="0.01", maximum=MONEY_MAX, name=name, errors=errors
                )
    if errors:
        raise DomainError(_("Check the highlighted values: nothing was saved."), fields=errors)
    return found


def _rate_data(rate: Rate) -> dict[str, str]:
    return {
        "cpm": str(rate.cpm),
        "cpc": str(rate.cpc),
        "reaction_weight": str(rate.reaction_weight),
    }


def analytics_settings_update(*, actor: Actor, changes: SettingsChanges) -> AnalyticsSettings:
    """Change the currency, rates and ROI assumptions sent (all or none), audited once."""
    require(actor, Action.ANALYTICS_MANAGE)
    checked = _checked(actor, changes)
    with transaction.atomic():
        settings, _created = AnalyticsSettings.objects.select_for_update().get_or_create(
            organization=actor.organization
        )
        changed: dict[str, Any] = {}
        for name in (
            "currency", "fiscal_year_start",
            "licence_cost", "staff_hours", "hourly_cost", "rewards_cost",
        ):  # fmt: skip
            if name in checked and getattr(settings, name) != checked[name]:
                changed[name] = {"before": getattr(settings, name), "after": checked[name]}
                setattr(settings, name, checked[name])
        values = dict(settings.conversion_values or {})
        for key, value in checked["conversion_values"].items():
            before = values.get(key)
            after = None if value is None else str(value)
            if before is not None and value is not None and Decimal(str(before)) == value:
                continue
            if before == after:
                continue
            changed[f"conversion_values.{key}"] = {"before": before, "after": after}
            if after is None:
                values.pop(key, None)
            else:
                values[key] = after
        settings.conversion_values = values
        own = {
            row.network: row
            for row in NetworkRate.objects.select_for_update().filter(
                organization=actor.organization
            )
        }
        for network, rate in checked["rates"].items():
            row = own.get(network)
            current = Rate(row.cpm, row.cpc, row.reaction_weight) if row else None
            if rate is None or (row is None and rate == DEFAULT_RATES[network]):
                # Back to the default (or the default sent unchanged): no row of our own.
                if row is not None:
                    row.delete()
                    changed[f"rates.{network}"] = {"before": _rate_data(current), "after": None}  # type: ignore[arg-type]
                continue
            if current == rate:
                continue
            NetworkRate.objects.update_or_create(
                organization=actor.organization,
                network=network,
                defaults={
                    "cpm": rate.cpm,
                    "cpc": rate.cpc,
                    "reaction_weight": rate.reaction_weight,
                },
            )
            changed[f"rates.{network}"] = {
                "before": _rate_data(current) if current else None,
                "after": _rate_data(rate),
            }
        if changed:
            settings.save()
            audit_record(
                actor=actor, action="analytics.settings_updated", target=settings, data=changed
            )
    return settings
