"""The share flow: pick a network, edit the suggested text with live length and compliance
feedback, hand it to the network's composer; then the share's own page (copy, confirm)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ouendan.accounts.permissions import Action, Actor
from ouendan.accounts.views.people import page_actor
from ouendan.core.errors import DomainError, NotFound
from ouendan.core.middleware import HANDOVER_SECURITY_POLICY
from ouendan.governance.views.compliance import highlighted
from ouendan.networks import PROBLEM_MESSAGES, RULES, Network, text_measure
from ouendan.sharing.intents import post_text
from ouendan.sharing.models import Share, SharingProfile
from ouendan.sharing.selectors import feed_item_get, share_get
from ouendan.sharing.services.metrics import Reactions, share_metrics_enter
from ouendan.sharing.services.shares import (
    TEXT_MAX,
    ComplianceBlocked,
    scan_share_text,
    share_confirm,
    share_create,
    share_draft,
    sharing_blocker,
    with_disclosure,
)
from ouendan.sharing.views.common import sharer_of
from ouendan.tracking.links import CODE_LENGTH, tracked_url


def _network(value: str) -> Network:
    try:
        return Network(value)
    except ValueError:
        return Network.X


def _item_or_404(actor: Actor, content_id: int) -> Any:
    try:
        return feed_item_get(actor=actor, content_id=content_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _feedback(item: Any, network: Network, body: str) -> dict[str, Any]:
    """Length and compliance of the post as it would go out (marker and link included)."""
    body, added = with_disclosure(body, item=item, network=network)
    text = post_text(body, tracked_url("x" * CODE_LENGTH), network)
    result = scan_share_text(item=item, network=network, text=text)
    return {
        "measured": text_measure(text=text, network=network),
        "result": result,
        "pieces": highlighted(text, result),
        "added_marker": added,
        "problem_messages": PROBLEM_MESSAGES,
    }


def _share_form(
    request: HttpRequest,
    actor: Actor,
    item: Any,
    network: Network,
    *,
    text: str | None = None,
    instance: str | None = None,
    error: DomainError | None = None,
) -> HttpResponse:
    """The share page: the suggested text (or what was sent back), with its feedback."""
    draft = share_draft(actor=actor, content_id=item.pk, network=network)
    if instance is None:
        instance = (
            SharingProfile.objects.filter(membership=actor.membership)
            .values_list("mastodon_instance", flat=True)
            .first()
        ) or ""
    body = draft.body if text is None else text[:TEXT_MAX]
    context: dict[str, Any] = {
        "item": item,
        "network": network,
        "rules": RULES[network],
        "networks": list(RULES.values()),
        "draft": draft,
        "text": body,
        "instance": instance[:300],
        "blocker": sharing_blocker(actor),
        "text_max": TEXT_MAX,
        "error": error,
        **_feedback(item, network, body.strip()),
    }
    if isinstance(error, ComplianceBlocked):
        context["result"] = error.result
    response = render(request, "sharing/share.html", context, status=400 if error else 200)
    response["Content-Security-Policy"] = HANDOVER_SECURITY_POLICY
    return response


@login_required
@require_safe
def share_page(request: HttpRequest, content_id: int) -> HttpResponse:
    actor = page_actor(request, Action.SHARES_CREATE)
    item = _item_or_404(actor, content_id)
    return _share_form(request, actor, item, _network(request.GET.get("network", "")))


@login_required
@require_POST
def share_check(request: HttpRequest, content_id: int) -> HttpResponse:
    """The live feedback under the text as the person types (an htmx fragment)."""
    actor = page_actor(request, Action.SHARES_CREATE)
    item = _item_or_404(actor, content_id)
    network = _network(request.POST.get("network", ""))
    body = request.POST.get("text", "")[:TEXT_MAX].strip()
    return render(request, "sharing/_feedback.html", _feedback(item, network, body))


@login_required
@require_POST
def share_submit(request: HttpRequest, content_id: int) -> HttpResponse:
    """Create the share, then hand over to the network: its composer for intent networks, the
    share's page (copy the text, then open the app) for Facebook and Instagram."""
    actor = page_actor(request, Action.SHARES_CREATE)
    item = _item_or_404(actor, content_id)
    network = _network(request.POST.get("network", ""))
    text = request.POST.get("text", "")
    try:
        result = share_create(
            actor=actor,
            content_id=item.pk,
            network=network,
            text=text,
            instance=request.POST.get("instance", ""),
            sharer=sharer_of(request),
        )
    except DomainError as error:
        return _share_form(
            request,
            actor,
            item,
            network,
            text=text,
            instance=request.POST.get("instance", ""),
            error=error,
        )
    share = result.share
    if share.network in (Network.FACEBOOK, Network.INSTAGRAM):
        return redirect("sharing:share_detail", share_id=share.pk)
    return redirect(share.intent_url)


def _share_or_404(actor: Actor, share_id: int) -> Share:
    try:
        return share_get(actor=actor, share_id=share_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_safe
def share_detail(request: HttpRequest, share_id: int) -> HttpResponse:
    actor = page_actor(request, Action.SHARES_CREATE)
    share = _share_or_404(actor, share_id)
    return render(
        request,
        "sharing/share_detail.html",
        {
            "share": share,
            "rules": RULES[Network(share.network)],
            "tracked_url": tracked_url(share.link.code),
            "copy_first": share.network in (Network.FACEBOOK, Network.INSTAGRAM),
        },
    )


@login_required
@require_POST
def share_metrics_view(request: HttpRequest, share_id: int) -> HttpResponse:
    """The employee enters the likes, reposts and comments their share got."""
    actor = page_actor(request, Action.SHARES_CREATE)
    _share_or_404(actor, share_id)

    def number(name: str) -> int:
        value = request.POST.get(name, "").strip() or "0"
        if not value.isdigit():
            raise DomainError(_("Enter whole numbers."), fields={name: [_("Not a number.")]})
        return int(value)

    try:
        share_metrics_enter(
            actor=actor,
            share_id=share_id,
            reactions=Reactions(
                likes=number("likes"), reposts=number("reposts"), replies=number("replies")
            ),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: the numbers are saved."))
    return redirect("sharing:share_detail", share_id=share_id)


@login_required
@require_POST
def share_confirm_view(request: HttpRequest, share_id: int) -> HttpResponse:
    actor = page_actor(request, Action.SHARES_CREATE)
    _share_or_404(actor, share_id)
    share_confirm(actor=actor, share_id=share_id)
    messages.success(request, _("Thank you for sharing!"))
    return redirect("sharing:share_detail", share_id=share_id)
