"""Reads of analytics: every figure of the dashboards, the API, the exports and the report.

All of them read the rollups (``DailyTotal`` when no content or campaign is asked for,
``DailyRollup`` otherwise), never raw clicks, and all of them go through ``Filters`` scoped by the
actor: managers see their own departments (and those below), the program and executive viewers
the whole organization. The one exception is attribution other than last touch: rollups hold
last-touch conversions, so other models credit the touches of the period's conversions, read
from ``ConversionTouch`` (conversions are few).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, overload
from zoneinfo import ZoneInfo

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from ouendan.accounts.models import Department, Membership
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.accounts.roles import Role
from ouendan.accounts.selectors import department_descendant_ids, department_paths
from ouendan.analytics.metrics import DEFAULT_RATES, Rate
from ouendan.analytics.models import (
    AnalyticsSettings,
    DailyContent,
    DailyRollup,
    DailyTotal,
    NetworkRate,
)
from ouendan.analytics.periods import today_of
from ouendan.content.models import Campaign
from ouendan.core.errors import DomainError
from ouendan.networks import RULES
from ouendan.tracking.attribution import conversions_credited
from ouendan.tracking.models import AttributionModel, Conversion

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366
_FULL_VIEW = frozenset({Role.ORG_ADMIN, Role.PROGRAM_MANAGER, Role.EXECUTIVE_VIEWER})
_SUMS = (
    "shares",
    "clicks",
    "unique_clicks",
    "conversions",
    "conversion_value",
    "reactions",
    "impressions",
)


# ---------------------------------------------------------------------------------------------
# What is asked: a period, a scope, filters


@dataclass(frozen=True)
class Filters:
    """A period (both days included, in the organization's time zone) and optional narrowing.

    ``departments``: the ids the figures may come from (``None``: the whole organization); it is
    the actor's scope intersected with the department asked for, and its sub-departments.
    """

    start: dt.date
    end: dt.date
    departments: frozenset[int] | None = None
    network: str = ""
    campaign_id: int | None = None
    content_id: int | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Filters:
        """The period of the same length just before (for comparisons and KPI baselines)."""
        return replace(
            self,
            start=self.start - dt.timedelta(days=self.days),
            end=self.start - dt.timedelta(days=1),
        )

    @property
    def needs_detail(self) -> bool:
        return self.campaign_id is not None or self.content_id is not None


def organization_today(actor: Actor, now: dt.datetime | None = None) -> dt.date:
    return today_of(actor.organization, now)


def scope_departments(actor: Actor) -> frozenset[int] | None:
    """The departments whose figures the actor may read (``None``: all of them)."""
    require(actor, Action.ANALYTICS_VIEW)
    if actor.roles & _FULL_VIEW:
        return None
    membership = actor.membership
    if membership is None or membership.department_id is None:
        return frozenset()
    return frozenset(department_descendant_ids(actor=actor, department_id=membership.department_id))


def filters_for(
    *,
    actor: Actor,
    start: dt.date | None = None,
    end: dt.date | None = None,
    department_id: int | None = None,
    network: str = "",
    campaign_id: int | None = None,
    content_id: int | None = None,
    now: dt.datetime | None = None,
) -> Filters:
    """Validate what was asked (clear errors) and scope it to what the actor may see."""
    today = organization_today(actor, now)
    end = end or today
    start = start or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    errors: dict[str, list[str]] = {}
    if start > end:
        errors["from"] = [_("The first day must not be after the last day.")]
    elif (end - start).days + 1 > MAX_DAYS:
        errors["to"] = [_("Ask for at most %(days)d days at a time.") % {"days": MAX_DAYS}]
    if network and network not in DEFAULT_RATES:
        errors["network"] = [_("Unknown network.")]
    if (
        campaign_id is not None
        and not Campaign.objects.filter(organization=actor.organization, pk=campaign_id).exists()
    ):
        errors["campaign"] = [_("Unknown campaign.")]
    departments = scope_departments(actor)
    if department_id is not None:
        if not Department.objects.filter(
            organization=actor.organization, pk=department_id
        ).exists() or (departments is not None and department_id not in departments):
            errors["department"] = [_("Unknown department.")]
        else:
            asked = department_descendant_ids(actor=actor, department_id=department_id)
            departments = frozenset(asked if departments is None else asked & departments)
    if errors:
        raise DomainError(_("Check the period and filters."), code="invalid_filters", fields=errors)
    return Filters(
        start=start,
        end=end,
        departments=departments,
        network=network,
        campaign_id=campaign_id,
        content_id=content_id,
    )


@dataclass(frozen=True)
class FilterChoices:
    """What the filters offer: the departments the actor may read (with their paths), the
    networks and the organization's campaigns."""

    departments: list[tuple[int, str]]
    networks: list[tuple[str, str]]
    campaigns: list[tuple[int, str]]


def filter_choices(*, actor: Actor) -> FilterChoices:
    scope = scope_departments(actor)
    paths = department_paths(actor=actor)
    return FilterChoices(
        departments=sorted(
            ((pk, path) for pk, path in paths.items() if scope is None or pk in scope),
            key=lambda choice: choice[1],
        ),
        networks=[(network.value, str(rules.label)) for network, rules in RULES.items()],
        campaigns=list(
            Campaign.objects.filter(organization=actor.organization)
            .order_by("name", "pk")
            .values_list("pk", "name")
        ),
    )


def _rows(actor: Actor, filters: Filters, *, detail: bool) -> QuerySet[Any]:
    model: Any = DailyRollup if detail or filters.needs_detail else DailyTotal
    rows = model.objects.filter(
        organization=actor.organization, day__gte=filters.start, day__lte=filters.end
    )
    if filters.departments is not None:
        rows = rows.filter(department_id__in=filters.departments)
    if filters.network:
        rows = rows.filter(network=filters.network)
    if filters.campaign_id is not None:
        rows = rows.filter(campaign_id=filters.campaign_id)
    if filters.content_id is not None:
        rows = rows.filter(content_id=filters.content_id)
    return rows


# ---------------------------------------------------------------------------------------------
# Figures


def rates_for(actor: Actor) -> dict[str, Rate]:
    """Each network's EMV rates: the program's own where set, the defaults otherwise."""
    rates = dict(DEFAULT_RATES)
    for row in NetworkRate.objects.filter(organization=actor.organization):
        rates[row.network] = Rate(row.cpm, row.cpc, row.reaction_weight)
    return rates


def currency_of(actor: Actor) -> str:
    settings = AnalyticsSettings.objects.filter(organization=actor.organization).first()
    return settings.currency if settings else "JPY"


def emv(figures: dict[str, Any], rate: Rate) -> Decimal:
    """Earned media value of one network's figures (PRODUCT.md): where impressions are unknown
    (zero), the click term alone."""
    value = rate.cpc * (figures["clicks"] + rate.reaction_weight * figures["reactions"])
    if figures["impressions"]:
        value += Decimal(figures["impressions"]) / 1000 * rate.cpm
    return value.quantize(Decimal(1))


@dataclass
class Figures:
    """The figures of a slice (a period, a content item, an advocate, a department…)."""

    shares: int = 0
    clicks: int = 0
    unique_clicks: int = 0
    conversions: float = 0  # fractional under linear and time-decay attribution
    conversion_value: Decimal = Decimal(0)
    reactions: int = 0
    impressions: int = 0
    emv: Decimal = Decimal(0)
    potential_reach: int = 0

    @property
    def engagement(self) -> int:
        return self.reactions

    @property
    def ctr(self) -> float:
        return round(self.clicks / self.shares, 2) if self.shares else 0.0

    def add(self, row: dict[str, Any], rate: Rate | None) -> None:
        for name in _SUMS:
            setattr(self, name, getattr(self, name) + (row.get(name) or 0))
        if rate is not None:
            self.emv += emv({k: row.get(k) or 0 for k in _SUMS}, rate)


@dataclass
class Summary(Figures):
    """The program's figures for a period: ``GET /api/v1/analytics/summary``."""

    active_advocates: int = 0
    enrolled_advocates: int = 0
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def participation_rate(self) -> float:
        if not self.enrolled_advocates:
            return 0.0
        return round(self.active_advocates / self.enrolled_advocates, 4)

    def value_of(self, metric: str) -> float:
        value = getattr(self, metric)
        return float(value)


def _sums(rows: QuerySet[Any], *group: str) -> Iterable[dict[str, Any]]:
    return rows.values(*group).annotate(**{name: Sum(name) for name in _SUMS}).order_by()


def _reach_and_active(rows: QuerySet[Any]) -> tuple[int, int]:
    """Potential reach (each advocate's followers counted once per network) and how many
    advocates shared, over a period's rollup rows: one query."""
    inner = rows.filter(shares__gt=0).values("membership_id", "network").annotate(r=Max("reach"))
    try:
        sql, params = inner.order_by().query.sql_with_params()
    except EmptyResultSet:  # a scope without departments (a manager who has none)
        return 0, 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(SUM(t.r), 0), COUNT(DISTINCT t.membership_id) FROM ({sql}) t",  # noqa: S608
            params,
        )
        reach, active = cursor.fetchone()
    return int(reach), int(active)


