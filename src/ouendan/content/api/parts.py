"""An item's parts over the API: its suggested texts, images and versions, and link previews
(before an item exists)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.content.api.schemas import (
    ImageOut,
    VariantIn,
    VariantOut,
    image_out,
    variant_out,
)
from ouendan.content.fetching import FetchError
from ouendan.content.link_preview import link_preview_fetch
from ouendan.content.models import ContentImage
from ouendan.content.selectors import (
    content_get,
    content_version_diff,
    content_versions,
)
from ouendan.content.services.images import (
    IMAGE_MAX_BYTES,
    content_image_add,
    content_image_delete,
    content_image_update,
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
