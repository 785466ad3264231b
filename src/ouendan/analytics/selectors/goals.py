"""KPI goals as people read them: which goals the actor may see, and each goal's progress.

A goal's value is the same figure ``summary`` gives for its period (up to today) and department,
computed for every goal of a page in a fixed number of queries: one conditional sum per goal
over the daily totals, one over the sharers for reach and participation, one count of enrolled
advocates. Managers see the organization's goals and their departments' ones, each measured
over the goal's own scope (the program chose to show it); executive viewers see every goal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.numbers import format_currency
from django.conf import settings as django_settings
from django.db import connection
from django.db.models import Max, Q, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy, to_locale
from django.utils.translation import gettext as _

from ouendan.accounts.models import Department
from ouendan.accounts.permissions import Actor
from ouendan.accounts.selectors import department_paths
from ouendan.analytics import charts
from ouendan.analytics.cache import remembered, rollups_state
from ouendan.analytics.metrics import GOAL_METRICS, METRICS, Metric, Rate
from ouendan.analytics.models import AnalyticsSettings, DailyRollup, DailyTotal, KpiGoal
from ouendan.analytics.periods import quarter_containing
from ouendan.analytics.selectors import (
    _SUMS,
    Summary,
    enrolled_by_department,
    organization_today,
    rates_for,
    scope_departments,
)
from ouendan.core.errors import NotFound

# Goals whose period ended this many days ago or less still show on the overview.
RECENT_DAYS = 31
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

# Metrics whose value needs the sharers (distinct people) rather than sums of daily totals.
_DISTINCT = frozenset({"potential_reach", "active_advocates", "participation_rate"})


class Status:
    UPCOMING = "upcoming"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    ACHIEVED = "achieved"
    MISSED = "missed"


STATUS_LABELS: dict[str, Promise] = {
    Status.UPCOMING: gettext_lazy("Not started"),
    Status.ON_TRACK: gettext_lazy("On track"),
    Status.BEHIND: gettext_lazy("Behind"),
    Status.ACHIEVED: gettext_lazy("Achieved"),
    Status.MISSED: gettext_lazy("Missed"),
}
# The badge class of each status (core stylesheet).
STATUS_BADGES = {
    Status.UPCOMING: "",
    Status.ON_TRACK: "info",
    Status.BEHIND: "warn",
    Status.ACHIEVED: "ok",
    Status.MISSED: "danger",
}


# ---------------------------------------------------------------------------------------------
# Numbers as people read them


def _locale() -> str:
    return to_locale(get_language() or django_settings.LANGUAGE_CODE)


def format_money(value: Decimal | float, currency: str) -> str:
    """``12345`` → ``￥12,345`` (ja) / ``¥12,345`` (en), the currency's own decimals."""
    return format_currency(Decimal(str(value)), currency, locale=_locale())


def format_metric(value: Decimal | float, metric: str, currency: str) -> str:
    """A goal's figure: counts with separators, money in the currency, percentages with "%"."""
    kind = METRICS[metric].kind
    if kind == "money":
        return format_money(value, currency)
    if kind == "percent":
        return charts.format_number(float(value), unit="%", decimals=1)
    return charts.format_number(float(value))


def goal_units(metric: str, summary: Summary) -> Decimal:
    """A metric's value in the units a goal uses: percentages in points (30 for 30 %)."""
    value = summary.value_of(metric)
    if METRICS[metric].kind == "percent":
        return (Decimal(str(value)) * HUNDRED).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True)
class PeriodPreset:
    key: str
    label: str
    start: dt.date
    end: dt.date


def _fiscal_year_start(actor: Actor) -> int:
    # As selectors.reports.fiscal_year_start, not imported: the report reads the goals.
    found = (
        AnalyticsSettings.objects.filter(organization=actor.organization)
        .values_list("fiscal_year_start", flat=True)
        .first()
    )
    return found or 4


def period_presets(*, actor: Actor, today: dt.date | None = None) -> list[PeriodPreset]:
    """This quarter and the next one of the organization's fiscal year, in its time zone."""
    today = today or organization_today(actor)
    first_month = _fiscal_year_start(actor)
    this = quarter_containing(today, first_month)
    following = this.next(first_month)
    return [
        PeriodPreset(
            "this_quarter",
            _("This quarter: %(quarter)s") % {"quarter": this.label},
            this.start,
            this.end,
        ),
        PeriodPreset(
            "next_quarter",
            _("Next quarter: %(quarter)s") % {"quarter": following.label},
            following.start,
            following.end,
        ),
    ]