def _enrolled(*, actor: Actor, departments: frozenset[int] | None) -> QuerySet[Membership]:
    people = Membership.objects.filter(
        organization=actor.organization,
        status=Membership.Status.ACTIVE,
        role_grants__role=Role.ADVOCATE,
    )
    if departments is not None:
        people = people.filter(department_id__in=departments)
    return people


def enrolled_advocates(*, actor: Actor, departments: frozenset[int] | None) -> int:
    """Advocates enrolled today (active members with the advocate role) in the departments."""
    return _enrolled(actor=actor, departments=departments).count()


def enrolled_by_department(
    *, actor: Actor, departments: frozenset[int] | None
) -> dict[int | None, int]:
    """Advocates enrolled today per department (``None``: people without one), in one query."""
    return dict(
        _enrolled(actor=actor, departments=departments)
        .values("department_id")
        .annotate(n=Count("id"))
        .values_list("department_id", "n")
        .order_by()
    )


def summary(*, actor: Actor, filters: Filters) -> Summary:
    """The program's figures over the filters' period (four queries; the enrolled advocates are
    today's, whatever the period)."""
    rates = rates_for(actor)
    result = Summary(start=filters.start, end=filters.end)
    for row in _sums(_rows(actor, filters, detail=False), "network"):
        result.add(row, rates.get(row["network"]))
    result.potential_reach, result.active_advocates = _reach_and_active(
        _rows(actor, filters, detail=True)
    )
    result.enrolled_advocates = enrolled_advocates(actor=actor, departments=filters.departments)
    return result


