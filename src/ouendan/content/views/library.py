"""The content library: the list with search and filters, one item's page, and its history."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from ouendan.accounts.models import LANGUAGE_CHOICES
from ouendan.accounts.permissions import Action, Actor, can
from ouendan.accounts.roles import Role
from ouendan.accounts.views.people import page_actor
from ouendan.content.composing import share_text_measure
from ouendan.content.forms import ArchiveForm, ImageForm, LibraryFilterForm
from ouendan.content.models import ContentItem, Variant
from ouendan.content.selectors import (
    campaign_choices,
    content_get,
    content_status_counts,
    content_version_diff,
    content_versions,
    library_list,
    topic_choices,
)
from ouendan.core.errors import NotFound
from ouendan.networks import RULES, Network

PAGE_SIZE = 30
Status = ContentItem.Status


def item_or_404(actor: Actor, content_id: int) -> ContentItem:
    try:
        return content_get(actor=actor, content_id=content_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def is_htmx_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted  # type: ignore[union-attr]


@login_required
@require_safe
def library(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.CONTENT_VIEW)
    form = LibraryFilterForm(
        request.GET, topics=topic_choices(actor=actor), campaigns=campaign_choices(actor=actor)
    )
    filters = form.to_filter()
    page = Paginator(library_list(actor=actor, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page_obj": page,
        "narrowed": filters.narrows,
        "counts": content_status_counts(actor=actor),
        "statuses": Status.choices,
        "current_status": filters.statuses[0] if filters.statuses else "",
        "can_manage": can(actor, Action.CONTENT_MANAGE),
    }
    template = (
        "content/library/_results.html" if is_htmx_partial(request) else "content/library/list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def variant_rows(item: ContentItem) -> list[dict[str, Any]]:
    """Each suggested text with its length on its network (or on every network, for a text
    meant for any network)."""
    rows = []
    for variant in item.variants.all():
        networks = [Network(variant.network)] if variant.network else list(Network)
        rows.append(
            {
                "variant": variant,
                "label": str(RULES[Network(variant.network)].label) if variant.network else "",
                "measures": [
                    share_text_measure(text=variant.composed, network=n, with_link=bool(item.url))
                    for n in networks
                ],
            }
        )
    return rows


def grouped_variants(item: ContentItem) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in variant_rows(item):
        variant: Variant = row["variant"]
        groups.setdefault(variant.network, []).append(row)
    order = ["", *(n.value for n in Network)]
    return [(network, groups[network]) for network in order if network in groups]


@login_required
@require_safe
def content_detail(request: HttpRequest, content_id: int) -> HttpResponse:
    actor = page_actor(request, Action.CONTENT_VIEW)
    item = item_or_404(actor, content_id)
    can_manage = can(actor, Action.CONTENT_MANAGE)
    context = {
        "item": item,
        "groups": grouped_variants(item),
        "network_labels": {n.value: str(r.label) for n, r in RULES.items()},
        "can_manage": can_manage,
        "can_edit": can_manage and item.status != Status.ARCHIVED,
        "archive_form": ArchiveForm(),
        "image_form": ImageForm(),
        "role_labels": dict(Role.choices),
        "language_labels": dict(LANGUAGE_CHOICES),
    }
    return render(request, "content/library/detail.html", context)


@login_required
@require_safe
def content_history(request: HttpRequest, content_id: int) -> HttpResponse:
    actor = page_actor(request, Action.CONTENT_VIEW)
    item = item_or_404(actor, content_id)
    versions = list(content_versions(actor=actor, content_id=item.pk))
    numbers = {v.number for v in versions}

    def number(name: str, default: int | None) -> int | None:
        try:
            value = int(request.GET.get(name, ""))
        except ValueError:
            return default
        return value if value in numbers else default

    shown = number("version", item.version)
    against = number("against", None)
    diff = (
        content_version_diff(actor=actor, content_id=item.pk, number=shown, against=against)
        if shown
        else None
    )
    return render(
        request,
        "content/library/history.html",
        {
            "item": item,
            "versions": versions,
            "version": diff[0] if diff else None,
            "base": diff[1] if diff else None,
            "changes": diff[2] if diff else [],
        },
    )