# ---------------------------------------------------------------------------------------------
# Which goals


def goals_visible(*, actor: Actor) -> QuerySet[KpiGoal]:
    """The goals the actor may read: all of them for the program and executive viewers; the
    organization's and their own departments' (and those below) for managers."""
    departments = scope_departments(actor)  # ANALYTICS_VIEW
    goals = KpiGoal.objects.filter(organization=actor.organization).select_related("department")
    if departments is not None:
        goals = goals.filter(Q(department__isnull=True) | Q(department_id__in=departments))
    return goals


def goal_get(*, actor: Actor, goal_id: int) -> KpiGoal:
    found = goals_visible(actor=actor).filter(pk=goal_id).first()
    if found is None:
        raise NotFound(_("That goal does not exist."))
    return found


# ---------------------------------------------------------------------------------------------
# Measuring many periods at once


@dataclass(frozen=True)
class Scope:
    """What one goal measures: a period (both days included) and its departments."""

    start: dt.date
    end: dt.date
    departments: frozenset[int] | None  # None: the whole organization
    distinct: bool  # reach, active advocates and participation needed


def subtrees(actor: Actor) -> dict[int, frozenset[int]]:
    """Each department with everything below it, from one query."""
    children: dict[int | None, list[int]] = {}
    ids = []
    for dept_id, parent_id in Department.objects.filter(
        organization=actor.organization
    ).values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(dept_id)
        ids.append(dept_id)
    found: dict[int, frozenset[int]] = {}
    for root in ids:
        seen: set[int] = set()
        stack = [root]
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(children.get(current, []))
        found[root] = frozenset(seen)
    return found


def _in_scope(scope: Scope) -> Q:
    condition = Q(day__gte=scope.start, day__lte=scope.end)
    if scope.departments is not None:
        condition &= Q(department_id__in=scope.departments)
    return condition


def measure(
    *, actor: Actor, scopes: list[Scope], enrolled: dict[int | None, int] | None = None
) -> list[Summary]:
    """``summary`` of each scope, in at most five queries whatever their number; what comes from
    the rollups is kept until they change (``analytics.cache``), the enrolled advocates (today's)
    are read every time, unless the caller has them (``enrolled``: the whole organization's, per
    department, as ``enrolled_by_department`` counts them)."""
    if not scopes:
        return []
    rates = rates_for(actor)
    asked = (
        tuple(
            (
                s.start,
                s.end,
                None if s.departments is None else tuple(sorted(s.departments)),
                s.distinct,
            )
            for s in scopes
        ),
        tuple((network, rates[network]) for network in sorted(rates)),
    )
    results: list[Summary] = remembered(
        state=rollups_state(actor.organization),
        name="goals.measure",
        asked=asked,
        compute=lambda: _measured(actor, scopes, rates),
    )
    distinct = [i for i, scope in enumerate(scopes) if scope.distinct]
    if distinct:
        _enrolled_of(actor, scopes, results, distinct, enrolled)
    return results


def _measured(actor: Actor, scopes: list[Scope], rates: dict[str, Rate]) -> list[Summary]:
    results = [Summary(start=s.start, end=s.end) for s in scopes]
    first = min(s.start for s in scopes)
    last = max(s.end for s in scopes)
    sums = {
        f"s{i}_{name}": Sum(name, filter=_in_scope(scope))
        for i, scope in enumerate(scopes)
        for name in _SUMS
    }
    totals = DailyTotal.objects.filter(
        organization=actor.organization, day__gte=first, day__lte=last
    )
    for row in totals.values("network").annotate(**sums).order_by():
        rate = rates.get(row["network"])
        for i, result in enumerate(results):
            result.add({name: row[f"s{i}_{name}"] for name in _SUMS}, rate)
    distinct = [i for i, scope in enumerate(scopes) if scope.distinct]
    if distinct:
        _reach_and_active_of(actor, scopes, results, distinct, first, last)
    return results