# ---------------------------------------------------------------------------------------------
# Over time


@dataclass(frozen=True)
class Point:
    start: dt.date
    figures: Figures


def _bucket(day: dt.date, grain: str) -> dt.date:
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return day


def grain_for(filters: Filters) -> str:
    """Days up to two months, weeks up to a year, months beyond."""
    return "day" if filters.days <= 62 else "week" if filters.days <= 366 else "month"


GRAINS = ("day", "week", "month")


def trend(*, actor: Actor, filters: Filters, grain: str | None = None) -> list[Point]:
    """The figures per day, week or month over the period, every bucket present (zeros where
    nothing happened); weeks begin on Monday, and the first and last buckets may be partial."""
    grain = grain or grain_for(filters)
    if grain not in GRAINS:
        raise DomainError(
            _("Check the period and filters."),
            code="invalid_filters",
            fields={"grain": [_("Choose day, week or month.")]},
        )
    rates = rates_for(actor)
    buckets: dict[dt.date, Figures] = {}
    day = filters.start
    while day <= filters.end:
        buckets.setdefault(_bucket(day, grain), Figures())
        day += dt.timedelta(days=1)
    for row in _sums(_rows(actor, filters, detail=False), "day", "network"):
        buckets[_bucket(row["day"], grain)].add(row, rates.get(row["network"]))
    return [Point(start, figures) for start, figures in sorted(buckets.items())]


# ---------------------------------------------------------------------------------------------
# Rankings: content, advocates, departments, networks, campaigns

DIMENSIONS = ("content", "advocate", "department", "network", "campaign")
ORDERS = ("clicks", "unique_clicks", "shares", "conversions", "emv", "engagement")
LAST_TOUCH: str = AttributionModel.LAST_TOUCH.value
ATTRIBUTIONS: tuple[str, ...] = tuple(AttributionModel.values)
_GROUP = {
    "content": "content_id",
    "advocate": "membership_id",
    "department": "department_id",
    "network": "network",
    "campaign": "campaign_id",
}


