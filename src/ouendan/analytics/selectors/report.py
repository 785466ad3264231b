"""What the quarterly executive report says: every number read through the same selectors as
the dashboards (so the PDF matches the pages and the API), plus a few highlights in words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ouendan.accounts.permissions import Actor
from ouendan.analytics import charts
from ouendan.analytics.metrics import METRICS
from ouendan.analytics.naming import labels_for
from ouendan.analytics.periods import Quarter
from ouendan.analytics.selectors import (
    Filters,
    Row,
    Summary,
    currency_of,
    filters_for,
    organization_today,
    participation_by_department,
    ranking,
    summary,
    trend,
)
from ouendan.analytics.selectors.conversions import conversions_by_type
from ouendan.analytics.selectors.goals import goal_progress_list
from ouendan.analytics.selectors.roi import roi_for

CARD_METRICS = (
    "shares",
    "clicks",
    "unique_clicks",
    "conversions",
    "potential_reach",
    "engagement",
    "emv",
    "participation_rate",
)


@dataclass(frozen=True)
class Card:
    key: str
    label: str
    definition: str
    value: str
    change: str  # against the previous quarter, "" when it had nothing


@dataclass(frozen=True)
class DepartmentLine:
    name: str
    active: int
    enrolled: int
    rate: float
    clicks: int
    conversions: float


@dataclass
class ReportData:
    organization: Any
    quarter: Quarter
    filters: Filters
    figures: Summary
    previous: Summary
    currency: str
    cards: list[Card]
    trend_chart: SafeString
    top_content: list[Row]
    top_advocates: list[Row]
    departments: list[DepartmentLine]
    networks: list[Row]
    conversion_types: list[tuple[str, int, Decimal]]
    highlights: list[str]
    goals: list[Any] = field(default_factory=list)
    roi: Any = None
    generated_at: dt.datetime = field(default_factory=timezone.now)


def _value_text(metric: str, value: float, currency: str) -> str:
    kind = METRICS[metric].kind
    if kind == "percent":
        return f"{value * 100:.1f} %"
    if kind == "money":
        return charts.format_number(value, unit=f" {currency}")
    return charts.format_number(value)


def _change(now: float, before: float) -> float | None:
    return None if not before else (now - before) / before


def _change_text(now: float, before: float) -> str:
    change = _change(now, before)
    if change is None:
        return ""
    return f"{change * 100:+.0f} %"


def _metric_value(figures: Summary, metric: str) -> float:
    return float(getattr(figures, metric))


def report_data(*, actor: Actor, quarter: Quarter, fiscal_year_start: int) -> ReportData:
    """Everything the quarterly report shows, for the actor's scope."""
    filters = filters_for(actor=actor, start=quarter.start, end=quarter.end)
    before = quarter.previous(fiscal_year_start)
    previous_filters = filters_for(actor=actor, start=before.start, end=before.end)
    figures = summary(actor=actor, filters=filters)
    previous = summary(actor=actor, filters=previous_filters)
    currency = currency_of(actor)
    cards = [
        Card(
            key=m,
            label=str(METRICS[m].label),
            definition=str(METRICS[m].definition),
            value=_value_text(m, _metric_value(figures, m), currency),
            change=_change_text(_metric_value(figures, m), _metric_value(previous, m)),
        )
        for m in CARD_METRICS
    ]
    points = trend(actor=actor, filters=filters, grain="week")
    labels = [f"{p.start:%m/%d}" for p in points]
    trend_chart = charts.line_chart(
        labels=labels,
        series=[
            charts.Series(str(METRICS["clicks"].label), [p.figures.clicks for p in points]),
            charts.Series(str(METRICS["shares"].label), [p.figures.shares for p in points]),
            charts.Series(
                str(METRICS["conversions"].label), [p.figures.conversions for p in points]
            ),
        ],
        title=_("Week by week"),
    )
    names = labels_for(actor)
    top_content = ranking(
        actor=actor, filters=filters, dimension="content", limit=10, labels=names
    ).rows
    top_advocates = [
        row
        for row in ranking(
            actor=actor, filters=filters, dimension="advocate", limit=11, labels=names
        ).rows
        if row.named
    ][:10]
    networks = ranking(
        actor=actor, filters=filters, dimension="network", limit=20, labels=names
    ).rows
    department_names = names("department", [])
    by_department = ranking(
        actor=actor, filters=filters, dimension="department", limit=500, labels=names
    ).rows
    participation = participation_by_department(actor=actor, filters=filters)
    figures_of = {row.key: row.figures for row in by_department}
    departments = sorted(
        (
            DepartmentLine(
                name=department_names.get(key) or _("No department"),
                active=active,
                enrolled=enrolled,
                rate=active / enrolled if enrolled else 0.0,
                clicks=figures_of[key].clicks if key in figures_of else 0,
                conversions=figures_of[key].conversions if key in figures_of else 0,
            )
            for key, (active, enrolled) in participation.items()
            if enrolled or active
        ),
        key=lambda line: (-line.rate, -line.clicks, line.name),
    )
    conversion_types = conversions_by_type(actor=actor, filters=filters)
    data = ReportData(
        organization=actor.organization,
        quarter=quarter,
        filters=filters,
        figures=figures,
        previous=previous,
        currency=currency,
        cards=cards,
        trend_chart=trend_chart,
        top_content=top_content,
        top_advocates=top_advocates,
        departments=departments,
        networks=networks,
        conversion_types=conversion_types,
        highlights=[],
        goals=[
            goal
            for goal in goal_progress_list(
                actor=actor, today=min(quarter.end, organization_today(actor))
            )
            if goal.goal.starts_on <= quarter.end and goal.goal.ends_on >= quarter.start
        ],
        roi=roi_for(actor=actor, filters=filters),
    )
    data.highlights = _highlights(data, points)
    return data


