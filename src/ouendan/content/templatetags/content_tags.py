"""Template helpers of the content pages: status badges and the look of a measured length."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ouendan.content.models import ContentItem
from ouendan.networks import Measurement

register = template.Library()

_BADGE = {
    "draft": "",
    "in_review": "info",
    "approved": "ok",
    "scheduled": "info",
    "published": "ok",
    "expired": "warn",
    "archived": "",
}


@register.simple_tag
def status_badge(status: str) -> SafeString:
    label = dict(ContentItem.Status.choices).get(status, status)
    return format_html('<span class="badge {}">{}</span>', _BADGE.get(status, ""), label)


@register.filter
def count_class(measured: Measurement) -> str:
    """``empty`` before anything is written, ``over`` when the text does not fit, ``near`` in
    its last tenth, else ``fits``."""
    if measured.length == 0:
        return "empty"
    if not measured.ok:
        return "over"
    if measured.limit and measured.length > measured.limit * 0.9:
        return "near"
    return "fits"


@register.filter
def host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or ""


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key, "")
