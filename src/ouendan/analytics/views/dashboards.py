"""The analytics dashboards: overview, rankings (content, advocates, departments, networks,
campaigns) and trends, each with its filters in the query string and its exports.

A page answers htmx (a filter changed, a column sorted, a page turned inside ``#analytics-main``)
with that part only; anything else (a shared link, a reload, htmx restoring history) gets the
whole page. ``?format=csv|xlsx`` downloads the page's table whole.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from ouendan.accounts.permissions import Action, Actor, can
from ouendan.accounts.views.people import page_actor
from ouendan.analytics import charts
from ouendan.analytics.api.summary import PeriodQuery, filters_of
from ouendan.analytics.exports import DIMENSION_OF, export_response, export_table
from ouendan.analytics.metrics import METRICS
from ouendan.analytics.naming import labels_for
from ouendan.analytics.periods import quarter_containing
from ouendan.analytics.selectors import (
    ATTRIBUTIONS,
    GRAINS,
    LAST_TOUCH,
    ORDERS,
    Filters,
    Point,
    RankedRows,
    Summary,
    currency_of,
    filter_choices,
    grain_for,
    organization_today,
    trend,
)
from ouendan.analytics.selectors.goals import goal_progress_list
from ouendan.analytics.selectors.overview import overview as overview_of
from ouendan.analytics.selectors.reports import fiscal_year_start
from ouendan.core.errors import DomainError
from ouendan.tracking.models import AttributionModel

PAGE_SIZE = 25
MAIN_ID = "analytics-main"
GOALS_PANEL = "analytics/goals/_panel.html"
# The figures of the overview's cards, in the summary API's terms.
CARD_METRICS = (
    "shares",
    "clicks",
    "unique_clicks",
    "conversions",
    "conversion_value",
    "emv",
    "potential_reach",
    "participation_rate",
)
TREND_METRICS = ("shares", "clicks", "conversions")
# The columns of the rankings and of the trend's table, in the order shown.
TREND_COLUMNS = (
    "shares",
    "clicks",
    "unique_clicks",
    "ctr",
    "conversions",
    "conversion_value",
    "emv",
    "engagement",
)
RANKING_COLUMNS = (*TREND_COLUMNS, "potential_reach")
FILTER_NAMES = ("from", "to", "department", "network", "campaign")


@dataclass(frozen=True)
class Tab:
    url_name: str
    label: Any


TABS = (
    Tab("analytics:overview", gettext_lazy("Overview")),
    Tab("analytics:content", gettext_lazy("Content")),
    Tab("analytics:advocates", gettext_lazy("Advocates")),
    Tab("analytics:departments", gettext_lazy("Departments")),
    Tab("analytics:networks", gettext_lazy("Networks")),
    Tab("analytics:campaigns", gettext_lazy("Campaigns")),
    Tab("analytics:trends", gettext_lazy("Trends")),
)


# --- What the query string asks -------------------------------------------------------------


@dataclass
class Asked:
    """The query string, cleaned: the values the filter form shows, and the filters (None when
    something was wrong: ``error`` says what)."""

    values: dict[str, str]
    filters: Filters | None
    error: DomainError | None
    order: str
    attribution: str
    grain: str


def _whole(value: str, name: str, problems: dict[str, list[str]]) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        problems[name] = [
            _("Unknown department.") if name == "department" else _("Unknown campaign.")
        ]
        return None


def asked(request: HttpRequest, actor: Actor) -> Asked:
    get = request.GET
    values = {name: get.get(name, "").strip() for name in FILTER_NAMES}
    order = get.get("order", "") if get.get("order", "") in ORDERS else "clicks"
    attribution = get.get("attribution", "")
    attribution = attribution if attribution in ATTRIBUTIONS else LAST_TOUCH
    grain = get.get("grain", "") if get.get("grain", "") in GRAINS else ""
    problems: dict[str, list[str]] = {}
    department = _whole(values["department"], "department", problems)
    campaign = _whole(values["campaign"], "campaign", problems)
    filters, error = None, None
    try:
        if problems:
            raise DomainError(
                _("Check the period and filters."), code="invalid_filters", fields=problems
            )
        query = PeriodQuery.model_validate(
            {
                "from": values["from"] or None,
                "to": values["to"] or None,
                "department": department,
                "network": values["network"],
                "campaign": campaign,
            }
        )
        filters = filters_of(actor, query)
    except DomainError as exc:
        error = exc
    if filters is not None:
        values["from"], values["to"] = filters.start.isoformat(), filters.end.isoformat()
    return Asked(values, filters, error, order, attribution, grain)


def presets(actor: Actor, current: Asked) -> list[dict[str, Any]]:
    """Last 7/30/90 days and this/last quarter of the fiscal year, in the organization's time
    zone, each as the from/to it stands for."""
    today = organization_today(actor)
    quarter = quarter_containing(today, fiscal_year_start(actor.organization))
    last = quarter.previous(fiscal_year_start(actor.organization))
    found = [
        (_("Last 7 days"), today - dt.timedelta(days=6), today),
        (_("Last 30 days"), today - dt.timedelta(days=29), today),
        (_("Last 90 days"), today - dt.timedelta(days=89), today),
        (_("This quarter"), quarter.start, today),
        (_("Last quarter"), last.start, last.end),
    ]
    return [
        {
            "label": label,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "current": (current.values["from"], current.values["to"])
            == (start.isoformat(), end.isoformat()),
        }
        for label, start, end in found
    ]


# --- Rendering ------------------------------------------------------------------------------


def _is_fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return (
        bool(htmx)
        and htmx.target == MAIN_ID  # type: ignore[union-attr]
        and not htmx.history_restore_request  # type: ignore[union-attr]
    )


def _page(
    request: HttpRequest,
    actor: Actor,
    ask: Asked,
    *,
    heading: str,
    intro: str,
    body: str,
    context: dict[str, Any],
    table: str,
    attribution: bool = False,
    grain: bool = False,
) -> HttpResponse:
    full = {
        "heading": heading,
        "intro": intro,
        "body_template": body,
        "tabs": TABS,
        "main_id": MAIN_ID,
        "ask": ask,
        "values": ask.values,
        "error": ask.error,
        "choices": filter_choices(actor=actor),
        "presets": presets(actor, ask),
        "show_attribution": attribution,
        "attributions": AttributionModel.choices,
        "show_grain": grain,
        "export_table": table,
        "filter_query": urlencode(
            {name: ask.values[name] for name in FILTER_NAMES if ask.values[name] and not ask.error}
        ),
        "definitions": METRICS,
        "currency": currency_of(actor),
        **context,
    }
    template = "analytics/_main.html" if _is_fragment(request) else "analytics/page.html"
    response = render(request, template, full, status=400 if ask.error else 200)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _export(request: HttpRequest, actor: Actor, ask: Asked, table: str) -> HttpResponse | None:
    """The page's table as a file when ``?format=csv|xlsx`` asks for it."""
    fmt = request.GET.get("format", "")
    if fmt not in ("csv", "xlsx") or ask.filters is None:
        return None
    found = export_table(
        actor=actor,
        filters=ask.filters,
        table=table,
        order=ask.order,
        attribution=ask.attribution,
        grain=ask.grain or None,
    )
    return export_response(found, ask.filters, fmt)