def _highlights(data: ReportData, points: list[Any]) -> list[str]:
    """A few sentences an executive reads first (only those the figures support)."""
    lines: list[str] = []
    figures, previous = data.figures, data.previous
    change = _change(figures.clicks, previous.clicks)
    if change is not None:
        lines.append(
            (_("Clicks rose %(change)s from the previous quarter, to %(clicks)s."))
            % {"change": f"{change * 100:.0f} %", "clicks": charts.format_number(figures.clicks)}
            if change >= 0
            else _("Clicks fell %(change)s from the previous quarter, to %(clicks)s.")
            % {"change": f"{-change * 100:.0f} %", "clicks": charts.format_number(figures.clicks)}
        )
    elif figures.clicks:
        lines.append(
            _("%(clicks)s people visited the company's pages through advocates' shares.")
            % {"clicks": charts.format_number(figures.clicks)}
        )
    if data.conversion_types:
        parts = [f"{name} {count:,}" for name, count, _value in data.conversion_types if count]
        if parts:
            lines.append(
                _("Results credited to advocates: %(parts)s.") % {"parts": _(", ").join(parts)}
            )
    if data.top_content and data.top_content[0].figures.clicks:
        best = data.top_content[0]
        lines.append(
            _("Most clicked content: “%(title)s” (%(clicks)s clicks).")
            % {"title": best.label, "clicks": charts.format_number(best.figures.clicks)}
        )
    busiest = max(points, key=lambda p: p.figures.clicks, default=None)
    if busiest is not None and busiest.figures.clicks:
        lines.append(
            _("The busiest week began on %(day)s (%(clicks)s clicks).")
            % {
                "day": f"{busiest.start:%Y-%m-%d}",
                "clicks": charts.format_number(busiest.figures.clicks),
            }
        )
    leaders = [line for line in data.departments if line.enrolled >= 3 and line.active]
    if leaders:
        lines.append(
            _("Highest participation: %(name)s, %(rate)s of its advocates shared.")
            % {"name": leaders[0].name, "rate": f"{leaders[0].rate * 100:.0f} %"}
        )
    lines.append(
        _("Participation: %(active)s of %(enrolled)s enrolled advocates shared (%(rate)s).")
        % {
            "active": f"{figures.active_advocates:,}",
            "enrolled": f"{figures.enrolled_advocates:,}",
            "rate": f"{figures.participation_rate * 100:.0f} %",
        }
    )
    return lines
