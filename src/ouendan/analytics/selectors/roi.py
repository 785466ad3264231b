"""Return on investment, and the settings it rests on (earned-media rates, currency, costs).

``roi_for`` sets what the program cost over a period against what it brought: earned media value
(what the same results would have cost in advertising, per network) plus the conversions valued
by type. Every input is kept in the ``Roi`` it returns, so a page, the API and the quarterly
report show the same assumptions next to the result.

* **Cost**: licences, staff hours × the cost of an hour, and rewards, each set per month in
  ``AnalyticsSettings`` and prorated by calendar days (a whole month counts one month's cost,
  15 days of a 30-day month half of it).
* **Value of conversions**: per conversion type, the count × what one is worth to the company
  (``AnalyticsSettings.conversion_values``, e.g. an application: the agency fee a hire through
  it saves ÷ applicants per hire); a type without such a value counts the value reported with
  its conversions (a purchase's amount). Conversions are few: read directly, in the
  organization's time zone, credited to the last click, like the rollups.
* **A part of the organization** (a manager's departments, or a department asked for): the
  program's cost is shared by enrolled advocates, so that the part bears its share.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.numbers import get_currency_name, get_territory_currencies
from django.db.models import Count, Sum
from django.utils.translation import get_language, to_locale

from ouendan.accounts.permissions import Action, Actor, require
from ouendan.analytics import charts
from ouendan.analytics.metrics import DEFAULT_RATES, Rate
from ouendan.analytics.models import AnalyticsSettings, NetworkRate
from ouendan.analytics.selectors import Filters, Summary, enrolled_advocates, summary
from ouendan.analytics.selectors.goals import format_money
from ouendan.analytics.services.rollups import local_day_bounds
from ouendan.networks import RULES, Network
from ouendan.tracking.models import BUILT_IN_TYPES, Conversion, ConversionType

CENT = Decimal("0.01")
DEFAULT_CURRENCY = "JPY"


# ---------------------------------------------------------------------------------------------
# Settings


def analytics_settings_get(*, actor: Actor) -> AnalyticsSettings:
    """The organization's settings; the defaults (unsaved) until the program changes one."""
    require(actor, Action.ANALYTICS_VIEW)
    found = AnalyticsSettings.objects.filter(organization=actor.organization).first()
    return found or AnalyticsSettings(organization=actor.organization)


def network_label(network: str) -> str:
    try:
        return str(RULES[Network(network)].label)
    except ValueError:
        return network


@dataclass(frozen=True)
class RateRow:
    """A network's earned-media rates as used, and the default they replace."""

    network: str
    label: str
    rate: Rate
    default: Rate
    is_default: bool  # no rate of the program's own: the default applies


def rate_rows(*, actor: Actor) -> list[RateRow]:
    """Every network's rates, in the networks' order (one query)."""
    require(actor, Action.ANALYTICS_VIEW)
    own = {
        row.network: Rate(row.cpm, row.cpc, row.reaction_weight)
        for row in NetworkRate.objects.filter(organization=actor.organization)
    }
    return [
        RateRow(
            network=network,
            label=network_label(network),
            rate=own.get(network, default),
            default=default,
            is_default=network not in own,
        )
        for network, default in DEFAULT_RATES.items()
    ]


@functools.cache
def current_currencies() -> frozenset[str]:
    """ISO 4217 codes legal tender somewhere today (CLDR's data, through Babel)."""
    today = dt.date.today()
    found: set[str] = set()
    for territory in map(str, Locale("en").territories):
        if len(territory) == 2 and territory.isalpha():
            found.update(
                get_territory_currencies(territory, start_date=today, end_date=today, tender=True)
            )
    return frozenset(found)


def currency_choices() -> list[tuple[str, str]]:
    """``(code, "JPY — 日本円")``, the most used first, then by code."""
    locale = to_locale(get_language() or "ja")
    first = ["JPY", "USD", "EUR", "GBP", "CNY", "KRW", "TWD", "SGD"]
    codes = first + sorted(current_currencies() - set(first))
    return [(code, f"{code} — {get_currency_name(code, locale=locale)}") for code in codes]


