"""The program's figures over the API: ``GET /api/v1/analytics/summary`` (public contract)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.accounts.permissions import Actor
from ouendan.analytics.selectors import Filters, filters_for, summary
from ouendan.core.api import error_responses
from ouendan.core.errors import DomainError

router = Router(tags=["analytics"])


class PeriodQuery(Schema):
    """The period and filters every analytics route takes."""

    from_: str | None = Field(
        default=None,
        alias="from",
        description="First day (`YYYY-MM-DD`, or an ISO 8601 time: its day in the organization's "
        "time zone). Default: 29 days before `to`.",
    )
    to: str | None = Field(default=None, description="Last day, included. Default: today.")
    department: int | None = Field(
        default=None, description="Only this department and those below it."
    )
    network: str = Field(default="", description="Only this network (`x`, `linkedin`, …).")
    campaign: int | None = Field(default=None, description="Only content of this campaign.")


def _day(actor: Actor, value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise DomainError(
            _("Check the period and filters."),
            code="invalid_filters",
            fields={name: [_("Give a date as YYYY-MM-DD.")]},
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(actor.organization.time_zone))
    return moment.astimezone(ZoneInfo(actor.organization.time_zone)).date()


def filters_from(request: HttpRequest, query: PeriodQuery) -> Filters:
    return filters_of(request_actor(request), query)


def filters_of(actor: Actor, query: PeriodQuery) -> Filters:
    """The period and filters asked, scoped to the actor (the pages' query strings too)."""
    return filters_for(
        actor=actor,
        start=_day(actor, query.from_, "from"),
        end=_day(actor, query.to, "to"),
        department_id=query.department,
        network=query.network,
        campaign_id=query.campaign,
    )


class SummaryOut(Schema):
    shares: int = Field(description="Shares made in the period.")
    clicks: int = Field(description="Human clicks (crawlers, previews and self-clicks left out).")
    unique_clicks: int = Field(description="First human click per visitor, link and day.")
    conversions: int = Field(description="Conversions in the period (last touch).")
    conversion_value: float = Field(description="Their reported value, added up.")
    emv: float = Field(description="Earned media value, in the organization's currency.")
    potential_reach: int = Field(
        description="Followers of the advocates who shared, once per advocate and network."
    )
    participation_rate: float = Field(
        description="Advocates who shared in the period ÷ enrolled advocates (0–1)."
    )
    active_advocates: int
    enrolled_advocates: int


@router.get(
    "/analytics/summary",
    response={200: SummaryOut, **error_responses(400, 401, 403)},
    summary="The program's figures for a period",
    description="Default period: the last 30 days up to today, in the organization's time zone. "
    "Read from the rollups the worker keeps (a minute behind raw events at most). Managers get "
    "their own departments' figures; `400 invalid_filters` for a bad period or filter.",
)
def summary_api(request: HttpRequest, query: Query[PeriodQuery]) -> dict[str, Any]:
    figures = summary(actor=request_actor(request), filters=filters_from(request, query))
    return {
        "shares": figures.shares,
        "clicks": figures.clicks,
        "unique_clicks": figures.unique_clicks,
        "conversions": int(figures.conversions),
        "conversion_value": float(figures.conversion_value),
        "emv": float(figures.emv),
        "potential_reach": figures.potential_reach,
        "participation_rate": figures.participation_rate,
        "active_advocates": figures.active_advocates,
        "enrolled_advocates": figures.enrolled_advocates,
    }
