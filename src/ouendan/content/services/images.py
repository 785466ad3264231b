"""Images of content items: uploads and Open Graph images, checked before they are stored.

An image must really be a JPEG, PNG, WebP or GIF (Pillow reads it; the file name and the browser's
content type are not trusted), at most 5 MB and 40 megapixels. Camera metadata (EXIF: GPS
position, device) is removed from JPEG and WebP photos by re-encoding them, orientation applied.
Files go through Django's storage API (``default_storage``) under ``content/<organization>/``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ouendan.accounts.audit import audit_record
from ouendan.accounts.permissions import Action, Actor, require, system_actor
from ouendan.content.fetching import FetchError, FetchKind, guarded_fetch
from ouendan.content.models import ContentImage, ContentItem
from ouendan.content.services.common import clean_text
from ouendan.content.services.recording import content_of, content_record_version
from ouendan.core.errors import Conflict, DomainError, NotFound

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000
IMAGES_MAX = 10
ALT_MAX = 300
FORMATS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
    "GIF": ("image/gif", ".gif"),
}


@dataclass(frozen=True)
class CheckedImage:
    data: bytes
    content_type: str
    suffix: str
    width: int
    height: int


def _refused(message: str) -> DomainError:
    return DomainError(message, code="invalid_image", fields={"image": [message]})


def image_check(data: bytes) -> CheckedImage:
    """``data`` as a storable image, or a ``DomainError`` that says what is wrong with it."""
    if len(data) > IMAGE_MAX_BYTES:
        raise _refused(_("The image must be 5 MB or smaller."))
    if not data:
        raise _refused(_("The file is empty."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format or ""
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refused(_("The file is not an image Ouendan can read.")) from None
    if image_format not in FORMATS:
        raise _refused(_("The image must be a JPEG, PNG, WebP or GIF file."))
    if width * height > IMAGE_MAX_PIXELS:
        raise _refused(_("The image is too large: at most 40 megapixels."))
    content_type, suffix = FORMATS[image_format]
    if image_format in {"JPEG", "WEBP"}:
        data, width, height = _without_metadata(data, image_format)
    return CheckedImage(data, content_type, suffix, width, height)


def _without_metadata(data: bytes, image_format: str) -> tuple[bytes, int, int]:
    with Image.open(io.BytesIO(data)) as image:
        if not image.getexif() and "icc_profile" not in image.info and "xmp" not in image.info:
            return data, image.width, image.height
        upright = ImageOps.exif_transpose(image)
        out = io.BytesIO()
        if image_format == "JPEG":
            upright.convert("RGB").save(out, "JPEG", quality=92, optimize=True)
        else:
            upright.save(out, "WEBP", quality=92)
        return out.getvalue(), upright.width, upright.height


def _store(
    *, actor: Actor, item: ContentItem, checked: CheckedImage, alt_text: str, source_url: str
) -> ContentImage:
    if item.images.count() >= IMAGES_MAX:
        raise DomainError(
            _("At most %(limit)d images per content item.") % {"limit": IMAGES_MAX},
            code="too_many_images",
            fields={"image": [_("Too many.")]},
        )
    last = item.images.aggregate(last=Max("position"))["last"]
    image = ContentImage(
        organization=item.organization,
        content=item,
        alt_text=alt_text,
        content_type=checked.content_type,
        width=checked.width,
        height=checked.height,
        size=len(checked.data),
        position=0 if last is None else last + 1,
        source_url=source_url,
        created_by=actor.membership,
    )
    image.file.save(f"image{checked.suffix}", ContentFile(checked.data), save=False)
    try:
        image.save()
        audit_record(
            actor=actor,
            action="content.image_added",
            target=item,
            data={"image": image.pk, "from": source_url or "upload", "bytes": image.size},
        )
        content_record_version(actor=actor, item=item, now=timezone.now())
    except Exception:
        image.file.storage.delete(image.file.name)  # no row, no file
        raise
    return image


def _editable(actor: Actor, content_id: int) -> ContentItem:
    item = content_of(actor, content_id, lock=True)
    if item.status == ContentItem.Status.ARCHIVED:
        raise Conflict(_("Archived content cannot be edited: restore it first."), code="archived")
    return item


def content_image_add(
    *, actor: Actor, content_id: int, data: bytes, alt_text: str = ""
) -> ContentImage:
    """Store an uploaded image on a content item."""
    require(actor, Action.CONTENT_MANAGE)
    alt_text = clean_text(alt_text, field="alt_text", label=_("The description"), limit=ALT_MAX)
    checked = image_check(data)
    with transaction.atomic():
        item = _editable(actor, content_id)
        return _store(actor=actor, item=item, checked=checked, alt_text=alt_text, source_url="")


def content_image_fetch(*, content_id: int, url: str) -> ContentImage | None:
    """Fetch a content item's Open Graph image through the SSRF guard and store it (the task
    after creation). Nothing happens twice for the same URL; an image that cannot be fetched or
    read is skipped (the curator can upload one), so the task never fails for it."""
    item = ContentItem.objects.select_related("organization").filter(pk=content_id).first()
    if item is None or item.images.filter(source_url=url).exists():
        return None
    try:
        fetched = guarded_fetch(url=url, kind=FetchKind.IMAGE)
        checked = image_check(fetched.body)
    except (FetchError, DomainError):
        return None
    actor = system_actor(item.organization, label="link preview")
    with transaction.atomic():
        locked = content_of(actor, content_id, lock=True)
        if locked.status == ContentItem.Status.ARCHIVED:
            return None
        if locked.images.filter(source_url=url).exists():
            return None
        try:
            return _store(
                actor=actor,
                item=locked,
                checked=checked,
                alt_text=item.title[:ALT_MAX],
                source_url=url,
            )
        except DomainError:
            return None


def content_image_update(
    *, actor: Actor, content_id: int, image_id: int, alt_text: str
) -> ContentImage:
    require(actor, Action.CONTENT_MANAGE)
    alt_text = clean_text(alt_text, field="alt_text", label=_("The description"), limit=ALT_MAX)
    with transaction.atomic():
        item = _editable(actor, content_id)
        image = _image(actor, item, image_id)
        if image.alt_text != alt_text:
            image.alt_text = alt_text
            image.save(update_fields=["alt_text"])
            content_record_version(actor=actor, item=item, now=timezone.now())
    return image


def _image(actor: Actor, item: ContentItem, image_id: int) -> ContentImage:
    image = ContentImage.objects.filter(
        organization=actor.organization, content=item, pk=image_id
    ).first()
    if image is None:
        raise NotFound(_("That image does not exist."))
    return image


def content_image_delete(*, actor: Actor, content_id: int, image_id: int) -> None:
    """Remove an image; its file is deleted once the removal is committed."""
    require(actor, Action.CONTENT_MANAGE)
    with transaction.atomic():
        item = _editable(actor, content_id)
        image = _image(actor, item, image_id)
        storage, name = image.file.storage, image.file.name
        image.delete()
        audit_record(
            actor=actor, action="content.image_removed", target=item, data={"image": image_id}
        )
        content_record_version(actor=actor, item=item, now=timezone.now())
        transaction.on_commit(lambda: storage.delete(name))