def conversion_type_choices(*, actor: Actor) -> list[tuple[str, str]]:
    """``(key, label)`` of the organization's conversion types (the built-in ones even before
    the organization has used them), in the program's order."""
    types = list(
        ConversionType.objects.filter(organization=actor.organization).order_by("position", "pk")
    )
    found = [(t.key, t.display_label) for t in types if t.active]
    known = {t.key for t in types}
    found += [(key, str(label)) for key, label in BUILT_IN_TYPES.items() if key not in known]
    return found


# ---------------------------------------------------------------------------------------------
# ROI


def months_between(start: dt.date, end: dt.date) -> Decimal:
    """Calendar months covered by the period (both days included), prorated by days in each:
    April 1–June 30 is 3; April 16–30 is 0.5."""
    months = Decimal(0)
    day = start
    while day <= end:
        length = calendar.monthrange(day.year, day.month)[1]
        last = min(end, day.replace(day=length))
        months += Decimal((last - day).days + 1) / Decimal(length)
        day = last + dt.timedelta(days=1)
    return months


@dataclass(frozen=True)
class ConversionValue:
    """One conversion type over the period, and what it is taken to be worth."""

    key: str
    label: str
    count: int
    each: Decimal | None  # what one is worth, as set; None: the reported values count
    reported: Decimal  # the values reported with the conversions, added up
    value: Decimal

    @property
    def basis(self) -> str:
        return "assumed" if self.each is not None else "reported"


@dataclass(frozen=True)
class Roi:
    """Everything the ROI is made of: the period, the assumptions, the cost, the value."""

    start: dt.date
    end: dt.date
    currency: str
    months: Decimal
    # Assumptions, per month, as set.
    licence_cost_per_month: Decimal
    staff_hours_per_month: Decimal
    hourly_cost: Decimal
    rewards_cost_per_month: Decimal
    # The part of the program the figures cover (1: all of it) and why.
    cost_share: Decimal
    enrolled_in_scope: int
    enrolled_total: int
    # Cost over the period (prorated, times the share).
    licence_cost: Decimal
    staff_cost: Decimal
    rewards_cost: Decimal
    # Value.
    figures: Summary
    emv: Decimal
    rates: list[RateRow]
    conversions: list[ConversionValue] = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def whole_program(self) -> bool:
        return self.cost_share == 1

    @property
    def staff_hours(self) -> Decimal:
        return (self.staff_hours_per_month * self.months * self.cost_share).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )

    @property
    def cost(self) -> Decimal:
        return self.licence_cost + self.staff_cost + self.rewards_cost

    @property
    def conversion_value(self) -> Decimal:
        return sum((c.value for c in self.conversions), Decimal(0))

    @property
    def conversion_count(self) -> int:
        return sum(c.count for c in self.conversions)

    @property
    def value(self) -> Decimal:
        return self.emv + self.conversion_value

    @property
    def net(self) -> Decimal:
        return self.value - self.cost

    @property
    def roi(self) -> Decimal | None:
        """(value − cost) ÷ cost; ``None`` while no cost is set."""
        if self.cost <= 0:
            return None
        return (self.net / self.cost).quantize(Decimal("0.0001"), ROUND_HALF_UP)

    @property
    def roi_percent(self) -> Decimal | None:
        roi = self.roi
        return None if roi is None else (roi * 100).quantize(Decimal(1), ROUND_HALF_UP)

    @property
    def value_per_cost(self) -> Decimal | None:
        """What each unit spent brought back (value ÷ cost)."""
        if self.cost <= 0:
            return None
        return (self.value / self.cost).quantize(CENT, ROUND_HALF_UP)

    @property
    def text(self) -> dict[str, str]:
        """Every figure as people read it (money in the currency, in the active language)."""

        def money(value: Decimal) -> str:
            return format_money(value, self.currency)

        found = {
            name: money(getattr(self, name))
            for name in (
                "licence_cost_per_month", "hourly_cost", "rewards_cost_per_month",
                "licence_cost", "staff_cost", "rewards_cost", "cost",
                "emv", "conversion_value", "value", "net",
            )
        }  # fmt: skip
        found["staff_hours_per_month"] = charts.format_number(float(self.staff_hours_per_month))
        found["staff_hours"] = charts.format_number(float(self.staff_hours))
        found["months"] = charts.format_number(float(self.months), decimals=2)
        found["cost_share"] = charts.format_number(float(self.cost_share * 100), unit="%")
        roi = self.roi_percent
        found["roi"] = "" if roi is None else charts.format_number(float(roi), unit="%")
        per_cost = self.value_per_cost
        found["value_per_cost"] = "" if per_cost is None else charts.format_number(float(per_cost))
        return found

    @property
    def conversion_rows(self) -> list[dict[str, str]]:
        return [
            {
                "key": c.key,
                "label": c.label,
                "count": charts.format_number(c.count),
                "each": "" if c.each is None else format_money(c.each, self.currency),
                "reported": format_money(c.reported, self.currency),
                "value": format_money(c.value, self.currency),
                "basis": c.basis,
            }
            for c in self.conversions
        ]

    @property
    def rate_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "network": r.network,
                "label": r.label,
                "cpm": format_money(r.rate.cpm, self.currency),
                "cpc": format_money(r.rate.cpc, self.currency),
                "reaction_weight": charts.format_number(float(r.rate.reaction_weight)),
                "is_default": r.is_default,
            }
            for r in self.rates
        ]

    @property
    def costs_set(self) -> bool:
        return bool(
            self.licence_cost_per_month
            or (self.staff_hours_per_month and self.hourly_cost)
            or self.rewards_cost_per_month
        )


