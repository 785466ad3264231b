"""Shares over the API: share an item (the same checks as the share page), see its clicks."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.core.api import Page, error_responses, paginate
from ouendan.governance.api.compliance import FindingOut, scan_out
from ouendan.networks import Network
from ouendan.sharing.models import Share
from ouendan.sharing.selectors import share_get, shares_mine
from ouendan.sharing.services.metrics import COUNT_MAX, Reactions, share_metrics_enter
from ouendan.sharing.services.shares import TEXT_MAX, share_confirm, share_create
from ouendan.sharing.views.common import sharer_of
from ouendan.tracking.links import tracked_url

router = Router(tags=["shares"])


class ShareIn(Schema):
    network: Network
    text: str | None = Field(
        default=None,
        max_length=TEXT_MAX,
        description="Your words; omitted: the suggested text for this network (the variant "
        "colleagues are least likely to be posting now). The tracked link is added, and the "
        "disclosure marker where the content needs one.",
    )
    instance: str = Field(
        default="",
        max_length=300,
        description="Mastodon only: your server (e.g. `mastodon.social`); remembered.",
    )


class ShareCreatedOut(Schema):
    id: int
    tracked_url: str = Field(description="Your personal short link, e.g. `…/r/Ab3dEf7h`.")
    intent_url: str = Field(description="Opens the network's own composer with the text.")
    text: str = Field(description="The post as it will read: disclosure and link included.")
    verdict: Literal["pass", "warn"]
    findings: list[FindingOut]
    copy_text: bool = Field(
        description="The network takes no text from a link (Facebook, Instagram): copy `text` "
        "and paste it."
    )


class MetricsOut(Schema):
    likes: int
    reposts: int
    replies: int = Field(description="Comments and replies.")
    impressions: int | None
    source: Literal["synced", "manual"]
    updated_at: datetime


class MetricsIn(Schema):
    likes: int = Field(ge=0, le=COUNT_MAX)
    reposts: int = Field(default=0, ge=0, le=COUNT_MAX)
    replies: int = Field(default=0, ge=0, le=COUNT_MAX)
    impressions: int | None = Field(default=None, ge=0, le=COUNT_MAX)


class ShareOut(Schema):
    id: int
    content_id: int
    content_title: str
    network: Network
    variant_id: int | None
    text: str
    edited: bool = Field(description="You changed the suggested text.")
    tracked_url: str
    intent_url: str
    status: Literal["opened", "posted"] = Field(
        description="`opened` until you confirm it or a human click arrives."
    )
    verdict: Literal["pass", "warn"]
    created_at: datetime
    confirmed_at: datetime | None
    clicks: int = Field(description="Human clicks, your own excluded.")
    unique_clicks: int = Field(description="First human click per visitor per day.")
    bot_hits: int = Field(description="Crawlers, link previews, HEAD and prefetch requests.")
    last_click_at: datetime | None
    method: Literal["intent", "direct"] = Field(
        description="`intent`: through the network's share button; `direct`: posted by Ouendan "
        "through a connected account."
    )
    metrics: MetricsOut | None = Field(
        description="Likes, reposts and comments: from the network (`synced`) or entered by you."
    )
    reach: int | None = Field(
        description="Potential reach: your follower count on this network known when you "
        "shared (`GET /me/audience`); `null` when it was not known."
    )


class SharesFilter(Schema):
    network: Network | None = None


def share_out(share: Share) -> dict[str, Any]:
    link = share.link
    return {
        "id": share.pk,
        "content_id": share.content_id,
        "content_title": share.content.title,
        "network": share.network,
        "variant_id": share.variant_id,
        "text": share.text,
        "edited": share.edited,
        "tracked_url": tracked_url(link.code),
        "intent_url": share.intent_url,
        "status": share.status,
        "verdict": share.verdict,
        "created_at": share.created_at,
        "confirmed_at": share.confirmed_at,
        "clicks": link.clicks,
        "unique_clicks": link.unique_clicks,
        "bot_hits": link.bot_hits,
        "last_click_at": link.last_click_at,
        "method": share.method,
        "metrics": metrics_out(share),
        "reach": share.reach,
    }


def metrics_out(share: Share) -> dict[str, Any] | None:
    metrics = getattr(share, "metrics", None)
    if metrics is None:
        return None
    return {
        "likes": metrics.likes,
        "reposts": metrics.reposts,
        "replies": metrics.replies,
        "impressions": metrics.impressions,
        "source": metrics.source,
        "updated_at": metrics.updated_at,
    }


@router.post(
    "/content/{int:content_id}/shares",
    response={201: ShareCreatedOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Share an item of your feed on a network",
    description="Checks, in order: the item is live and meant for you (`404`), sharing is not "
    "paused (`409 paused`), you acknowledged the current policy (`409 "
    "policy_not_acknowledged`), Mastodon's server (`400 instance_required`); then the final "
    "text is scanned: `422 compliance_blocked` (with `error.findings`, nothing stored) or "
    "`201` with `verdict` `pass`/`warn`. Sharing the same item to the same network again "
    "before it is posted returns the same share and link.",
)
def share_create_api(
    request: HttpRequest, content_id: int, payload: ShareIn
) -> Status[dict[str, Any]]:
    result = share_create(
        actor=request_actor(request),
        content_id=content_id,
        network=payload.network,
        text=payload.text,
        instance=payload.instance,
        sharer=sharer_of(request),
    )
    share = result.share
    return Status(
        201,
        {
            "id": share.pk,
            "tracked_url": result.tracked_url,
            "intent_url": share.intent_url,
            "text": share.text,
            **scan_out(result.scan),
            "copy_text": share.network in (Network.FACEBOOK, Network.INSTAGRAM),
        },
    )


@router.get(
    "/shares",
    response={200: Page[ShareOut], **error_responses(400, 401, 403)},
    summary="Your shares, newest first",
)
def shares_api(request: HttpRequest, filters: Query[SharesFilter]) -> dict[str, Any]:
    shares = shares_mine(actor=request_actor(request), network=filters.network or "")
    return paginate(request, shares, default_size=20, serialize=share_out)


@router.get(
    "/shares/{int:share_id}",
    response={200: ShareOut, **error_responses(400, 401, 403, 404)},
    summary="One of your shares, with its clicks",
    description="Counters are updated by the worker every minute from the raw clicks.",
)
def share_get_api(request: HttpRequest, share_id: int) -> dict[str, Any]:
    return share_out(share_get(actor=request_actor(request), share_id=share_id))


@router.post(
    "/shares/{int:share_id}/confirm",
    response={200: ShareOut, **error_responses(400, 401, 403, 404)},
    summary="Say you posted it",
)
def share_confirm_api(request: HttpRequest, share_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    share_confirm(actor=actor, share_id=share_id)
    return share_out(share_get(actor=actor, share_id=share_id))


@router.put(
    "/shares/{int:share_id}/metrics",
    response={200: ShareOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Enter the likes, reposts and comments your share got",
    description="For networks whose numbers Ouendan cannot read. `409 metrics_synced` when "
    "the network reports them itself.",
)
def share_metrics_api(request: HttpRequest, share_id: int, payload: MetricsIn) -> dict[str, Any]:
    actor = request_actor(request)
    share_metrics_enter(
        actor=actor,
        share_id=share_id,
        reactions=Reactions(
            likes=payload.likes,
            reposts=payload.reposts,
            replies=payload.replies,
            impressions=payload.impressions,
        ),
    )
    return share_out(share_get(actor=actor, share_id=share_id))
