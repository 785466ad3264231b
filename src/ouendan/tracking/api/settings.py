"""Conversion types and the tracking settings over the API (program managers, org admins)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.accounts.permissions import Action, require
from ouendan.core.api import Page, error_responses, paginate
from ouendan.tracking.models import AttributionModel, ConversionType, TrackingSettings
from ouendan.tracking.selectors import conversion_types_list, tracking_settings_of
from ouendan.tracking.services.settings import (
    ORIGINS_MAX,
    TrackingRules,
    conversion_type_create,
    conversion_type_update,
    signing_secret_rotate,
    tracking_settings_update,
)
from ouendan.tracking.snippet import snippet_url

router = Router(tags=["conversion settings"])

Model = AttributionModel  # the enum, for the schemas


class ConversionTypeOut(Schema):
    id: int
    key: str = Field(description="What the site sends as `type`.")
    label: str = Field(description="In the caller's language for built-in types.")
    built_in: bool
    default_value: Decimal
    active: bool
    position: int


class ConversionTypeIn(Schema):
    key: str = Field(
        min_length=1,
        max_length=40,
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        description="Lower-case letters, digits, `-` and `_`.",
        examples=["event_entry"],
    )
    label: str = Field(min_length=1, max_length=80, examples=["説明会予約"])
    default_value: Decimal = Field(default=Decimal(0), ge=0, max_digits=14, decimal_places=2)
    active: bool = True


class ConversionTypePatch(Schema):
    label: str | None = Field(
        default=None,
        max_length=80,
        description="A built-in type's label may be replaced; empty returns to the built-in one.",
    )
    default_value: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    active: bool | None = Field(default=None, description="Inactive types accept no conversions.")
    position: int | None = Field(default=None, ge=0, le=1000)


class TrackingSettingsIn(Schema):
    attribution_window_days: int = Field(
        ge=1, le=365, description="A conversion counts for clicks at most this many days old."
    )
    default_model: Model = Field(description="The attribution model figures use by default.")
    half_life_days: int = Field(ge=1, le=365, description="Time decay: the half-life in days.")
    allowed_origins: list[str] = Field(
        default=[],
        max_length=ORIGINS_MAX,
        description="Origins (`https://careers.example.co.jp`) the snippet may report from; "
        "empty: any.",
    )


class TrackingSettingsOut(TrackingSettingsIn):
    signing_secret_set: bool
    signing_secret_created_at: datetime | None
    snippet_url: str = Field(description="The script tag's `src` for your site.")


class SigningSecretOut(Schema):
    signing_secret: str = Field(description="Shown only in this response; stored encrypted.")
    created_at: datetime


def type_out(found: ConversionType) -> dict[str, Any]:
    return {
        "id": found.pk,
        "key": found.key,
        "label": found.display_label,
        "built_in": found.built_in,
        "default_value": found.default_value,
        "active": found.active,
        "position": found.position,
    }


def settings_out(found: TrackingSettings) -> dict[str, Any]:
    return {
        "attribution_window_days": found.attribution_window_days,
        "default_model": found.default_model,
        "half_life_days": found.half_life_days,
        "allowed_origins": list(found.allowed_origins),
        "signing_secret_set": bool(found.signing_secret),
        "signing_secret_created_at": found.signing_secret_created_at,
        "snippet_url": snippet_url(found.organization),
    }


@router.get(
    "/conversion-types",
    response={200: Page[ConversionTypeOut], **error_responses(400, 401, 403)},
    summary="List the conversion types",
    description="The five built in (`application` 応募, `lead` 資料請求, `inquiry` 問い合わせ, "
    "`sign_up`, `purchase`) and your own, in order. Program managers and org admins.",
)
def conversion_types_api(request: HttpRequest) -> dict[str, Any]:
    found = conversion_types_list(actor=request_actor(request))
    return paginate(request, found, serialize=type_out)


@router.post(
    "/conversion-types",
    response={201: ConversionTypeOut, **error_responses(400, 401, 403, 409, 422)},
    summary="Add a conversion type",
    description="Errors: `409 conversion_type_exists` (the key is taken), `400 invalid`.",
)
def conversion_type_create_api(request: HttpRequest, payload: ConversionTypeIn) -> Status[dict]:
    found = conversion_type_create(
        actor=request_actor(request),
        key=payload.key,
        label=payload.label,
        default_value=payload.default_value,
        active=payload.active,
    )
    return Status(201, type_out(found))


@router.patch(
    "/conversion-types/{conversion_type_id}",
    response={200: ConversionTypeOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Change a conversion type",
    description="Change its label, default value, order, or switch it off (types are never "
    "deleted: their conversions stay counted). Another organization's type: `404 not_found`.",
)
def conversion_type_update_api(
    request: HttpRequest, conversion_type_id: int, payload: ConversionTypePatch
) -> dict[str, Any]:
    found = conversion_type_update(
        actor=request_actor(request),
        conversion_type_id=conversion_type_id,
        label=payload.label,
        default_value=payload.default_value,
        active=payload.active,
        position=payload.position,
    )
    return type_out(found)


@router.get(
    "/tracking-settings",
    response={200: TrackingSettingsOut, **error_responses(401, 403)},
    summary="The attribution settings",
    description="Program managers and org admins. The signing secret itself is never returned.",
)
def tracking_settings_api(request: HttpRequest) -> dict[str, Any]:
    actor = request_actor(request)
    require(actor, Action.CONVERSIONS_MANAGE)
    return settings_out(tracking_settings_of(actor.organization))


@router.put(
    "/tracking-settings",
    response={200: TrackingSettingsOut, **error_responses(400, 401, 403, 422)},
    summary="Change the attribution settings",
    description="The window (1-365 days), the default model (`last_touch`, `first_touch`, "
    "`linear`, `time_decay`), the time-decay half-life (1-365 days) and the origins the snippet "
    "may report from (at most 20; `400 invalid` names any that is not an origin).",
)
def tracking_settings_update_api(
    request: HttpRequest, payload: TrackingSettingsIn
) -> dict[str, Any]:
    found = tracking_settings_update(
        actor=request_actor(request),
        rules=TrackingRules(
            attribution_window_days=payload.attribution_window_days,
            default_model=payload.default_model,
            half_life_days=payload.half_life_days,
            allowed_origins=list(payload.allowed_origins),
        ),
    )
    return settings_out(found)


@router.post(
    "/tracking-settings/signing-secret",
    response={201: SigningSecretOut, **error_responses(401, 403)},
    summary="Make a new signing secret",
    description="For signed conversion reports (`X-Ouendan-Signature`). The secret is in this "
    "response only; the previous one stops working at once.",
)
def signing_secret_rotate_api(request: HttpRequest) -> Status[dict]:
    found, secret = signing_secret_rotate(actor=request_actor(request))
    return Status(201, {"signing_secret": secret, "created_at": found.signing_secret_created_at})