@dataclass
class Row:
    key: Any
    label: str
    figures: Figures = field(default_factory=Figures)
    named: bool = True  # False: people who chose not to appear, gathered into one row
    # Departments only: advocates who shared in the period, and those enrolled today.
    active_advocates: int | None = None
    enrolled_advocates: int | None = None

    @property
    def participation_rate(self) -> float | None:
        if self.enrolled_advocates is None:
            return None
        if not self.enrolled_advocates:
            return 0.0
        return round((self.active_advocates or 0) / self.enrolled_advocates, 4)


@dataclass(frozen=True)
class Ranking:
    dimension: str
    rows: list[Row]
    total: int  # rows before the page was cut
    order: str = "clicks"
    attribution: str = LAST_TOUCH


def _invalid(name: str, message: str) -> DomainError:
    return DomainError(
        _("Check the period and filters."), code="invalid_filters", fields={name: [message]}
    )


def ranking(
    *,
    actor: Actor,
    filters: Filters,
    dimension: str,
    order: str = "clicks",
    limit: int | None = 20,
    offset: int = 0,
    labels: Any = None,
    attribution: str = LAST_TOUCH,
    with_reach: bool = True,
) -> Ranking:
    """The figures per content item, advocate, department, network or campaign, best first
    (``limit=None``: every row, for exports). Every row has its potential reach (each of its
    advocates' followers once per network); department rows also their participation, and
    departments with enrolled advocates appear even when nobody there shared.

    ``labels``: a function ``(dimension, keys) -> {key: label}`` naming the rows (the caller
    knows how: see ``analytics.naming``). Advocates who chose not to appear are gathered into a
    single unnamed row. ``attribution``: under a model other than last touch, the conversions
    and their value are the credits the period's conversions give each row's touches.
    ``with_reach=False`` leaves potential reach at 0 (one grouping fewer, for a short top list).

    Content and campaigns can be many (thousands of items): equal figures are ranked by id and
    only the rows kept are named; a page of them ordered by a sum (not EMV), under last touch,
    is ranked by the database, and only its rows are summed. The others are named first and
    ranked by name among equals. At most five queries for last touch, whatever the number of
    rows; three more for another model.
    """
    if dimension not in DIMENSIONS:
        raise _invalid("by", _("Choose content, advocates, departments, networks or campaigns."))
    if order not in ORDERS:
        raise _invalid("order", _("Unknown order."))
    if attribution not in ATTRIBUTIONS:
        raise _invalid("attribution", _("Unknown attribution model."))
    group = _GROUP[dimension]
    detail = dimension in {"content", "advocate", "campaign"}
    rates = rates_for(actor)
    source = _rows(actor, filters, detail=detail)
    ranked: tuple[list[Any], int] | None = None  # a page of keys, and how many there are
    only = Q()
    if limit is not None and ranked_by_database(dimension, order, attribution):
        ranked = _ranked_keys(
            _ranked_from(actor, filters, source), group, _SUMMED[order], limit=limit, offset=offset
        )
        only = _keys_in(group, ranked[0])
        source = source.filter(only)
    by_key: dict[Any, Figures] = defaultdict(Figures)
    for row in _sums(source, group, "network"):
        by_key[row[group]].add(row, rates.get(row["network"]))
    if with_reach:
        for key, reach in _reach_by(actor, filters, group, only).items():
            by_key[key].potential_reach = reach
    if attribution != LAST_TOUCH:
        credited = conversions_attributed(
            actor=actor, filters=filters, model=attribution, dimension=dimension
        )
        for key in set(by_key) | set(credited):
            figures = by_key[key]
            figures.conversions, figures.conversion_value = credited.get(key, (0.0, Decimal(0)))
    participation = (
        participation_by_department(actor=actor, filters=filters)
        if dimension == "department"
        else {}
    )
    for key in participation:  # a department where nobody shared still has its row
        by_key.setdefault(key, Figures())
    end = None if limit is None else offset + limit
    if dimension in {"content", "campaign"}:
        if ranked is None:
            ordered = sorted(
                by_key, key=lambda k: (-float(getattr(by_key[k], order)), k is None, k or 0)
            )
            ranked = (ordered[offset:end], len(ordered))
        kept, total = ranked
        titles = labels(dimension, kept) if labels else {}
        return Ranking(
            dimension=dimension,
            rows=[
                Row(key=key, label=label_of(dimension, key, titles), figures=by_key[key])
                for key in kept
            ],
            total=total,
            order=order,
            attribution=attribution,
        )
    names = labels(dimension, list(by_key)) if labels else {}
    rows: list[Row] = []
    hidden = Row(key=None, label=_("People who chose not to appear"), named=False)
    for key, figures in by_key.items():
        label = names.get(key, "" if key is not None else none_label(dimension))
        if dimension == "advocate" and label is None:
            _merge(hidden.figures, figures)
            continue
        line = Row(key=key, label=label or str(key), figures=figures)
        if dimension == "department":
            line.active_advocates, line.enrolled_advocates = participation.get(key, (0, 0))
        rows.append(line)
    if hidden.figures.shares or hidden.figures.clicks or hidden.figures.conversions:
        rows.append(hidden)
    rows.sort(key=lambda r: (-float(getattr(r.figures, order)), r.label))
    return Ranking(
        dimension=dimension,
        rows=rows[offset:end],
        total=len(rows),
        order=order,
        attribution=attribution,
    )


