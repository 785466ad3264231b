"""The dashboards' numbers over the API: the trend, the rankings and the exports.

``GET /analytics/trend``, ``GET /analytics/rankings/{by}`` and ``GET /analytics/export/{table}``
read the same selectors as the pages (``analytics/views/dashboards.py``), so every figure matches
what a person sees. All take the period and filters of ``PeriodQuery``.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja import Query, Router, Schema
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.accounts.permissions import Actor
from ouendan.analytics.api.summary import PeriodQuery, filters_from
from ouendan.analytics.exports import (
    CSV_TYPE,
    DIMENSION_OF,
    XLSX_TYPE,
    export_response,
    export_table,
)
from ouendan.analytics.naming import labels_for
from ouendan.analytics.selectors import Figures, RankedRows, Row, grain_for, trend
from ouendan.core.api import Page, error_responses, paginate

router = Router(tags=["analytics"])

Grain = Literal["day", "week", "month"]
Order = Literal["clicks", "unique_clicks", "shares", "conversions", "emv", "engagement"]
Attribution = Literal["last_touch", "first_touch", "linear", "time_decay"]
RankingBy = Literal["content", "advocates", "departments", "networks", "campaigns"]
ExportTable = Literal[
    "summary", "trend", "content", "advocates", "departments", "networks", "campaigns"
]


class FiguresOut(Schema):
    shares: int = Field(description="Shares made.")
    clicks: int = Field(description="Human clicks (crawlers, previews and self-clicks left out).")
    unique_clicks: int = Field(description="First human click per visitor, link and day.")
    ctr: float = Field(description="Clicks per share.")
    conversions: float = Field(
        description="Conversions: whole numbers under last touch; under other models, the "
        "credits of the period's conversions (fractions)."
    )
    conversion_value: float = Field(description="Their value (credited the same way).")
    emv: float = Field(description="Earned media value, in the organization's currency.")
    engagement: int = Field(description="Likes, reposts and comments on the shares.")


def _figures(figures: Figures) -> dict[str, Any]:
    return {
        "shares": figures.shares,
        "clicks": figures.clicks,
        "unique_clicks": figures.unique_clicks,
        "ctr": figures.ctr,
        "conversions": round(float(figures.conversions), 4),
        "conversion_value": float(figures.conversion_value),
        "emv": float(figures.emv),
        "engagement": figures.engagement,
    }


# --- Trend ------------------------------------------------------------------------------------


class TrendQuery(Schema):
    grain: Grain | None = Field(
        default=None,
        description="Buckets: `day`, `week` (from Monday) or `month`. Default: days up to two "
        "months, weeks up to a year, months beyond.",
    )


class PointOut(FiguresOut):
    start: str = Field(description="First day of the bucket (`YYYY-MM-DD`).")


class TrendOut(Schema):
    grain: Grain
    from_: str = Field(alias="from", description="First day of the period.")
    to: str = Field(description="Last day of the period, included.")
    points: list[PointOut] = Field(description="Every bucket of the period, oldest first.")


@router.get(
    "/analytics/trend",
    response={200: TrendOut, **error_responses(400, 401, 403)},
    summary="The figures over time",
    description="The program's figures per day, week or month over the period (every bucket "
    "present, zeros included), as on the trends page. Managers get their own departments'. "
    "`400 invalid_filters` for a bad period or filter.",
    by_alias=True,
)
def trend_api(
    request: HttpRequest, query: Query[PeriodQuery], options: Query[TrendQuery]
) -> dict[str, Any]:
    filters = filters_from(request, query)
    grain = options.grain or grain_for(filters)
    points = trend(actor=request_actor(request), filters=filters, grain=grain)
    return {
        "grain": grain,
        "from": filters.start.isoformat(),
        "to": filters.end.isoformat(),
        "points": [
            {"start": point.start.isoformat(), **_figures(point.figures)} for point in points
        ],
    }


# --- Rankings ---------------------------------------------------------------------------------


class RankingQuery(Schema):
    order: Order = Field(default="clicks", description="The figure rows are ranked by.")
    attribution: Attribution = Field(
        default="last_touch",
        description="How conversions are credited: `last_touch` (the rollups), or "
        "`first_touch`, `linear`, `time_decay` over each conversion's touches.",
    )
    page: int = Field(default=1, description="Page, from 1.")
    page_size: int = Field(default=50, description="Rows per page, 1 to 200.")


class RankingRowOut(FiguresOut):
    key: int | str | None = Field(
        description="The row's id: content, person, department or campaign id, or the "
        "network (`x`…); null for the row of people who chose not to appear, and for "
        "activity without a department or campaign."
    )
    label: str = Field(description="Title, name (as the person chose to appear), path…")
    named: bool = Field(
        description="False for the one row gathering advocates who chose not to appear."
    )
    potential_reach: int = Field(
        description="Followers of the row's advocates who shared, once per advocate and network."
    )
    active_advocates: int | None = Field(
        default=None, description="Departments only: advocates who shared in the period."
    )
    enrolled_advocates: int | None = Field(
        default=None, description="Departments only: advocates enrolled today."
    )
    participation_rate: float | None = Field(
        default=None, description="Departments only: active ÷ enrolled (0–1)."
    )


def _row(row: Row) -> dict[str, Any]:
    return {
        "key": row.key,
        "label": row.label,
        "named": row.named,
        **_figures(row.figures),
        "potential_reach": row.figures.potential_reach,
        "active_advocates": row.active_advocates,
        "enrolled_advocates": row.enrolled_advocates,
        "participation_rate": row.participation_rate,
    }


@router.get(
    "/analytics/rankings/{by}",
    response={200: Page[RankingRowOut], **error_responses(400, 401, 403, 422)},
    summary="Content, advocates, departments, networks or campaigns, ranked",
    description="Every row's figures over the period, best first by `order`, a page at a time "
    "(the same rows as the dashboards' tables). Advocates appear as each chose (by name, by "
    "nickname, or only inside the one row with `named: false`). Departments also carry their "
    "participation, and appear when nobody there shared. Managers get their own departments'. "
    "`400 invalid_filters` for a bad period or filter, `400 invalid_page` for a bad page.",
)
def rankings_api(
    request: HttpRequest,
    by: RankingBy,
    query: Query[PeriodQuery],
    options: Query[RankingQuery],
) -> dict[str, Any]:
    actor = request_actor(request)
    filters = filters_from(request, query)
    rows = RankedRows(
        actor=actor,
        filters=filters,
        dimension=DIMENSION_OF[by],
        order=options.order,
        attribution=options.attribution,
        labels=labels_for(actor),
    )
    return paginate(request, rows, serialize=_row)


# --- Exports ----------------------------------------------------------------------------------


class ExportQuery(Schema):
    format_: Literal["csv", "xlsx"] = Field(
        default="csv", alias="format", description="`csv` (UTF-8 with BOM) or `xlsx`."
    )
    order: Order = Field(default="clicks", description="Ranking tables: their order.")
    attribution: Attribution = Field(
        default="last_touch", description="Content, advocates and campaigns: the model."
    )
    grain: Grain | None = Field(default=None, description="The trend: its buckets.")


def _language(request: HttpRequest, actor: Actor) -> str:
    """Headers in the caller's language: as asked (cookie, Accept-Language), else the
    person's own, else the organization's."""
    if request.COOKIES.get("ouendan_language") or request.headers.get("Accept-Language"):
        return translation.get_language()
    person = actor.membership.user.language if actor.membership else ""
    return person or actor.organization.locale or translation.get_language()


@router.get(
    "/analytics/export/{table}",
    response=error_responses(400, 401, 403, 422),
    summary="A table of the dashboards as CSV or XLSX",
    description="The whole table (not a page of it) as a file named with its period, e.g. "
    "`ouendan-content-2026-10-01_2026-10-31.csv`: CSV in UTF-8 with a byte-order mark (Excel "
    "opens it), or XLSX. Headers are in the caller's language. Text cells that a spreadsheet "
    "would run as a formula (starting with `=`, `+`, `-` or `@`) are prefixed with `'` in CSV; "
    "in XLSX every text cell is written as a string. `400 invalid_filters` for a bad period "
    "or filter.",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file.",
                "content": {
                    CSV_TYPE: {"schema": {"type": "string"}},
                    XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def export_api(
    request: HttpRequest,
    table: ExportTable,
    query: Query[PeriodQuery],
    options: Query[ExportQuery],
) -> HttpResponse:
    actor = request_actor(request)
    filters = filters_from(request, query)
    with translation.override(_language(request, actor)):
        found = export_table(
            actor=actor,
            filters=filters,
            table=table,
            order=options.order,
            attribution=options.attribution,
            grain=options.grain,
        )
    return export_response(found, filters, options.format_)
