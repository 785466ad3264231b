"""Campaigns, topics, feed sources and employees' suggestions over the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.accounts.permissions import Actor
from ouendan.content.api.schemas import (
    CampaignIn,
    CampaignOut,
    CampaignUpdateIn,
    RefOut,
    person_ref,
    progress_out,
    ref,
)
from ouendan.content.models import Campaign, Source, Suggestion, Topic
from ouendan.content.selectors import (
    CampaignProgress,
    campaign_get,
    campaign_progress,
    campaigns_list,
    campaigns_progress,
    source_entries,
    source_get,
    sources_list,
    suggestion_get,
    suggestions_list,
    topic_get,
    topics_list,
)
from ouendan.content.services.campaigns import (
    CampaignData,
    campaign_archive,
    campaign_create,
    campaign_update,
)
from ouendan.content.services.sources import (
    PollResult,
    SourceData,
    source_create,
    source_delete,
    source_poll_now,
    source_update,
)
from ouendan.content.services.suggestions import (
    suggestion_accept,
    suggestion_create,
    suggestion_decline,
    suggestion_withdraw,
)
from ouendan.content.services.topics import topic_create, topic_delete, topic_follow, topic_update
from ouendan.core.api import Page, error_responses, paginate

router = Router()

READ_ERRORS = error_responses(400, 401, 403)
ONE_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)


# --- Campaigns -----------------------------------------------------------------------------------


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


# --- Topics --------------------------------------------------------------------------------------


class TopicOut(Schema):
    id: int
    name: str
    description: str
    content_count: int
    follower_count: int
    following: bool = Field(description="Whether the caller follows it.")


class TopicIn(Schema):
    name: str = Field(max_length=60, examples=["採用"])
    description: str = Field(default="", max_length=300)


class TopicUpdateIn(Schema):
    name: str | None = Field(default=None, max_length=60)
    description: str | None = Field(default=None, max_length=300)


def _topic_out(topic: Topic) -> dict[str, Any]:
    return {
        "id": topic.pk,
        "name": topic.name,
        "description": topic.description,
        "content_count": getattr(topic, "content_count", 0),
        "follower_count": getattr(topic, "follower_count", 0),
        "following": bool(getattr(topic, "following", False)),
    }


@router.get(
    "/topics",
    response={200: Page[TopicOut], **READ_ERRORS},
    summary="List topics",
    description="Everyone in the organization; `following` tells the caller's own choices.",
    tags=["topics"],
)
def topics_list_api(request: HttpRequest) -> dict[str, Any]:
    return paginate(request, topics_list(actor=request_actor(request)), serialize=_topic_out)


@router.post(
    "/topics",
    response={201: TopicOut, **WRITE_ERRORS},
    summary="Add a topic",
    tags=["topics"],
)
def topics_create_api(request: HttpRequest, payload: TopicIn) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    topic = topic_create(actor=actor, name=payload.name, description=payload.description)
    return Status(201, _topic_out(topic_get(actor=actor, topic_id=topic.pk)))


@router.patch(
    "/topics/{int:topic_id}",
    response={200: TopicOut, **WRITE_ERRORS},
    summary="Rename or describe a topic",
    tags=["topics"],
)
def topics_update_api(
    request: HttpRequest, topic_id: int, payload: TopicUpdateIn
) -> dict[str, Any]:
    actor = request_actor(request)
    topic_update(actor=actor, topic_id=topic_id, name=payload.name, description=payload.description)
    return _topic_out(topic_get(actor=actor, topic_id=topic_id))


@router.delete(
    "/topics/{int:topic_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove a topic",
    description="Content keeps everything else; followers stop following it.",
    tags=["topics"],
)
def topics_delete_api(request: HttpRequest, topic_id: int) -> Status[None]:
    topic_delete(actor=request_actor(request), topic_id=topic_id)
    return Status(204, None)


@router.put(
    "/topics/{int:topic_id}/follow",
    response={200: TopicOut, **WRITE_ERRORS},
    summary="Follow a topic",
    description="Its content comes first in your feed. Following twice is harmless.",
    tags=["topics"],
)
def topics_follow_api(request: HttpRequest, topic_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    topic_follow(actor=actor, topic_id=topic_id, follow=True)
    return _topic_out(topic_get(actor=actor, topic_id=topic_id))


@router.delete(
    "/topics/{int:topic_id}/follow",
    response={200: TopicOut, **WRITE_ERRORS},
    summary="Stop following a topic",
    tags=["topics"],
)
def topics_unfollow_api(request: HttpRequest, topic_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    topic_follow(actor=actor, topic_id=topic_id, follow=False)
    return _topic_out(topic_get(actor=actor, topic_id=topic_id))


# --- Sources -------------------------------------------------------------------------------------

Health = Literal["never", "ok", "error"]


class SourceOut(Schema):
    id: int
    name: str
    url: str
    feed_title: str
    topics: list[RefOut]
    campaign: RefOut | None
    promotional: bool = Field(description="Drafts from it are marked promotional.")
    active: bool
    poll_minutes: int
    health: Health
    last_polled_at: datetime | None
    last_success_at: datetime | None
    next_poll_at: datetime | None
    last_error_code: str
    last_error: str
    failure_count: int
    content_count: int = Field(description="Drafts it has created.")


class SourceIn(Schema):
    name: str = Field(max_length=120, examples=["公式ブログ"])
    url: str = Field(max_length=2048, examples=["https://www.example.co.jp/blog/feed.xml"])
    topic_ids: list[int] = []
    campaign_id: int | None = None
    promotional: bool = False
    active: bool = True
    poll_minutes: int = Field(default=60, description="15 to 1,440.")


class SourceUpdateIn(Schema):
    """Only the fields sent change; `campaign_id: null` clears the campaign."""

    name: str | None = Field(default=None, max_length=120)
    url: str | None = Field(default=None, max_length=2048)
    topic_ids: list[int] | None = None
    campaign_id: int | None = None
    promotional: bool | None = None
    active: bool | None = None
    poll_minutes: int | None = Field(default=None, description="15 to 1,440.")


class PollOut(Schema):
    health: Health
    created: int = Field(description="New drafts.")
    duplicates: int = Field(description="Entries whose link is already in the library.")
    skipped: int = Field(description="Older entries remembered but not imported (first poll).")
    error_code: str
    error: str


class SourceCreatedOut(SourceOut):
    poll: PollOut


def _source_out(source: Source) -> dict[str, Any]:
    return {
        **{
            name: getattr(source, name)
            for name in (
                "id",
                "name",
                "url",
                "feed_title",
                "promotional",
                "active",
                "poll_minutes",
                "health",
                "last_polled_at",
                "last_success_at",
                "next_poll_at",
                "last_error_code",
                "last_error",
                "failure_count",
            )
        },
        "topics": [ref(t) for t in source.topics.all()],
        "campaign": ref(source.campaign),
        "content_count": getattr(source, "content_count", 0),
    }


def _poll_out(result: PollResult) -> dict[str, Any]:
    return {
        "health": result.health,
        "created": result.created,
        "duplicates": result.duplicates,
        "skipped": result.skipped,
        "error_code": result.error_code,
        "error": result.error,
    }


@router.get(
    "/sources",
    response={200: Page[SourceOut], **READ_ERRORS},
    summary="List feed sources",
    tags=["sources"],
)
def sources_list_api(request: HttpRequest) -> dict[str, Any]:
    return paginate(request, sources_list(actor=request_actor(request)), serialize=_source_out)


@router.post(
    "/sources",
    response={201: SourceCreatedOut, **WRITE_ERRORS},
    summary="Add an RSS or Atom feed",
    description="The feed is fetched at once through the SSRF guard (a blog page that names its "
    "feed is followed to it): an address that is not a feed is refused (`400 not_feed`, or a "
    "fetch error such as `address_refused`, `timeout`). Its newest 10 entries become drafts; "
    "older ones are remembered and skipped. Then it is polled every `poll_minutes`.",
    tags=["sources"],
)
def sources_create_api(request: HttpRequest, payload: SourceIn) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    source, result = source_create(actor=actor, data=SourceData(**payload.model_dump()))
    body = _source_out(source_get(actor=actor, source_id=source.pk))
    return Status(201, {**body, "poll": _poll_out(result)})


@router.get(
    "/sources/{int:source_id}",
    response={200: SourceOut, **ONE_ERRORS},
    summary="One feed source and its health",
    tags=["sources"],
)
def sources_get_api(request: HttpRequest, source_id: int) -> dict[str, Any]:
    return _source_out(source_get(actor=request_actor(request), source_id=source_id))


@router.patch(
    "/sources/{int:source_id}",
    response={200: SourceOut, **WRITE_ERRORS},
    summary="Change a feed source",
    tags=["sources"],
)
def sources_update_api(
    request: HttpRequest, source_id: int, payload: SourceUpdateIn
) -> dict[str, Any]:
    actor = request_actor(request)
    sent = payload.model_fields_set
    source_update(
        actor=actor,
        source_id=source_id,
        data=SourceData(
            **payload.model_dump(),
            clear=frozenset(
                {"campaign"} if "campaign_id" in sent and payload.campaign_id is None else set()
            ),
        ),
    )
    return _source_out(source_get(actor=actor, source_id=source_id))


@router.delete(
    "/sources/{int:source_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove a feed source",
    description="Drafts it created stay in the library.",
    tags=["sources"],
)
def sources_delete_api(request: HttpRequest, source_id: int) -> Status[None]:
    source_delete(actor=request_actor(request), source_id=source_id)
    return Status(204, None)


@router.post(
    "/sources/{int:source_id}/poll",
    response={200: PollOut, **WRITE_ERRORS},
    summary="Poll a feed now",
    description="A feed problem is not an error of this call: it answers 200 with `health` "
    '`"error"` and the reason, as the source records it.',
    tags=["sources"],
)
def sources_poll_api(request: HttpRequest, source_id: int) -> dict[str, Any]:
    return _poll_out(source_poll_now(actor=request_actor(request), source_id=source_id))


class EntryOut(Schema):
    id: int
    guid: str
    url: str
    title: str
    published_at: datetime | None
    outcome: Literal["created", "duplicate", "skipped"]
    content_id: int | None
    created_at: datetime


@router.get(
    "/sources/{int:source_id}/entries",
    response={200: Page[EntryOut], **ONE_ERRORS},
    summary="Entries seen in a feed, newest first",
    tags=["sources"],
)
def sources_entries_api(request: HttpRequest, source_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    source_get(actor=actor, source_id=source_id)
    return paginate(
        request,
        source_entries(actor=actor, source_id=source_id),
        serialize=lambda e: {
            "id": e.pk,
            "guid": e.guid,
            "url": e.url,
            "title": e.title,
            "published_at": e.published_at,
            "outcome": e.outcome,
            "content_id": e.content_id,
            "created_at": e.created_at,
        },
    )


# --- Suggestions ---------------------------------------------------------------------------------

SuggestionStatus = Literal["pending", "accepted", "declined"]


class SuggestionOut(Schema):
    id: int
    url: str
    comment: str
    title: str
    status: SuggestionStatus
    suggested_by: RefOut | None
    decided_by: RefOut | None
    decided_at: datetime | None
    decline_reason: str
    content_id: int | None = Field(description="The draft made from it, once accepted.")
    created_at: datetime


class SuggestionIn(Schema):
    url: str = Field(max_length=2048, examples=["https://www.example.co.jp/news/2"])
    comment: str = Field(default="", max_length=1000, examples=["技術系の学生に響きそうです"])


class DeclineIn(Schema):
    reason: str = Field(max_length=500, examples=["内容が古いため見送ります"])


class SuggestionsQuery(Schema):
    status: SuggestionStatus | None = None
    mine: bool = Field(default=False, description="Only your own (curators see everyone's).")


def _suggestion_out(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "id": suggestion.pk,
        "url": suggestion.url,
        "comment": suggestion.comment,
        "title": suggestion.title,
        "status": suggestion.status,
        "suggested_by": person_ref(suggestion.suggested_by),
        "decided_by": person_ref(suggestion.decided_by),
        "decided_at": suggestion.decided_at,
        "decline_reason": suggestion.decline_reason,
        "content_id": suggestion.content_id,
        "created_at": suggestion.created_at,
    }


def _one_suggestion(actor: Actor, suggestion_id: int) -> dict[str, Any]:
    return _suggestion_out(suggestion_get(actor=actor, suggestion_id=suggestion_id))


@router.get(
    "/suggestions",
    response={200: Page[SuggestionOut], **READ_ERRORS},
    summary="List suggestions",
    description="Curators see everyone's; everyone else sees their own.",
    tags=["suggestions"],
)
def suggestions_list_api(request: HttpRequest, filters: Query[SuggestionsQuery]) -> dict[str, Any]:
    suggestions = suggestions_list(
        actor=request_actor(request), status=filters.status or "", mine=filters.mine
    )
    return paginate(request, suggestions, serialize=_suggestion_out)


@router.post(
    "/suggestions",
    response={201: SuggestionOut, **WRITE_ERRORS},
    summary="Suggest a link for the library",
    description="Anyone in the program. Errors: `409 already_suggested` (you have it pending), "
    "`409 already_in_library`, `400 too_many_pending` (20 waiting), `400 person_required` "
    "(an organization token).",
    tags=["suggestions"],
)
def suggestions_create_api(request: HttpRequest, payload: SuggestionIn) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    suggestion = suggestion_create(actor=actor, url=payload.url, comment=payload.comment)
    return Status(201, _one_suggestion(actor, suggestion.pk))


@router.get(
    "/suggestions/{int:suggestion_id}",
    response={200: SuggestionOut, **ONE_ERRORS},
    summary="One suggestion",
    tags=["suggestions"],
)
def suggestions_get_api(request: HttpRequest, suggestion_id: int) -> dict[str, Any]:
    return _one_suggestion(request_actor(request), suggestion_id)


@router.post(
    "/suggestions/{int:suggestion_id}/accept",
    response={200: SuggestionOut, **WRITE_ERRORS},
    summary="Accept a suggestion: it becomes a draft crediting the suggester",
    description="The draft takes the link's title, description and image when the page can be "
    "fetched. Errors: `409 already_decided`.",
    tags=["suggestions"],
)
def suggestions_accept_api(request: HttpRequest, suggestion_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    suggestion_accept(actor=actor, suggestion_id=suggestion_id)
    return _one_suggestion(actor, suggestion_id)


@router.post(
    "/suggestions/{int:suggestion_id}/decline",
    response={200: SuggestionOut, **WRITE_ERRORS},
    summary="Decline a suggestion with a reason",
    tags=["suggestions"],
)
def suggestions_decline_api(
    request: HttpRequest, suggestion_id: int, payload: DeclineIn
) -> dict[str, Any]:
    actor = request_actor(request)
    suggestion_decline(actor=actor, suggestion_id=suggestion_id, reason=payload.reason)
    return _one_suggestion(actor, suggestion_id)


@router.delete(
    "/suggestions/{int:suggestion_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Withdraw your own suggestion while it is pending",
    tags=["suggestions"],
)
def suggestions_withdraw_api(request: HttpRequest, suggestion_id: int) -> Status[None]:
    suggestion_withdraw(actor=request_actor(request), suggestion_id=suggestion_id)
    return Status(204, None)
