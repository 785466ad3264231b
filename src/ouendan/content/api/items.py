"""Content items over the API: the library, one item, its lifecycle, suggested texts, images,
versions, and link previews."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.accounts.permissions import Actor
from ouendan.content.api.schemas import (
    ContentIn,
    ContentListOut,
    ContentOut,
    ContentStatus,
    ContentUpdateIn,
    NetworkOrAny,
    VariantIn,
    content_list_out,
    content_out,
)
from ouendan.content.selectors import (
    LibraryFilter,
    content_get,
    library_list,
)
from ouendan.content.services.items import (
    ContentData,
    content_archive,
    content_create,
    content_publish_now,
    content_restore,
    content_submit,
    content_update,
    content_withdraw,
)
from ouendan.content.services.variants import (
    VariantData,
)
from ouendan.core.api import Page, error_responses, paginate

router = Router(tags=["content"])

READ_ERRORS = error_responses(400, 401, 403)
ONE_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)


class LibraryQuery(Schema):
    q: str = Field(
        default="",
        max_length=200,
        description="Words that must each appear in the title, summary, note, link or a "
        "suggested text; width, case and kana do not matter (「採用」 finds 「新卒採用説明会」).",
    )
    status: list[ContentStatus] = Field(default=[], description="One or more statuses.")
    topic_id: int | None = None
    campaign_id: int | None = None
    source_id: int | None = None
    network: NetworkOrAny | None = Field(
        default=None, description='Has a suggested text for this network (`""`: for any).'
    )
    promotional: bool | None = None
    date_from: date | None = Field(default=None, description="Inclusive, in the org's time zone.")
    date_to: date | None = Field(default=None, description="Inclusive.")
    date_field: Literal["publish", "created", "updated"] = "publish"
    sort: Literal["updated", "created", "publish", "title"] = "updated"


def _one(actor: Actor, content_id: int) -> dict[str, Any]:
    return content_out(content_get(actor=actor, content_id=content_id))


def _content_data(
    payload: ContentIn | ContentUpdateIn, *, clear: frozenset[str] = frozenset()
) -> ContentData:
    """The service's input from either schema: the same names; ``None`` means unchanged."""
    fields = payload.model_dump(exclude={"variants", "image_url"})
    for name in ("audience_languages", "audience_roles"):
        if fields[name] is not None:
            fields[name] = [str(value) for value in fields[name]]
    return ContentData(**fields, clear=clear)


def _variants(payload: list[VariantIn]) -> list[VariantData]:
    return [VariantData(network=v.network, text=v.text, hashtags=v.hashtags) for v in payload]


@router.get(
    "/content",
    response={200: Page[ContentListOut], **READ_ERRORS},
    summary="The content library",
    description="Newest change first by default. Curators, program managers, reviewers and "
    "org admins.",
)
def content_list_api(request: HttpRequest, filters: Query[LibraryQuery]) -> dict[str, Any]:
    actor = request_actor(request)
    items = library_list(
        actor=actor,
        filters=LibraryFilter(
            query=filters.q,
            statuses=tuple(filters.status),
            topic_id=filters.topic_id,
            campaign_id=filters.campaign_id,
            source_id=filters.source_id,
            network=filters.network,
            promotional=filters.promotional,
            date_from=filters.date_from,
            date_to=filters.date_to,
            date_field=filters.date_field,
            sort=filters.sort,
        ),
    )
    return paginate(request, items, serialize=content_list_out)


@router.post(
    "/content",
    response={201: ContentOut, **WRITE_ERRORS},
    summary="Add content (a draft)",
    description="With its suggested texts in one call. Errors: `400 invalid` (the fields say "
    "which), `404 not_found` (a topic, department, location or campaign of another "
    "organization), `409 conflict` (the code is taken).",
)
def content_create_api(request: HttpRequest, payload: ContentIn) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    item = content_create(
        actor=actor,
        data=_content_data(payload),
        variants=_variants(payload.variants),
        image_url=payload.image_url,
    )
    return Status(201, _one(actor, item.pk))


@router.get(
    "/content/{int:content_id}", response={200: ContentOut, **ONE_ERRORS}, summary="One item"
)
def content_get_api(request: HttpRequest, content_id: int) -> dict[str, Any]:
    return _one(request_actor(request), content_id)


@router.patch(
    "/content/{int:content_id}",
    response={200: ContentOut, **WRITE_ERRORS},
    summary="Change content",
    description="Only the fields sent change. Editing what advocates post (title, link, "
    "summary, suggested texts, images, the promotional flag) of approved content sends it back "
    "to review; its dates move it between approved, scheduled, published and expired. "
    "Errors: `409 archived` (restore it first), and those of `POST /content`.",
)
def content_update_api(
    request: HttpRequest, content_id: int, payload: ContentUpdateIn
) -> dict[str, Any]:
    actor = request_actor(request)
    sent = payload.model_fields_set
    content_update(
        actor=actor,
        content_id=content_id,
        data=_content_data(
            payload,
            clear=frozenset(
                name.removesuffix("_id")
                for name in ("campaign_id", "publish_at", "expire_at")
                if name in sent and getattr(payload, name) is None
            ),
        ),
        variants=_variants(payload.variants) if payload.variants is not None else None,
    )
    return _one(actor, content_id)


# --- The lifecycle -------------------------------------------------------------------------------


class ArchiveIn(Schema):
    reason: str = Field(default="", max_length=500)


@router.post(
    "/content/{int:content_id}/submit",
    response={200: ContentOut, **WRITE_ERRORS},
    summary="Send a draft for review",
    description="Errors: `400 not_ready` (no suggested text, or one too long for its network: "
    "`fields.variants` says which), `409 invalid_status` (not a draft).",
)
def content_submit_api(request: HttpRequest, content_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    content_submit(actor=actor, content_id=content_id)
    return _one(actor, content_id)


@router.post(
    "/content/{int:content_id}/withdraw",
    response={200: ContentOut, **WRITE_ERRORS},
    summary="Take content out of review (back to draft)",
)
def content_withdraw_api(request: HttpRequest, content_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    content_withdraw(actor=actor, content_id=content_id)
    return _one(actor, content_id)


@router.post(
    "/content/{int:content_id}/publish",
    response={200: ContentOut, **WRITE_ERRORS},
    summary="Publish approved or scheduled content now",
)
def content_publish_api(request: HttpRequest, content_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    content_publish_now(actor=actor, content_id=content_id)
    return _one(actor, content_id)


@router.post(
    "/content/{int:content_id}/archive",
    response={200: ContentOut, **WRITE_ERRORS},
    summary="Archive content",
    description="It leaves the feed; tracked links already shared keep working. Archiving "
    "twice is harmless.",
)
def content_archive_api(
    request: HttpRequest, content_id: int, payload: ArchiveIn | None = None
) -> dict[str, Any]:
    actor = request_actor(request)
    content_archive(actor=actor, content_id=content_id, reason=(payload or ArchiveIn()).reason)
    return _one(actor, content_id)


@router.post(
    "/content/{int:content_id}/restore",
    response={200: ContentOut, **WRITE_ERRORS},
    summary="Restore archived content as a draft",
)
def content_restore_api(request: HttpRequest, content_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    content_restore(actor=actor, content_id=content_id)
    return _one(actor, content_id)