def _reach_and_active_of(
    actor: Actor,
    scopes: list[Scope],
    results: list[Summary],
    which: list[int],
    first: dt.date,
    last: dt.date,
) -> None:
    """Potential reach and active advocates per scope, as ``_reach_and_active`` counts them
    (each advocate's most followers once per network; people who shared), in one query."""
    inner = (
        DailyRollup.objects.filter(
            organization=actor.organization, day__gte=first, day__lte=last, shares__gt=0
        )
        .values("membership_id", "network")
        .annotate(**{f"r{i}": Max("reach", filter=_in_scope(scopes[i])) for i in which})
        .order_by()
    )
    sql, params = inner.query.sql_with_params()
    columns = ", ".join(
        f"COALESCE(SUM(t.r{i}), 0), "
        f"COUNT(DISTINCT CASE WHEN t.r{i} IS NOT NULL THEN t.membership_id END)"
        for i in which
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM ({sql}) t", params)  # noqa: S608 (our own SQL)
        row = cursor.fetchone()
    for n, i in enumerate(which):
        results[i].potential_reach = int(row[2 * n])
        results[i].active_advocates = int(row[2 * n + 1])


def _enrolled_of(
    actor: Actor,
    scopes: list[Scope],
    results: list[Summary],
    which: list[int],
    enrolled: dict[int | None, int] | None,
) -> None:
    """Enrolled advocates today per scope (as ``enrolled_advocates``), from one query (none
    when the caller has them)."""
    per_department = (
        enrolled if enrolled is not None else enrolled_by_department(actor=actor, departments=None)
    )
    everyone = sum(per_department.values())
    for i in which:
        departments = scopes[i].departments
        results[i].enrolled_advocates = (
            everyone
            if departments is None
            else sum(n for key, n in per_department.items() if key in departments)
        )


def goal_scope(goal: KpiGoal, trees: dict[int, frozenset[int]], end: dt.date) -> Scope:
    departments = None
    if goal.department_id is not None:
        departments = trees.get(goal.department_id, frozenset({goal.department_id}))
    return Scope(goal.starts_on, end, departments, goal.metric in _DISTINCT)


# ---------------------------------------------------------------------------------------------
# Progress


def baseline_period_of(starts_on: dt.date, ends_on: dt.date) -> tuple[dt.date, dt.date]:
    days = (ends_on - starts_on).days + 1
    return starts_on - dt.timedelta(days=days), starts_on - dt.timedelta(days=1)


def target_value_of(goal: KpiGoal) -> Decimal:
    """The figure to reach: the target itself, or the baseline changed by the target %."""
    if goal.kind == KpiGoal.Kind.CHANGE:
        baseline = goal.baseline or Decimal(0)
        return (baseline * (HUNDRED + goal.target) / HUNDRED).quantize(CENT, ROUND_HALF_UP)
    return goal.target


@dataclass(frozen=True)
class GoalProgress:
    """One goal and where it stands on ``today`` (the organization's day)."""

    goal: KpiGoal
    department: str  # its path; "" for the whole organization
    currency: str
    today: dt.date
    current: Decimal  # in the goal's units (percentages in points)
    target_value: Decimal
    expected: Decimal  # where a linear pace from the first day would be today
    days_elapsed: int
    days_total: int
    status: str

    @property
    def metric(self) -> Metric:
        return METRICS[self.goal.metric]

    @property
    def percent_of_target(self) -> float | None:
        if self.target_value <= 0:
            return None
        return round(float(self.current / self.target_value * HUNDRED), 1)

    @property
    def percent_text(self) -> str:
        percent = self.percent_of_target
        return "" if percent is None else charts.format_number(percent, unit="%", decimals=0)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES[self.status]

    @property
    def measured_until(self) -> dt.date | None:
        """The last day counted (``None`` before the goal starts)."""
        if self.today < self.goal.starts_on:
            return None
        return min(self.today, self.goal.ends_on)

    @property
    def ended(self) -> bool:
        return self.today > self.goal.ends_on

    def text(self, value: Decimal | None) -> str:
        return "" if value is None else format_metric(value, self.goal.metric, self.currency)

    @property
    def current_text(self) -> str:
        return self.text(self.current)

    @property
    def target_text(self) -> str:
        return self.text(self.target_value)

    @property
    def expected_text(self) -> str:
        return self.text(self.expected)

    @property
    def baseline_text(self) -> str:
        return self.text(self.goal.baseline)

    @property
    def target_description(self) -> str:
        """``+10 % on the previous period`` or ``30 %`` (what was set)."""
        if self.goal.kind == KpiGoal.Kind.CHANGE:
            change = charts.format_number(float(self.goal.target), decimals=1)
            sign = "+" if self.goal.target >= 0 else ""
            return _("%(change)s %% against the baseline") % {"change": f"{sign}{change}"}
        return self.target_text

    @property
    def baseline_final(self) -> bool:
        """False while a measured baseline is provisional: it was measured before the period
        before had ended, and is measured once more after the goal's first day."""
        goal = self.goal
        if not goal.baseline_computed or goal.baseline_measured_on is None:
            return True
        return goal.baseline_measured_on >= goal.starts_on

    @property
    def baseline_period(self) -> tuple[dt.date, dt.date]:
        """The period a computed baseline measures: as long as the goal's, just before it."""
        return baseline_period_of(self.goal.starts_on, self.goal.ends_on)

    @property
    def bar(self) -> SafeString:
        """The progress bar (inline SVG, ``analytics.charts``)."""
        return charts.progress_bar(
            value=float(self.current), target=float(self.target_value), label=self.goal.name
        )


def progress_of(goal: KpiGoal, current: Decimal, today: dt.date) -> dict[str, Any]:
    """The arithmetic of progress (a pure function of the goal, its value and the day)."""
    target = target_value_of(goal)
    days_total = (goal.ends_on - goal.starts_on).days + 1
    started = today >= goal.starts_on
    elapsed = (min(today, goal.ends_on) - goal.starts_on).days + 1 if started else 0
    expected = (target * elapsed / days_total).quantize(CENT, ROUND_HALF_UP)
    if today < goal.starts_on:
        status = Status.UPCOMING
    elif current >= target:
        status = Status.ACHIEVED
    elif today > goal.ends_on:
        status = Status.MISSED
    else:
        status = Status.ON_TRACK if current >= expected else Status.BEHIND
    return {
        "target_value": target,
        "expected": expected,
        "days_elapsed": elapsed,
        "days_total": days_total,
        "status": status,
    }


def goals_progress(
    *,
    actor: Actor,
    goals: list[KpiGoal],
    today: dt.date | None = None,
    enrolled: dict[int | None, int] | None = None,
) -> list[GoalProgress]:
    """The progress of the given goals (already scoped to the actor), in a fixed number of
    queries (``enrolled``: see ``measure``)."""
    if not goals:
        return []
    today = today or organization_today(actor)
    settings = AnalyticsSettings.objects.filter(organization=actor.organization).first()
    currency = settings.currency if settings else "JPY"
    trees = subtrees(actor) if any(g.department_id for g in goals) else {}
    paths = department_paths(actor=actor) if trees else {}
    started = [g for g in goals if today >= g.starts_on]
    summaries = measure(
        actor=actor,
        scopes=[goal_scope(g, trees, min(today, g.ends_on)) for g in started],
        enrolled=enrolled,
    )
    values = {g.pk: goal_units(g.metric, s) for g, s in zip(started, summaries, strict=True)}
    return [
        GoalProgress(
            goal=goal,
            department=paths.get(goal.department_id, "") if goal.department_id else "",
            currency=currency,
            today=today,
            current=values.get(goal.pk, Decimal(0)),
            **progress_of(goal, values.get(goal.pk, Decimal(0)), today),
        )
        for goal in goals
    ]


def goal_progress_list(
    *,
    actor: Actor,
    today: dt.date | None = None,
    current_only: bool = False,
    enrolled: dict[int | None, int] | None = None,
) -> list[GoalProgress]:
    """Every goal the actor may see with its progress, ending soonest first.

    ``current_only`` (the overview): goals under way, and those ended in the last
    ``RECENT_DAYS`` days (so the quarter just closed still shows achieved or missed).
    ``enrolled``: the organization's enrolled advocates per department, when the caller has
    them (see ``measure``).
    """
    today = today or organization_today(actor)
    goals = goals_visible(actor=actor)
    if current_only:
        goals = goals.filter(
            starts_on__lte=today, ends_on__gte=today - dt.timedelta(days=RECENT_DAYS)
        )
    return goals_progress(actor=actor, goals=list(goals), today=today, enrolled=enrolled)


def goal_metric_choices() -> list[tuple[str, str]]:
    return [(key, str(METRICS[key].label)) for key in GOAL_METRICS]
