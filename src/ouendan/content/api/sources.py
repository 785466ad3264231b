"""Feed sources over the API: RSS and Atom feeds whose new entries become drafts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.content.api.schemas import (
    RefOut,
    ref,
)
from ouendan.content.models import Source
from ouendan.content.selectors import (
    source_entries,
    source_get,
    sources_list,
)
from ouendan.content.services.sources import (
    PollResult,
    SourceData,
    source_create,
    source_delete,
    source_poll_now,
    source_update,
)
from ouendan.core.api import Page, error_responses, paginate

router = Router(tags=["sources"])

READ_ERRORS = error_responses(400, 401, 403)
ONE_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)


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
