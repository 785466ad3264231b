"""The program's analytics settings over the API: ``/analytics/settings`` — the currency, the
earned-media rates per network and the ROI assumptions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.accounts.permissions import Actor
from ouendan.analytics.metrics import Rate
from ouendan.analytics.selectors.roi import (
    analytics_settings_get,
    conversion_type_choices,
    rate_rows,
)
from ouendan.analytics.services.settings import SettingsChanges, analytics_settings_update
from ouendan.core.api import error_responses

router = Router(tags=["analytics"])


class RateIO(Schema):
    cpm: float = Field(description="What 1,000 impressions would cost in advertising.")
    cpc: float = Field(description="What one click would cost.")
    reaction_weight: float = Field(
        description="How many clicks one reaction (like, repost, comment) is worth (0–10)."
    )


class RateOut(RateIO):
    is_default: bool = Field(description="true: Ouendan's default, the program has set none.")
    default: RateIO


class ConversionTypeOut(Schema):
    key: str
    label: str


class RoiAssumptionsOut(Schema):
    licence_cost: float = Field(description="Licences and hosting per month.")
    staff_hours: float = Field(description="Staff hours the program takes per month.")
    hourly_cost: float = Field(description="What one staff hour costs.")
    rewards_cost: float = Field(description="Rewards for advocates per month.")
    conversion_values: dict[str, float] = Field(
        description="Conversion type key → what one is worth. A type left out counts the values "
        "reported with its conversions."
    )


class SettingsOut(Schema):
    currency: str = Field(description="ISO 4217 code of every value (default `JPY`).")
    fiscal_year_start: int = Field(
        description="The fiscal year's first month (1–12, default 4: April); quarters follow it."
    )
    rates: dict[str, RateOut] = Field(description="Per network (`x`, `linkedin`, …).")
    roi: RoiAssumptionsOut
    conversion_types: list[ConversionTypeOut] = Field(
        description="The keys `roi.conversion_values` takes."
    )


class RoiAssumptionsIn(Schema):
    licence_cost: float | None = None
    staff_hours: float | None = None
    hourly_cost: float | None = None
    rewards_cost: float | None = None
    conversion_values: dict[str, float | None] = Field(
        default_factory=dict,
        description="Type key → what one is worth; null: count the reported values instead. "
        "Types left out stay as they are.",
    )


class SettingsIn(Schema):
    currency: str | None = Field(default=None, examples=["JPY"])
    fiscal_year_start: int | None = Field(default=None, examples=[4])
    rates: dict[str, RateIO | None] = Field(
        default_factory=dict,
        description="Network → its rates; null: back to the default. Networks left out stay "
        "as they are.",
    )
    roi: RoiAssumptionsIn | None = None


def _rate(rate: Rate) -> dict[str, float]:
    return {
        "cpm": float(rate.cpm),
        "cpc": float(rate.cpc),
        "reaction_weight": float(rate.reaction_weight),
    }


def settings_out(actor: Actor) -> dict[str, Any]:
    settings = analytics_settings_get(actor=actor)
    return {
        "currency": settings.currency,
        "fiscal_year_start": settings.fiscal_year_start,
        "rates": {
            row.network: {
                **_rate(row.rate),
                "is_default": row.is_default,
                "default": _rate(row.default),
            }
            for row in rate_rows(actor=actor)
        },
        "roi": {
            "licence_cost": float(settings.licence_cost),
            "staff_hours": float(settings.staff_hours),
            "hourly_cost": float(settings.hourly_cost),
            "rewards_cost": float(settings.rewards_cost),
            "conversion_values": {
                key: float(value) for key, value in (settings.conversion_values or {}).items()
            },
        },
        "conversion_types": [
            {"key": key, "label": label} for key, label in conversion_type_choices(actor=actor)
        ],
    }


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@router.get(
    "/analytics/settings",
    response={200: SettingsOut, **error_responses(401, 403)},
    summary="The currency, earned-media rates and ROI assumptions",
    description="Everyone who reads analytics (`analytics.view`). A network without rates of "
    "the program's own shows Ouendan's defaults (`is_default`).",
)
def settings_api(request: HttpRequest) -> dict[str, Any]:
    return settings_out(request_actor(request))


@router.put(
    "/analytics/settings",
    response={200: SettingsOut, **error_responses(400, 401, 403, 422)},
    summary="Change the currency, earned-media rates or ROI assumptions",
    description="Program managers and org admins. Only what is sent changes; all of it or "
    "nothing: `400 invalid` with `fields` naming each bad value (`currency`, "
    "`rates.x.cpm`, `licence_cost`, `conversion_values.application`…): an unknown currency, "
    "network or conversion type, a negative number or one above its maximum. Audited as "
    "`analytics.settings_updated`.",
)
def settings_update_api(request: HttpRequest, payload: SettingsIn) -> dict[str, Any]:
    actor = request_actor(request)
    roi = payload.roi or RoiAssumptionsIn()
    analytics_settings_update(
        actor=actor,
        changes=SettingsChanges(
            currency=payload.currency,
            fiscal_year_start=payload.fiscal_year_start,
            rates={
                network: None
                if rate is None
                else Rate(
                    Decimal(str(rate.cpm)),
                    Decimal(str(rate.cpc)),
                    Decimal(str(rate.reaction_weight)),
                )
                for network, rate in payload.rates.items()
            },
            licence_cost=_decimal(roi.licence_cost),
            staff_hours=_decimal(roi.staff_hours),
            hourly_cost=_decimal(roi.hourly_cost),
            rewards_cost=_decimal(roi.rewards_cost),
            conversion_values={
                key: _decimal(value) for key, value in roi.conversion_values.items()
            },
        ),
    )
    return settings_out(actor)