def _change(now: float, before: float) -> dict[str, Any]:
    if not before:
        return {"direction": "new" if now else "same", "percent": None}
    ratio = (now - before) / before
    return {
        "direction": "up" if ratio > 0 else "down" if ratio < 0 else "same",
        "percent": round(abs(ratio) * 100),
    }


def _cards(figures: Summary, previous: Summary) -> list[dict[str, Any]]:
    cards = []
    for key in CARD_METRICS:
        metric = METRICS[key]
        now, before = figures.value_of(key), previous.value_of(key)
        change = _change(now, before)
        if key == "participation_rate":  # a rate changes by points, not by a percentage of it
            points = round((now - before) * 100, 1)
            change = {
                "direction": "up" if points > 0 else "down" if points < 0 else "same",
                "points": charts.format_number(abs(points)),
                "percent": None,
            }
        cards.append(
            {
                "key": key,
                "label": metric.label,
                "definition": metric.definition,
                "kind": metric.kind,
                "value": now,
                "previous": before,
                "change": change,
            }
        )
    return cards


def trend_chart(points: list[Point], grain: str, *, title: str) -> dict[str, Any]:
    labels = [_bucket_label(point.start, grain) for point in points]
    series = [
        charts.Series(str(METRICS[key].label), [float(getattr(p.figures, key)) for p in points])
        for key in TREND_METRICS
    ]
    return {
        "svg": charts.line_chart(labels=labels, series=series, title=title),
        "table": charts.line_chart_table(
            labels=labels, series=series, title=title, label_name=_("Period starting")
        ),
    }


def _bucket_label(day: dt.date, grain: str) -> str:
    if grain == "month":
        return f"{day:%Y-%m}"
    return f"{day.month}/{day.day}"


def _goals_panel() -> str | None:
    """The KPI goals panel (``analytics/goals/``), where its template exists."""
    try:
        get_template(GOALS_PANEL)
    except TemplateDoesNotExist:
        return None
    return GOALS_PANEL


# --- Pages ----------------------------------------------------------------------------------