def _prorate(per_month: Decimal, months: Decimal, share: Decimal) -> Decimal:
    return (per_month * months * share).quantize(CENT, ROUND_HALF_UP)


def conversions_valued(
    *, actor: Actor, filters: Filters, values: dict[str, Decimal]
) -> list[ConversionValue]:
    """Per conversion type with conversions in the period, or with a value set: the count and
    its value (two queries)."""
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
    counted = {
        r["type__key"]: (r["n"], r["value"] or Decimal(0))
        for r in rows.values("type__key").annotate(n=Count("id"), value=Sum("value")).order_by()
    }
    found = []
    for key, label in conversion_type_choices(actor=actor):
        count, reported = counted.pop(key, (0, Decimal(0)))
        each = values.get(key)
        if not count and each is None:
            continue
        value = each * count if each is not None else reported
        found.append(ConversionValue(key, label, count, each, reported, value))
    # Conversions of a type the program has since switched off still count.
    for key, (count, reported) in counted.items():
        each = values.get(key)
        value = each * count if each is not None else reported
        found.append(ConversionValue(key, key, count, each, reported, value))
    return found


def roi_for(*, actor: Actor, filters: Filters) -> Roi:
    """The program's return over the filters' period and scope (``filters_for`` made them)."""
    require(actor, Action.ANALYTICS_VIEW)
    settings = analytics_settings_get(actor=actor)
    figures = summary(actor=actor, filters=filters)
    in_scope = total = figures.enrolled_advocates
    share = Decimal(1)
    if filters.departments is not None:
        total = enrolled_advocates(actor=actor, departments=None)
        share = Decimal(in_scope) / Decimal(total) if total else Decimal(0)
        share = share.quantize(Decimal("0.0001"), ROUND_HALF_UP)
    months = months_between(filters.start, filters.end)
    values = {key: Decimal(str(value)) for key, value in (settings.conversion_values or {}).items()}
    return Roi(
        start=filters.start,
        end=filters.end,
        currency=settings.currency or DEFAULT_CURRENCY,
        months=months.quantize(CENT, ROUND_HALF_UP),
        licence_cost_per_month=settings.licence_cost,
        staff_hours_per_month=settings.staff_hours,
        hourly_cost=settings.hourly_cost,
        rewards_cost_per_month=settings.rewards_cost,
        cost_share=share,
        enrolled_in_scope=in_scope,
        enrolled_total=total,
        licence_cost=_prorate(settings.licence_cost, months, share),
        staff_cost=_prorate(settings.staff_hours * settings.hourly_cost, months, share),
        rewards_cost=_prorate(settings.rewards_cost, months, share),
        figures=figures,
        emv=figures.emv,
        rates=rate_rows(actor=actor),
        conversions=conversions_valued(actor=actor, filters=filters, values=values),
    )
