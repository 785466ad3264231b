"""Campaigns over the API: a name, dates, a goal, and simple progress."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from ouendan.accounts.api_auth import request_actor
from ouendan.accounts.permissions import Actor
from ouendan.content.api.schemas import (
    CampaignIn,
    CampaignOut,
    CampaignUpdateIn,
    progress_out,
)
from ouendan.content.models import Campaign
from ouendan.content.selectors import (
    CampaignProgress,
    campaign_get,
    campaign_progress,
    campaigns_list,
    campaigns_progress,
)
from ouendan.content.services.campaigns import (
    CampaignData,
    campaign_archive,
    campaign_create,
    campaign_update,
)
from ouendan.core.api import Page, error_responses, paginate

router = Router(tags=["campaigns"])

READ_ERRORS = error_responses(400, 401, 403)
ONE_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)


def _campaign_out(campaign: Campaign, progress: CampaignProgress | None = None) -> dict[str, Any]:
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "slug": campaign.slug,
        "description": campaign.description,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "goal": campaign.goal,
        "goal_target": campaign.goal_target,
        "archived": campaign.archived_at is not None,
        "progress": progress_out(progress or campaign_progress(campaign)),
        "created_at": campaign.created_at,
        "updated_at": campaign.updated_at,
    }


def _one_campaign(actor: Actor, campaign_id: int) -> dict[str, Any]:
    return _campaign_out(campaign_get(actor=actor, campaign_id=campaign_id))


@router.get(
    "/campaigns",
    response={200: Page[CampaignOut], **READ_ERRORS},
    summary="List campaigns",
    tags=["campaigns"],
)
def campaigns_list_api(request: HttpRequest, include_archived: bool = False) -> dict[str, Any]:
    campaigns = campaigns_list(actor=request_actor(request), include_archived=include_archived)
    page = paginate(request, campaigns)
    page["items"] = [_campaign_out(c, p) for c, p in campaigns_progress(page["items"])]
    return page


@router.post(
    "/campaigns",
    response={201: CampaignOut, **WRITE_ERRORS},
    summary="Start a campaign",
    description="Errors: `400 invalid` (empty name, last day before the first, bad code), "
    "`409 conflict` (name or code in use).",
    tags=["campaigns"],
)
def campaigns_create_api(request: HttpRequest, payload: CampaignIn) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    campaign = campaign_create(actor=actor, data=CampaignData(**payload.model_dump()))
    return Status(201, _one_campaign(actor, campaign.pk))


@router.get(
    "/campaigns/{int:campaign_id}",
    response={200: CampaignOut, **ONE_ERRORS},
    summary="One campaign with its progress",
    tags=["campaigns"],
)
def campaigns_get_api(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    return _one_campaign(request_actor(request), campaign_id)


@router.patch(
    "/campaigns/{int:campaign_id}",
    response={200: CampaignOut, **WRITE_ERRORS},
    summary="Change, close or reopen a campaign",
    tags=["campaigns"],
)
def campaigns_update_api(
    request: HttpRequest, campaign_id: int, payload: CampaignUpdateIn
) -> dict[str, Any]:
    actor = request_actor(request)
    sent = payload.model_fields_set
    fields = payload.model_dump(exclude={"archived"})
    campaign_update(
        actor=actor,
        campaign_id=campaign_id,
        data=CampaignData(
            **fields,
            clear=frozenset(
                name
                for name in ("starts_on", "ends_on", "goal_target")
                if name in sent and fields[name] is None
            ),
        ),
    )
    if payload.archived is not None:
        campaign_archive(actor=actor, campaign_id=campaign_id, archived=payload.archived)
    return _one_campaign(actor, campaign_id)
