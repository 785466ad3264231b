"""Posts Ouendan publishes through your connected accounts: schedule (now or later), see,
reschedule, cancel, try again; a suggested time."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.core.api import Page, error_responses, paginate
from ouendan.governance.api.compliance import FindingOut
from ouendan.integrations.models import ScheduledPost
from ouendan.integrations.selectors import post_get, posts_mine
from ouendan.integrations.services.publishing import (
    post_cancel,
    post_reschedule,
    post_retry,
    post_schedule,
    posting_time_suggest,
)
from ouendan.sharing.services.shares import TEXT_MAX
from ouendan.sharing.views.common import sharer_of
from ouendan.tracking.links import tracked_url

router = Router(tags=["scheduled posts"])

DirectNetwork = Literal["bluesky", "mastodon", "linkedin", "x"]
StateName = Literal["scheduled", "publishing", "published", "failed", "held", "cancelled"]


class PostIn(Schema):
    content_id: int
    network: DirectNetwork
    text: str | None = Field(
        default=None,
        max_length=TEXT_MAX,
        description="Your words (omitted: the suggested text). Checked like a share: the "
        "disclosure marker and your tracked link are added, and the scanner reads it.",
    )
    at: datetime | None = Field(
        default=None,
        description="When to post (omitted: now). Moved into the organization's sharing hours "
        "and away from colleagues' posts of the same item; `notes` say so.",
    )


class PostOut(Schema):
    id: int
    content_id: int
    content_title: str
    network: DirectNetwork
    account: str = Field(description="The handle it is posted as.")
    text: str
    state: StateName
    scheduled_for: datetime
    next_attempt_at: datetime
    attempts: int
    published_at: datetime | None
    remote_url: str = Field(description="The post at the network, once published.")
    error_code: str
    error_message: str = Field(description="The network's reason, when it failed.")
    uncertain: bool = Field(
        description="An attempt may have reached the network unanswered: before trying again, "
        "check whether the post is on your profile."
    )
    share_id: int | None
    tracked_url: str


class ScheduledOut(PostOut):
    notes: list[str] = Field(description="Why the time differs from the one asked for.")
    findings: list[FindingOut] = Field(description="The scanner's warnings on the text.")


class RescheduleIn(Schema):
    at: datetime


class RetryIn(Schema):
    checked: bool = Field(
        default=False,
        description="Required when `uncertain`: you checked that the post is not on your profile.",
    )


class PostsFilter(Schema):
    tab: Literal["upcoming", "published", "failed", "cancelled"] | None = None


class SuggestFilter(Schema):
    content_id: int
    network: DirectNetwork


class SuggestOut(Schema):
    at: datetime
    notes: list[str]


def post_out(post: ScheduledPost) -> dict[str, Any]:
    link = getattr(post.share, "link", None) if post.share_id else None
    return {
        "id": post.pk,
        "content_id": post.content_id,
        "content_title": post.content.title,
        "network": post.network,
        "account": post.account.handle,
        "text": post.text,
        "state": post.state,
        "scheduled_for": post.scheduled_for,
        "next_attempt_at": post.next_attempt_at,
        "attempts": post.attempts,
        "published_at": post.published_at,
        "remote_url": post.remote_url,
        "error_code": post.error_code,
        "error_message": post.error_message,
        "uncertain": post.uncertain,
        "share_id": post.share_id,
        "tracked_url": tracked_url(link.code) if link is not None else "",
    }


@router.post(
    "/scheduled-posts",
    response={201: ScheduledOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Let Ouendan post an item for you, now or later",
    description="Through your connected account on `network`. The same checks as a share "
    "(`404` not in your feed, `409 paused`, `409 policy_not_acknowledged`, `422 "
    "compliance_blocked`), plus `409 not_connected`, `409 network_disabled`, `400 time_past`, "
    "`400 time_too_far` (60 days), `400 daily_cap`, `400 too_long` (your Mastodon server's "
    "limit).",
)
def post_schedule_api(request: HttpRequest, payload: PostIn) -> Status[dict[str, Any]]:
    scheduled = post_schedule(
        actor=request_actor(request),
        content_id=payload.content_id,
        network=payload.network,
        text=payload.text,
        at=payload.at,
        sharer=sharer_of(request),
    )
    post = ScheduledPost.objects.select_related("content", "account", "share__link").get(
        pk=scheduled.post.pk
    )
    return Status(201, {**post_out(post), "notes": scheduled.notes, "findings": scheduled.findings})


@router.get(
    "/scheduled-posts",
    response={200: Page[PostOut], **error_responses(400, 401, 403)},
    summary="Your scheduled and published posts",
    description="`tab`: `upcoming` (scheduled, publishing, held), `published`, `failed`, "
    "`cancelled`; upcoming soonest first, published newest first.",
)
def posts_api(request: HttpRequest, filters: Query[PostsFilter]) -> dict[str, Any]:
    posts = posts_mine(actor=request_actor(request), tab=filters.tab or "")
    return paginate(request, posts, default_size=20, serialize=post_out)


@router.get(
    "/scheduled-posts/suggest-time",
    response={200: SuggestOut, **error_responses(400, 401, 403, 422)},
    summary="A good time to post",
    description="The hour your organization's links on that network were clicked most in the "
    "last 30 days (within the sharing hours), else lunchtime; spread from colleagues' posts.",
)
def suggest_time_api(request: HttpRequest, filters: Query[SuggestFilter]) -> dict[str, Any]:
    plan = posting_time_suggest(
        actor=request_actor(request),
        content_id=filters.content_id,
        network=filters.network,
        now=timezone.now(),
    )
    return {"at": plan.at, "notes": plan.notes}


@router.get(
    "/scheduled-posts/{int:post_id}",
    response={200: PostOut, **error_responses(400, 401, 403, 404)},
    summary="One of your posts",
)
def post_get_api(request: HttpRequest, post_id: int) -> dict[str, Any]:
    return post_out(post_get(actor=request_actor(request), post_id=post_id))


class RescheduledOut(PostOut):
    notes: list[str] = Field(description="Why the time differs from the one asked for.")


@router.patch(
    "/scheduled-posts/{int:post_id}",
    response={200: RescheduledOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Move a post to another time",
    description="Scheduled, held or failed posts (`409 not_changeable` otherwise); the time is "
    "planned like a new post's (`notes` say why it moved).",
)
def post_reschedule_api(
    request: HttpRequest, post_id: int, payload: RescheduleIn
) -> dict[str, Any]:
    actor = request_actor(request)
    plan = post_reschedule(actor=actor, post_id=post_id, at=payload.at)
    return {**post_out(post_get(actor=actor, post_id=post_id)), "notes": plan.notes}


@router.post(
    "/scheduled-posts/{int:post_id}/cancel",
    response={200: PostOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Cancel a post that has not gone out",
)
def post_cancel_api(request: HttpRequest, post_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    post_cancel(actor=actor, post_id=post_id)
    return post_out(post_get(actor=actor, post_id=post_id))


@router.post(
    "/scheduled-posts/{int:post_id}/retry",
    response={200: PostOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Try a failed post again now",
    description="`400 check_first` when `uncertain` and `checked` is not true; `409 not_failed`, "
    "`409 not_connected`.",
)
def post_retry_api(request: HttpRequest, post_id: int, payload: RetryIn) -> dict[str, Any]:
    actor = request_actor(request)
    post_retry(actor=actor, post_id=post_id, checked=payload.checked)
    return post_out(post_get(actor=actor, post_id=post_id))