def label_of(dimension: str, key: Any, names: dict[Any, str | None]) -> str:
    """A row's name: the one ``names`` gives, its key otherwise (no key: "No campaign"…)."""
    return names.get(key) or (str(key) if key is not None else none_label(dimension))


def none_label(dimension: str) -> str:
    if dimension == "campaign":
        return _("No campaign")
    return _("No department")


def ranked_by_database(dimension: str, order: str, attribution: str) -> bool:
    """Whether a page of this ranking is found by the database (content and campaigns, by a sum,
    under last touch) rather than by ranking every row."""
    return dimension in {"content", "campaign"} and order in _SUMMED and attribution == LAST_TOUCH


class RankedRows(Sequence[Row]):
    """The rows of a ranking for a paginator (Django's, or the API's ``paginate``): its length
    and the slice asked for, each read on demand where the database ranks them
    (``ranked_by_database``: a page of 10,000 items costs a page), every row read at once
    otherwise. Takes ``ranking``'s arguments but ``limit`` and ``offset``."""

    def __init__(self, **asked: Any) -> None:
        self._asked = asked
        self._total: int | None = None
        self._whole: list[Row] | None = None
        if not ranked_by_database(
            asked["dimension"],
            asked.get("order", "clicks"),
            asked.get("attribution", LAST_TOUCH),
        ):
            self._whole = ranking(**asked, limit=None).rows

    def __len__(self) -> int:
        if self._whole is not None:
            return len(self._whole)
        if self._total is None:
            counting = {**self._asked, "labels": None, "with_reach": False}
            self._total = ranking(**counting, limit=1).total
        return self._total

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if self._whole is not None:
            return self._whole[index]
        if isinstance(index, int):
            found = self[index : index + 1] if index >= 0 else []
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, step = index.indices(len(self))
        if step != 1:
            raise ValueError("RankedRows slices by steps of one")
        if stop <= start:
            return []
        return ranking(**self._asked, limit=stop - start, offset=start).rows


_SUMMED = {  # orders a database can rank by: the column summed
    "clicks": "clicks",
    "unique_clicks": "unique_clicks",
    "shares": "shares",
    "conversions": "conversions",
    "engagement": "reactions",
}


def _ranked_keys(
    rows: QuerySet[Any], group: str, column: str, *, limit: int, offset: int
) -> tuple[list[Any], int]:
    """One page of the keys of ``rows`` grouped by ``group``, the greatest sum of ``column``
    first (equals by key, no key last), and how many keys there are: one query."""
    grouped = rows.values(group).annotate(v=Sum(column)).order_by()
    try:
        sql, params = grouped.query.sql_with_params()
    except EmptyResultSet:
        return [], 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.{group}, COUNT(*) OVER () FROM ({sql}) t "  # noqa: S608 (our own SQL)
            f"ORDER BY t.v DESC, t.{group} IS NULL, t.{group} LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        found = cursor.fetchall()
    if found:
        return [key for key, _total in found], found[0][1]
    return [], grouped.count() if offset else 0


def _ranked_from(actor: Actor, filters: Filters, detail: QuerySet[Any]) -> QuerySet[Any]:
    """Where content and campaigns are ranked: the day × content rollup for the whole
    organization on every network, the detailed rows when departments or a network narrow it."""
    if filters.departments is not None or filters.network:
        return detail
    rows = DailyContent.objects.filter(
        organization=actor.organization, day__gte=filters.start, day__lte=filters.end
    )
    if filters.campaign_id is not None:
        rows = rows.filter(campaign_id=filters.campaign_id)
    if filters.content_id is not None:
        rows = rows.filter(content_id=filters.content_id)
    return rows


