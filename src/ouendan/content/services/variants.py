"""Suggested texts: any number per network, plus network-neutral ones, each with hashtags.

A text may be saved while it is still too long (a draft is work in progress); sending the item
for review refuses texts that do not fit their network (``items.content_submit``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.content.models import ContentItem, Variant
from ouendan.content.services.common import clean_text
from ouendan.content.services.recording import content_of, content_record_version
from ouendan.core.errors import Conflict, DomainError, NotFound
from ouendan.networks import Network

TEXT_MAX = 10_000
HASHTAGS_MAX = 30
HASHTAG_MAX = 100
VARIANTS_MAX = 50
_HASHTAG = regex.compile(r"^[\p{L}\p{N}\p{M}_]+$")


@dataclass(frozen=True)
class VariantData:
    network: str = ""  # "" = any network
    text: str = ""
    hashtags: Sequence[str] = ()


def clean_hashtags(values: Sequence[str]) -> list[str]:
    """Hashtags without their "#", each letters, digits and underscores; duplicates dropped."""
    found: list[str] = []
    for raw in values:
        tag = raw.strip().lstrip("#＃").strip()
        if not tag:
            continue
        if not _HASHTAG.match(tag) or len(tag) > HASHTAG_MAX:
            raise DomainError(
                _("“%(tag)s” is not a hashtag: use letters, digits and _ without spaces.")
                % {"tag": raw.strip()[:HASHTAG_MAX]},
                fields={"hashtags": [_("Not a hashtag.")]},
            )
        if tag not in found:
            found.append(tag)
    if len(found) > HASHTAGS_MAX:
        raise DomainError(
            _("At most %(limit)d hashtags.") % {"limit": HASHTAGS_MAX},
            fields={"hashtags": [_("Too many.")]},
        )
    return found


def _clean(data: VariantData) -> tuple[str, str, list[str]]:
    network = data.network.strip()
    if network and network not in {n.value for n in Network}:
        raise DomainError(
            _("“%(network)s” is not a network Ouendan knows.") % {"network": network},
            fields={"network": [_("Unknown network.")]},
        )
    text = clean_text(
        data.text, field="text", label=_("The suggested text"), limit=TEXT_MAX, required=True
    )
    return network, text, clean_hashtags(data.hashtags)


def _editable(actor: Actor, content_id: int) -> ContentItem:
    item = content_of(actor, content_id, lock=True)
    if item.status == ContentItem.Status.ARCHIVED:
        raise Conflict(_("Archived content cannot be edited: restore it first."), code="archived")
    return item


def _variant(actor: Actor, item: ContentItem, variant_id: int) -> Variant:
    variant = Variant.objects.filter(
        organization=actor.organization, content=item, pk=variant_id
    ).first()
    if variant is None:
        raise NotFound(_("That suggested text does not exist."))
    return variant


def variant_create(*, actor: Actor, content_id: int, data: VariantData) -> Variant:
    require(actor, Action.CONTENT_MANAGE)
    network, text, hashtags = _clean(data)
    with transaction.atomic():
        item = _editable(actor, content_id)
        if item.variants.count() >= VARIANTS_MAX:
            raise DomainError(
                _("At most %(limit)d suggested texts per content item.") % {"limit": VARIANTS_MAX},
                code="too_many_variants",
            )
        last = item.variants.aggregate(last=Max("position"))["last"]
        variant = Variant.objects.create(
            organization=actor.organization,
            content=item,
            network=network,
            text=text,
            hashtags=hashtags,
            position=0 if last is None else last + 1,
        )
        audit_record(
            actor=actor, action="content.variant_added", target=item, data={"network": network}
        )
        content_record_version(actor=actor, item=item, now=timezone.now())
    return variant


def variant_update(*, actor: Actor, content_id: int, variant_id: int, data: VariantData) -> Variant:
    require(actor, Action.CONTENT_MANAGE)
    network, text, hashtags = _clean(data)
    with transaction.atomic():
        item = _editable(actor, content_id)
        variant = _variant(actor, item, variant_id)
        if (variant.network, variant.text, variant.hashtags) == (network, text, hashtags):
            return variant
        variant.network, variant.text, variant.hashtags = network, text, hashtags
        variant.save()
        audit_record(
            actor=actor, action="content.variant_changed", target=item, data={"network": network}
        )
        content_record_version(actor=actor, item=item, now=timezone.now())
    return variant


def variant_delete(*, actor: Actor, content_id: int, variant_id: int) -> None:
    require(actor, Action.CONTENT_MANAGE)
    with transaction.atomic():
        item = _editable(actor, content_id)
        variant = _variant(actor, item, variant_id)
        network = variant.network
        variant.delete()
        audit_record(
            actor=actor, action="content.variant_removed", target=item, data={"network": network}
        )
        content_record_version(actor=actor, item=item, now=timezone.now())


def variants_write(*, actor: Actor, item: ContentItem, variants: Sequence[VariantData]) -> bool:
    """Make the (locked) item's suggested texts exactly ``variants``, in that order, inside the
    caller's transaction; the caller records the version. Returns whether anything changed."""
    cleaned = [_clean(data) for data in variants]
    if len(cleaned) > VARIANTS_MAX:
        raise DomainError(
            _("At most %(limit)d suggested texts per content item.") % {"limit": VARIANTS_MAX},
            code="too_many_variants",
            fields={"variants": [_("Too many.")]},
        )
    current = [(v.network, v.text, v.hashtags) for v in item.variants.all()]
    if current == cleaned:
        return False
    item.variants.all().delete()
    Variant.objects.bulk_create(
        Variant(
            organization=item.organization,
            content=item,
            network=network,
            text=text,
            hashtags=hashtags,
            position=position,
        )
        for position, (network, text, hashtags) in enumerate(cleaned)
    )
    audit_record(
        actor=actor,
        action="content.variants_replaced",
        target=item,
        data={"count": len(cleaned), "networks": sorted({c[0] or "*" for c in cleaned})},
    )
    return True