@login_required
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.ANALYTICS_VIEW)
    ask = asked(request, actor)
    if exported := _export(request, actor, ask, "summary"):
        return exported
    context: dict[str, Any] = {}
    if ask.filters is not None:
        filters = ask.filters
        found = overview_of(
            actor=actor, filters=filters, grain=grain_for(filters), labels=labels_for(actor)
        )
        departments, networks = found.departments, found.networks
        context = {
            "figures": found.summary,
            "as_of": found.as_of,
            "previous_filters": filters.previous(),
            "cards": _cards(found.summary, found.previous),
            "trend": trend_chart(
                found.points, found.grain, title=_("Shares, clicks and conversions")
            ),
            "top_content": found.top_content,
            "participation": departments[:10],
            "participation_more": len(departments) > 10,
            "participation_chart": charts.bar_chart(
                rows=[(row.label, (row.participation_rate or 0) * 100) for row in departments[:10]],
                title=_("Participation rate by department"),
                unit="%",
            ),
            "networks": networks,
            "networks_chart": charts.bar_chart(
                rows=[(row.label, row.figures.clicks) for row in networks],
                title=_("Clicks by network"),
            ),
            "goals_panel": _goals_panel(),
            # Given to the panel, which otherwise loads them itself (one more request).
            "goals": goal_progress_list(
                actor=actor,
                current_only=True,
                enrolled=found.enrolled,  # already counted
            ),
        }
    return _page(
        request,
        actor,
        ask,
        heading=_("Program overview"),
        intro=_(
            "How the program is doing over the period: every figure with its definition, "
            "compared with the period of the same length just before."
        ),
        body="analytics/overview/_body.html",
        context=context,
        table="summary",
    )


def _ranking_page(
    request: HttpRequest,
    table: str,
    *,
    heading: str,
    intro: str,
    attribution: bool,
) -> HttpResponse:
    actor = page_actor(request, Action.ANALYTICS_VIEW)
    ask = asked(request, actor)
    if exported := _export(request, actor, ask, table):
        return exported
    context: dict[str, Any] = {"dimension": DIMENSION_OF[table], "columns": RANKING_COLUMNS}
    if ask.filters is not None:
        rows = RankedRows(
            actor=actor,
            filters=ask.filters,
            dimension=DIMENSION_OF[table],
            order=ask.order,
            attribution=ask.attribution if attribution else LAST_TOUCH,
            labels=labels_for(actor),
        )
        context["page_obj"] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        context["orders"] = ORDERS
        context["narrowed"] = any(ask.values[k] for k in ("department", "network", "campaign"))
        context["can_share"] = can(actor, Action.CONTENT_MANAGE)
    return _page(
        request,
        actor,
        ask,
        heading=heading,
        intro=intro,
        body="analytics/_ranking.html",
        context=context,
        table=table,
        attribution=attribution,
    )


@login_required
@require_safe
def content(request: HttpRequest) -> HttpResponse:
    return _ranking_page(
        request,
        "content",
        heading=_("Content ranking"),
        intro=_("Which content brought the most people, results and value over the period."),
        attribution=True,
    )


@login_required
@require_safe
def advocates(request: HttpRequest) -> HttpResponse:
    return _ranking_page(
        request,
        "advocates",
        heading=_("Advocates"),
        intro=_(
            "Each advocate's shares and what they brought. People appear as they chose on "
            "their profile: by name, by nickname, or only in one row that gathers everyone who "
            "chose not to appear."
        ),
        attribution=True,
    )


@login_required
@require_safe
def departments(request: HttpRequest) -> HttpResponse:
    return _ranking_page(
        request,
        "departments",
        heading=_("Departments"),
        intro=_(
            "Each department's figures and participation: how many of its enrolled advocates "
            "shared in the period."
        ),
        attribution=False,
    )


@login_required
@require_safe
def networks(request: HttpRequest) -> HttpResponse:
    return _ranking_page(
        request,
        "networks",
        heading=_("Networks"),
        intro=_("Where shares went, and which networks brought people, results and value."),
        attribution=False,
    )


@login_required
@require_safe
def campaigns(request: HttpRequest) -> HttpResponse:
    return _ranking_page(
        request,
        "campaigns",
        heading=_("Campaign results"),
        intro=_(
            "Each campaign's figures over the period; content outside campaigns has a row "
            "of its own."
        ),
        attribution=True,
    )


@login_required
@require_safe
def trends(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.ANALYTICS_VIEW)
    ask = asked(request, actor)
    if exported := _export(request, actor, ask, "trend"):
        return exported
    context: dict[str, Any] = {
        "grains": [("day", _("Days")), ("week", _("Weeks")), ("month", _("Months"))],
        "columns": TREND_COLUMNS,
    }
    if ask.filters is not None:
        grain = ask.grain or grain_for(ask.filters)
        points = trend(actor=actor, filters=ask.filters, grain=grain)
        context.update(
            {
                "grain": grain,
                "points": points,
                "trend": trend_chart(points, grain, title=_("Shares, clicks and conversions")),
                "has_activity": any(p.figures.shares or p.figures.clicks for p in points),
            }
        )
    return _page(
        request,
        actor,
        ask,
        heading=_("Trends"),
        intro=_("The figures per day, week or month over the period (weeks begin on Monday)."),
        body="analytics/trends/_body.html",
        context=context,
        table="trend",
        grain=True,
    )
