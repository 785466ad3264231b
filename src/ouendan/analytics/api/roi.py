"""The ROI calculator over the API: ``GET /analytics/roi`` — cost against value for a period,
with every assumption it used."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.analytics.api.summary import PeriodQuery, filters_from
from ouendan.analytics.selectors.roi import roi_for
from ouendan.core.api import error_responses

router = Router(tags=["analytics"])


class RoiQuery(Schema):
    from_: str | None = Field(
        default=None,
        alias="from",
        description="First day (`YYYY-MM-DD`). Default: 29 days before `to`.",
    )
    to: str | None = Field(default=None, description="Last day, included. Default: today.")
    department: int | None = Field(
        default=None,
        description="Only this department and those below it: the program's cost is then "
        "shared by enrolled advocates.",
    )


class CostOut(Schema):
    licences: float
    staff: float = Field(description="Staff hours × the cost of an hour.")
    rewards: float
    total: float


class ConversionValueOut(Schema):
    type: str = Field(description="The conversion type's key.")
    label: str
    count: int
    value_each: float | None = Field(
        description="What one is worth, as set; null: the reported values count."
    )
    reported_value: float = Field(description="Values reported with the conversions, added up.")
    value: float
    basis: Literal["assumed", "reported"]


class ValueOut(Schema):
    emv: float = Field(description="Earned media value, from the rates in `assumptions`.")
    conversions: float = Field(description="The conversions' value (see `conversions`).")
    total: float


class RateUsedOut(Schema):
    cpm: float
    cpc: float
    reaction_weight: float
    is_default: bool


class AssumptionsOut(Schema):
    months: float = Field(
        description="Calendar months the period covers, prorated by days (April 16–30: 0.5)."
    )
    licence_cost_per_month: float
    staff_hours_per_month: float
    hourly_cost: float
    rewards_cost_per_month: float
    cost_share: float = Field(
        description="The part of the program's cost the figures bear: 1 for the whole "
        "organization, else enrolled advocates in scope ÷ all enrolled advocates."
    )
    enrolled_advocates_in_scope: int
    enrolled_advocates: int
    rates: dict[str, RateUsedOut] = Field(description="Earned-media rates per network.")


class FiguresOut(Schema):
    shares: int
    clicks: int
    reactions: int
    impressions: int


class RoiOut(Schema):
    from_: dt.date = Field(alias="from")
    to: dt.date
    currency: str
    cost: CostOut
    value: ValueOut
    net: float = Field(description="Value − cost.")
    roi: float | None = Field(
        description="(value − cost) ÷ cost: 1.5 means 150 %. null while no cost is set."
    )
    conversions: list[ConversionValueOut]
    figures: FiguresOut = Field(description="What the earned media value was computed from.")
    assumptions: AssumptionsOut


@router.get(
    "/analytics/roi",
    response={200: RoiOut, **error_responses(400, 401, 403)},
    summary="Return on investment for a period",
    description="Cost: licences, staff hours × hourly cost and rewards, set per month in "
    "`/analytics/settings` and prorated by days. Value: earned media value plus conversions, "
    "each type counted × what one is worth (or its reported values). Managers get their "
    "departments' share. `400 invalid_filters` for a bad period or department.",
    by_alias=True,
)
def roi_api(request: HttpRequest, query: Query[RoiQuery]) -> dict[str, Any]:
    filters = filters_from(
        request,
        PeriodQuery.model_validate(
            {"from": query.from_, "to": query.to, "department": query.department}
        ),
    )
    roi = roi_for(actor=request_actor(request), filters=filters)
    return {
        "from": roi.start,
        "to": roi.end,
        "currency": roi.currency,
        "cost": {
            "licences": float(roi.licence_cost),
            "staff": float(roi.staff_cost),
            "rewards": float(roi.rewards_cost),
            "total": float(roi.cost),
        },
        "value": {
            "emv": float(roi.emv),
            "conversions": float(roi.conversion_value),
            "total": float(roi.value),
        },
        "net": float(roi.net),
        "roi": None if roi.roi is None else float(roi.roi),
        "conversions": [
            {
                "type": c.key,
                "label": c.label,
                "count": c.count,
                "value_each": None if c.each is None else float(c.each),
                "reported_value": float(c.reported),
                "value": float(c.value),
                "basis": c.basis,
            }
            for c in roi.conversions
        ],
        "figures": {
            "shares": roi.figures.shares,
            "clicks": roi.figures.clicks,
            "reactions": roi.figures.reactions,
            "impressions": roi.figures.impressions,
        },
        "assumptions": {
            "months": float(roi.months),
            "licence_cost_per_month": float(roi.licence_cost_per_month),
            "staff_hours_per_month": float(roi.staff_hours_per_month),
            "hourly_cost": float(roi.hourly_cost),
            "rewards_cost_per_month": float(roi.rewards_cost_per_month),
            "cost_share": float(roi.cost_share),
            "enrolled_advocates_in_scope": roi.enrolled_in_scope,
            "enrolled_advocates": roi.enrolled_total,
            "rates": {
                r.network: {
                    "cpm": float(r.rate.cpm),
                    "cpc": float(r.rate.cpc),
                    "reaction_weight": float(r.rate.reaction_weight),
                    "is_default": r.is_default,
                }
                for r in roi.rates
            },
        },
    }
