"""Content items over the API: the library, one item, its lifecycle, suggested texts, images,
versions, and link previews."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.content.api.schemas import (
    ContentIn,
    ContentListOut,
    ContentOut,
    ContentStatus,
    ContentUpdateIn,
    ImageOut,
    NetworkOrAny,
    VariantIn,
    VariantOut,
    content_list_out,
    content_out,
    image_out,
    variant_out,
)
from ouendan.content.fetching import FetchError
from ouendan.content.link_preview import link_preview_fetch
from ouendan.content.models import ContentImage
from ouendan.content.selectors import (
    LibraryFilter,
    content_get,
    content_version_diff,
    content_versions,
    library_list,
)
from ouendan.content.services.images import (
    IMAGE_MAX_BYTES,
    content_image_add,
    content_image_delete,
    content_image_update,
)
from ouendan.content.services.items import (
    ContentData,
    content_archive,
    content_create,
    content_publish_now,
    content_restore,
    content_review,
    content_submit,
    content_update,
    content_withdraw,
)
from ouendan.content.services.variants import (
    VariantData,
    variant_create,
    variant_delete,
    variant_update,
)
from ouendan.core.api import Page, error_responses, paginate
from ouendan.core.errors import DomainError, NotFound

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
        data=ContentData(
            title=payload.title,
            url=payload.url,
            summary=payload.summary,
            advocate_note=payload.advocate_note,
            language=payload.language,
            site_name=payload.site_name,
            slug=payload.slug,
            topic_ids=payload.topic_ids,
            department_ids=payload.department_ids,
            location_ids=payload.location_ids,
            audience_languages=list(payload.audience_languages),
            audience_roles=[role.value for role in payload.audience_roles],
            campaign_id=payload.campaign_id,
            promotional=payload.promotional,
            featured=payload.featured,
            pinned=payload.pinned,
            publish_at=payload.publish_at,
            expire_at=payload.expire_at,
        ),
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
        data=ContentData(
            title=payload.title,
            url=payload.url,
            summary=payload.summary,
            advocate_note=payload.advocate_note,
            language=payload.language,
            site_name=payload.site_name,
            slug=payload.slug,
            topic_ids=payload.topic_ids,
            department_ids=payload.department_ids,
            location_ids=payload.location_ids,
            audience_languages=(
                list(payload.audience_languages) if payload.audience_languages is not None else None
            ),
            audience_roles=(
                [r.value for r in payload.audience_roles]
                if payload.audience_roles is not None
                else None
            ),
            campaign_id=payload.campaign_id,
            promotional=payload.promotional,
            featured=payload.featured,
            pinned=payload.pinned,
            publish_at=payload.publish_at,
            expire_at=payload.expire_at,
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


class ApproveIn(Schema):
    comment: str = Field(default="", max_length=2000)
    version: int | None = Field(
        default=None,
        description="The version you reviewed; if the content changed since, `409 "
        "version_changed`.",
    )


class RequestChangesIn(Schema):
    comment: str = Field(max_length=2000, examples=["公開日を確認してください。"])


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
    "/content/{int:content_id}/approve",
    response={200: ContentOut, **WRITE_ERRORS},
    summary="Approve content in review",
    description="Reviewers and program managers. It becomes `approved` (no start set), "
    "`scheduled` (start ahead) or `published`. Errors: `409 invalid_status`, "
    "`409 version_changed`.",
)
def content_approve_api(
    request: HttpRequest, content_id: int, payload: ApproveIn | None = None
) -> dict[str, Any]:
    actor = request_actor(request)
    payload = payload or ApproveIn()
    content_review(
        actor=actor,
        content_id=content_id,
        approve=True,
        comment=payload.comment,
        version=payload.version,
    )
    return _one(actor, content_id)


@router.post(
    "/content/{int:content_id}/request-changes",
    response={200: ContentOut, **WRITE_ERRORS},
    summary="Send content in review back to its curator, with a comment",
)
def content_request_changes_api(
    request: HttpRequest, content_id: int, payload: RequestChangesIn
) -> dict[str, Any]:
    actor = request_actor(request)
    content_review(actor=actor, content_id=content_id, approve=False, comment=payload.comment)
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


# --- Suggested texts -----------------------------------------------------------------------------


def _variant(actor: Actor, content_id: int, variant_id: int) -> dict[str, Any]:
    item = content_get(actor=actor, content_id=content_id)
    variant = next((v for v in item.variants.all() if v.pk == variant_id), None)
    if variant is None:
        raise NotFound(_("That suggested text does not exist."))
    return variant_out(variant, with_link=bool(item.url))


@router.get(
    "/content/{int:content_id}/variants",
    response={200: list[VariantOut], **ONE_ERRORS},
    summary="An item's suggested texts",
)
def variants_list_api(request: HttpRequest, content_id: int) -> list[dict[str, Any]]:
    item = content_get(actor=request_actor(request), content_id=content_id)
    return [variant_out(v, with_link=bool(item.url)) for v in item.variants.all()]


@router.post(
    "/content/{int:content_id}/variants",
    response={201: VariantOut, **WRITE_ERRORS},
    summary="Add a suggested text",
    description="A text may be saved while too long (`ok` false); submitting refuses it.",
)
def variants_create_api(
    request: HttpRequest, content_id: int, payload: VariantIn
) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    variant = variant_create(
        actor=actor,
        content_id=content_id,
        data=VariantData(network=payload.network, text=payload.text, hashtags=payload.hashtags),
    )
    return Status(201, _variant(actor, content_id, variant.pk))


@router.patch(
    "/content/{int:content_id}/variants/{int:variant_id}",
    response={200: VariantOut, **WRITE_ERRORS},
    summary="Change a suggested text",
)
def variants_update_api(
    request: HttpRequest, content_id: int, variant_id: int, payload: VariantIn
) -> dict[str, Any]:
    actor = request_actor(request)
    variant_update(
        actor=actor,
        content_id=content_id,
        variant_id=variant_id,
        data=VariantData(network=payload.network, text=payload.text, hashtags=payload.hashtags),
    )
    return _variant(actor, content_id, variant_id)


@router.delete(
    "/content/{int:content_id}/variants/{int:variant_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove a suggested text",
)
def variants_delete_api(request: HttpRequest, content_id: int, variant_id: int) -> Status[None]:
    variant_delete(actor=request_actor(request), content_id=content_id, variant_id=variant_id)
    return Status(204, None)


# --- Images --------------------------------------------------------------------------------------


class ImageUpdateIn(Schema):
    alt_text: str = Field(max_length=300)


def _image(actor: Actor, content_id: int, image_id: int) -> dict[str, Any]:
    item = content_get(actor=actor, content_id=content_id)
    image: ContentImage | None = next((i for i in item.images.all() if i.pk == image_id), None)
    if image is None:
        raise NotFound(_("That image does not exist."))
    return image_out(image)


@router.post(
    "/content/{int:content_id}/images",
    response={201: ImageOut, **WRITE_ERRORS},
    summary="Upload an image",
    description="Multipart: `file` (JPEG, PNG, WebP or GIF, at most 5 MB and 40 megapixels; "
    "camera metadata is removed) and `alt_text`. At most 10 images per item. "
    "Errors: `400 invalid_image`, `400 too_many_images`.",
)
def images_create_api(
    request: HttpRequest,
    content_id: int,
    file: File[UploadedFile | None] = None,
    alt_text: Form[str] = "",
) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    content_get(actor=actor, content_id=content_id)  # another organization's content: 404 first
    if file is None:
        raise DomainError(
            _("Send the image as the multipart field “file”."),
            code="invalid_image",
            fields={"file": [_("Required.")]},
        )
    if file.size is not None and file.size > IMAGE_MAX_BYTES:
        raise DomainError(
            _("The image must be 5 MB or smaller."),
            code="invalid_image",
            fields={"image": [_("File too large.")]},
        )
    image = content_image_add(
        actor=actor, content_id=content_id, data=file.read(IMAGE_MAX_BYTES + 1), alt_text=alt_text
    )
    return Status(201, _image(actor, content_id, image.pk))


@router.patch(
    "/content/{int:content_id}/images/{int:image_id}",
    response={200: ImageOut, **WRITE_ERRORS},
    summary="Change an image's description",
)
def images_update_api(
    request: HttpRequest, content_id: int, image_id: int, payload: ImageUpdateIn
) -> dict[str, Any]:
    actor = request_actor(request)
    content_image_update(
        actor=actor, content_id=content_id, image_id=image_id, alt_text=payload.alt_text
    )
    return _image(actor, content_id, image_id)


@router.delete(
    "/content/{int:content_id}/images/{int:image_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove an image",
)
def images_delete_api(request: HttpRequest, content_id: int, image_id: int) -> Status[None]:
    content_image_delete(actor=request_actor(request), content_id=content_id, image_id=image_id)
    return Status(204, None)


# --- Versions ------------------------------------------------------------------------------------


class VersionOut(Schema):
    number: int
    created_at: Any
    created_by: dict[str, Any] | None


class SegmentOut(Schema):
    kind: Literal["same", "added", "removed"]
    text: str


class ChangeOut(Schema):
    key: str
    label: str
    old: str
    new: str
    shared: bool = Field(description="Part of what advocates post.")
    segments: list[SegmentOut]


class VersionDetailOut(Schema):
    number: int
    against: int | None
    snapshot: dict[str, Any]
    changes: list[ChangeOut]


@router.get(
    "/content/{int:content_id}/versions",
    response={200: Page[VersionOut], **ONE_ERRORS},
    summary="An item's versions, newest first",
)
def versions_list_api(request: HttpRequest, content_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    content_get(actor=actor, content_id=content_id)
    return paginate(
        request,
        content_versions(actor=actor, content_id=content_id),
        serialize=lambda v: {
            "number": v.number,
            "created_at": v.created_at,
            "created_by": {"id": v.created_by.pk, "name": v.created_by.full_name}
            if v.created_by
            else None,
        },
    )


@router.get(
    "/content/{int:content_id}/versions/{int:number}",
    response={200: VersionDetailOut, **ONE_ERRORS},
    summary="One version and what changed",
    description="Compared with the version before it, or with `?against=<number>`; the changes "
    "are per character (Japanese has no spaces to split words on).",
)
def versions_get_api(
    request: HttpRequest, content_id: int, number: int, against: int | None = None
) -> dict[str, Any]:
    version, base, changes = content_version_diff(
        actor=request_actor(request), content_id=content_id, number=number, against=against
    )
    return {
        "number": version.number,
        "against": base.number if base else None,
        "snapshot": version.snapshot,
        "changes": [
            {
                "key": c.key,
                "label": c.label,
                "old": c.old,
                "new": c.new,
                "shared": c.shared,
                "segments": [{"kind": s.kind, "text": s.text} for s in c.segments],
            }
            for c in changes
        ],
    }


# --- Link previews -------------------------------------------------------------------------------


class PreviewIn(Schema):
    url: str = Field(max_length=2048, examples=["https://www.example.co.jp/news/1"])


class PreviewOut(Schema):
    url: str = Field(description="After redirects.")
    title: str
    description: str
    image_url: str
    site_name: str
    language: str


@router.post(
    "/content/preview",
    response={200: PreviewOut, **WRITE_ERRORS},
    summary="Read a page's Open Graph data (title, description, image)",
    description="The server fetches the page through an SSRF guard: private, loopback, "
    "link-local and metadata addresses are refused after DNS and on every redirect; 5 s and "
    "1 MB at most; http and https only. Errors (all 400): `url_invalid`, `url_scheme`, "
    "`address_refused`, `timeout`, `too_large`, `not_html`, `too_many_redirects`, "
    "`fetch_failed`.",
)
def content_preview_api(request: HttpRequest, payload: PreviewIn) -> dict[str, Any]:
    require(request_actor(request), Action.CONTENT_MANAGE)
    try:
        preview = link_preview_fetch(url=payload.url)
    except FetchError as error:
        raise DomainError(
            error.message, code=error.code, fields={"url": [error.message]}
        ) from error
    return {
        "url": preview.url,
        "title": preview.title,
        "description": preview.description,
        "image_url": preview.image_url,
        "site_name": preview.site_name,
        "language": preview.language,
    }
