"""An organization's direct-posting rules and its OAuth apps at LinkedIn and X."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.accounts.permissions import Action, require
from ouendan.core.api import error_responses
from ouendan.core.errors import NotFound
from ouendan.integrations.models import NetworkApp, PostingSettings
from ouendan.integrations.selectors import network_apps, posting_settings_of
from ouendan.integrations.services.accounts import callback_url
from ouendan.integrations.services.settings import (
    PostingRules,
    network_app_remove,
    network_app_set,
    posting_settings_update,
)

router = Router(tags=["posting settings"])

DirectNetwork = Literal["bluesky", "mastodon", "linkedin", "x"]
AppNetwork = Literal["linkedin", "x"]


class PostingSettingsIO(Schema):
    networks: list[DirectNetwork] = Field(
        description="Networks people may connect for direct posting. X bills every post made "
        "through its API to the organization's developer account: leave it out to avoid that."
    )
    hours_start: time = Field(examples=["08:00"])
    hours_end: time = Field(examples=["21:00"])
    daily_cap: int = Field(description="Direct posts per person per day (1-50).")
    spread_minutes: int = Field(
        description="Colleagues' posts of the same item on the same network are kept at least "
        "this far apart (0-1440)."
    )


class AppOut(Schema):
    network: AppNetwork
    client_id: str
    has_secret: bool
    redirect_uri: str = Field(description="Register this callback at the network.")
    updated_at: datetime


class AppIn(Schema):
    client_id: str = Field(max_length=255)
    client_secret: str = Field(
        default="", max_length=500, description="Empty keeps the stored secret. Never returned."
    )


def settings_out(found: PostingSettings) -> dict[str, Any]:
    return {
        "networks": found.networks,
        "hours_start": found.hours_start,
        "hours_end": found.hours_end,
        "daily_cap": found.daily_cap,
        "spread_minutes": found.spread_minutes,
    }


def app_out(app: NetworkApp) -> dict[str, Any]:
    return {
        "network": app.network,
        "client_id": app.client_id,
        "has_secret": bool(app.client_secret),
        "redirect_uri": callback_url(app.network),
        "updated_at": app.updated_at,
    }


@router.get(
    "/posting-settings",
    response={200: PostingSettingsIO, **error_responses(401, 403)},
    summary="How direct posting works in your organization",
    description="Program managers and org admins.",
)
def posting_settings_api(request: HttpRequest) -> dict[str, Any]:
    actor = request_actor(request)
    require(actor, Action.POSTING_MANAGE)
    return settings_out(posting_settings_of(actor.organization))


@router.put(
    "/posting-settings",
    response={200: PostingSettingsIO, **error_responses(400, 401, 403, 422)},
    summary="Change the sharing hours, the daily cap, the spread and the networks",
)
def posting_settings_update_api(request: HttpRequest, payload: PostingSettingsIO) -> dict[str, Any]:
    found = posting_settings_update(
        actor=request_actor(request),
        rules=PostingRules(
            networks=list(payload.networks),
            hours_start=payload.hours_start,
            hours_end=payload.hours_end,
            daily_cap=payload.daily_cap,
            spread_minutes=payload.spread_minutes,
        ),
    )
    return settings_out(found)


@router.get(
    "/network-apps",
    response={200: list[AppOut], **error_responses(401, 403)},
    summary="Your organization's apps at LinkedIn and X",
    description="Org admins. Secrets are never returned.",
)
def network_apps_api(request: HttpRequest) -> list[dict[str, Any]]:
    return [app_out(app) for app in network_apps(actor=request_actor(request)).values()]


@router.put(
    "/network-apps/{network}",
    response={200: AppOut, **error_responses(400, 401, 403, 422)},
    summary="Set your organization's app at LinkedIn or X",
)
def network_app_set_api(
    request: HttpRequest, network: AppNetwork, payload: AppIn
) -> dict[str, Any]:
    app = network_app_set(
        actor=request_actor(request),
        network=network,
        client_id=payload.client_id,
        client_secret=payload.client_secret,
    )
    return app_out(app)


@router.delete(
    "/network-apps/{network}",
    response={204: None, **error_responses(401, 403, 404)},
    summary="Remove your organization's app at LinkedIn or X",
    description="Without the app, tokens can be neither refreshed nor revoked: everyone's "
    "connection to that network is closed now (revoked at the network, waiting posts "
    "cancelled) and people can no longer connect it.",
)
def network_app_remove_api(request: HttpRequest, network: AppNetwork) -> Status[None]:
    if network_app_remove(actor=request_actor(request), network=network) is None:
        raise NotFound(_("No app is set for that network."))
    return Status(204, None)