def _keys_in(group: str, keys: list[Any]) -> Q:
    condition = Q(**{f"{group}__in": [key for key in keys if key is not None]})
    if None in keys:
        condition |= Q(**{f"{group}__isnull": True})
    return condition


def _reach_by(actor: Actor, filters: Filters, group: str, only: Q | None = None) -> dict[Any, int]:
    """Potential reach per row (of those ``only`` selects): each advocate's followers once per
    network, summed (one query)."""
    fields = list(dict.fromkeys((group, "membership_id", "network")))
    found: dict[Any, int] = defaultdict(int)
    rows = (
        _rows(actor, filters, detail=True)
        .filter(only or Q())
        .filter(shares__gt=0)
        .values(*fields)
        .annotate(r=Max("reach"))
        .order_by()
    )
    for row in rows:
        found[row[group]] += row["r"] or 0
    return found


def _merge(into: Figures, other: Figures) -> None:
    for name in (*_SUMS, "emv", "potential_reach"):
        setattr(into, name, getattr(into, name) + getattr(other, name))


def conversions_attributed(
    *, actor: Actor, filters: Filters, model: str, dimension: str
) -> dict[Any, tuple[float, Decimal]]:
    """Per row key: the conversions (fractional) and value the period's conversions credit to
    the row's touches under ``model``, within the filters (a touch outside the actor's
    departments, the network or the campaign asked for earns its row nothing here). The
    department is the advocate's today (rollups keep the one they had that day)."""
    tz = ZoneInfo(actor.organization.time_zone)
    start = dt.datetime.combine(filters.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    conversions = Conversion.objects.filter(
        organization=actor.organization, occurred_at__gte=start, occurred_at__lt=end
    )
    touches = [
        touch
        for credited in conversions_credited(actor=actor, conversions=conversions, model=model)
        for touch in credited.touches
        if touch.credit
    ]
    departments: dict[int, int | None] = {}
    if touches and (filters.departments is not None or dimension == "department"):
        departments = dict(
            Membership.objects.filter(
                organization=actor.organization, pk__in={t.membership_id for t in touches}
            ).values_list("pk", "department_id")
        )
    found: dict[Any, tuple[float, Decimal]] = {}
    for touch in touches:
        department = departments.get(touch.membership_id)
        if filters.departments is not None and department not in filters.departments:
            continue
        if filters.network and touch.network != filters.network:
            continue
        if filters.campaign_id is not None and touch.campaign_id != filters.campaign_id:
            continue
        if filters.content_id is not None and touch.content_id != filters.content_id:
            continue
        key = {
            "content": touch.content_id,
            "advocate": touch.membership_id,
            "department": department,
            "network": touch.network,
            "campaign": touch.campaign_id,
        }[dimension]
        count, value = found.get(key, (0.0, Decimal(0)))
        found[key] = (count + touch.credit, value + touch.value)
    return {key: (round(count, 4), value) for key, (count, value) in found.items()}


def active_by_department(*, actor: Actor, filters: Filters) -> dict[int | None, int]:
    """Per department (the one each advocate had that day): advocates who shared in the period
    (the distinct pairs counted: a hash of them is cheaper than a distinct count per group)."""
    pairs = (
        _rows(actor, filters, detail=True)
        .filter(shares__gt=0)
        .values("department_id", "membership_id")
        .distinct()
        .order_by()
    )
    try:
        sql, params = pairs.query.sql_with_params()
    except EmptyResultSet:  # a scope without departments (a manager who has none)
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.department_id, COUNT(*) FROM ({sql}) t GROUP BY t.department_id",  # noqa: S608
            params,
        )
        return {department_id: int(count) for department_id, count in cursor.fetchall()}


def participation_by_department(
    *, actor: Actor, filters: Filters
) -> dict[int | None, tuple[int, int]]:
    """Per department: (advocates who shared in the period, enrolled advocates)."""
    active = active_by_department(actor=actor, filters=filters)
    enrolled = enrolled_by_department(actor=actor, departments=filters.departments)
    return {
        key: (active.get(key, 0), enrolled.get(key, 0))
        for key in set(active) | set(enrolled)
        if key is not None or filters.departments is None
    }
