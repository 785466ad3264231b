"""Posts Ouendan publishes for the person: the panel on the share page ("post it for me", now or
at a suggested time), their list with cancel, reschedule and try again."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST, require_safe

from ouendan.accounts.permissions import Action, Actor
from ouendan.accounts.views.people import page_actor
from ouendan.core.errors import DomainError, NotFound
from ouendan.integrations.models import ScheduledPost
from ouendan.integrations.selectors import (
    DIRECT_NETWORKS,
    POST_TABS,
    account_for_network,
    network_available,
    post_get,
    posts_mine,
)
from ouendan.integrations.services.accounts import failure_reason, network_label
from ouendan.integrations.services.publishing import (
    post_cancel,
    post_reschedule,
    post_retry,
    post_schedule,
    posting_time_suggest,
)
from ouendan.sharing.selectors import feed_item_check
from ouendan.sharing.views.common import sharer_of

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def local_input(moment: datetime, actor: Actor) -> str:
    """A moment as a ``datetime-local`` input shows it, in the organization's time zone."""
    return timezone.localtime(moment, ZoneInfo(actor.organization.time_zone)).strftime(LOCAL_INPUT)


def parse_local(value: str, actor: Actor) -> datetime:
    try:
        naive = datetime.strptime(value.strip(), LOCAL_INPUT)
    except ValueError as exc:
        raise DomainError(
            _("Choose a date and a time."), code="invalid_time", fields={"at": [_("Required.")]}
        ) from exc
    return naive.replace(tzinfo=ZoneInfo(actor.organization.time_zone))


@login_required
@require_safe
def compose_panel(request: HttpRequest, content_id: int) -> HttpResponse:
    """The share page's "post it for me" part (htmx): only for networks Ouendan can post to."""
    actor = page_actor(request, Action.POSTS_SCHEDULE)
    _feed_item_or_404(actor, content_id)
    network = request.GET.get("network", "")
    if not request.htmx:  # type: ignore[attr-defined]  # a fragment: the page it belongs to
        return redirect(f"{reverse('sharing:share', args=[content_id])}?network={network[:16]}")
    context: dict[str, Any] = {"content_id": content_id, "network": network}
    if network not in DIRECT_NETWORKS or not network_available(actor.organization, network):
        return HttpResponse("")
    context["label"] = network_label(network)
    account = account_for_network(actor=actor, network=network)
    context["account"] = account
    if account is not None and account.status == account.Status.ACTIVE:
        try:
            plan = posting_time_suggest(
                actor=actor, content_id=content_id, network=network, now=timezone.now()
            )
            context["suggested"] = local_input(plan.at, actor)
        except DomainError as error:
            context["suggest_error"] = error.message
    return render(request, "integrations/_compose.html", context)


@login_required
@require_POST
def post_new_view(request: HttpRequest, content_id: int) -> HttpResponse:
    actor = page_actor(request, Action.POSTS_SCHEDULE)
    _feed_item_or_404(actor, content_id)
    network = request.POST.get("network", "")
    share_page = f"{reverse('sharing:share', args=[content_id])}?network={network}"
    try:
        at = (
            None
            if request.POST.get("when") != "later"
            else parse_local(request.POST.get("at", ""), actor)
        )
        scheduled = post_schedule(
            actor=actor,
            content_id=content_id,
            network=network,
            text=request.POST.get("text"),
            at=at,
            sharer=sharer_of(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(share_page)
    for note in scheduled.notes:
        messages.info(request, note)
    post = scheduled.post
    if post.scheduled_for <= timezone.now():
        messages.success(
            request, _("Posting to %(network)s now.") % {"network": network_label(network)}
        )
    else:
        messages.success(
            request,
            _("Scheduled for %(when)s on %(network)s.")
            % {"when": local_input(post.scheduled_for, actor).replace("T", " "),
               "network": network_label(network)},
        )  # fmt: skip
    return redirect("integrations:posts")


@login_required
@require_safe
def posts_page(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.POSTS_SCHEDULE)
    tab = request.GET.get("tab", "upcoming")
    if tab not in POST_TABS:
        tab = "upcoming"
    page = Paginator(posts_mine(actor=actor, tab=tab), 20).get_page(request.GET.get("page"))
    rows = [
        {
            "post": post,
            "at_input": local_input(post.scheduled_for, actor),
            "reason": failure_reason(post.error_code),
        }
        for post in page.object_list
    ]
    return render(
        request,
        "integrations/posts.html",
        {
            "tab": tab,
            "tabs": [
                ("upcoming", pgettext("scheduled posts", "Upcoming")),
                ("published", pgettext("scheduled posts", "Published")),
                ("failed", pgettext("scheduled posts", "Failed")),
                ("cancelled", pgettext("scheduled posts", "Cancelled")),
            ],
            "page": page,
            "rows": rows,
            "State": ScheduledPost.State,
        },
    )


def _feed_item_or_404(actor: Actor, content_id: int) -> None:
    try:
        feed_item_check(actor=actor, content_id=content_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _post_or_404(actor: Actor, post_id: int) -> None:
    try:
        post_get(actor=actor, post_id=post_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _back_to_posts(request: HttpRequest) -> HttpResponse:
    tab = request.POST.get("tab", "")
    url = reverse("integrations:posts")
    return redirect(f"{url}?tab={tab}" if tab in POST_TABS else url)


@login_required
@require_POST
def post_cancel_view(request: HttpRequest, post_id: int) -> HttpResponse:
    actor = page_actor(request, Action.POSTS_SCHEDULE)
    _post_or_404(actor, post_id)
    try:
        post_cancel(actor=actor, post_id=post_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The post is cancelled; nothing was sent."))
    return _back_to_posts(request)


@login_required
@require_POST
def post_reschedule_view(request: HttpRequest, post_id: int) -> HttpResponse:
    actor = page_actor(request, Action.POSTS_SCHEDULE)
    _post_or_404(actor, post_id)
    try:
        plan = post_reschedule(
            actor=actor, post_id=post_id, at=parse_local(request.POST.get("at", ""), actor)
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        for note in plan.notes:
            messages.info(request, note)
        messages.success(
            request,
            _("Moved to %(when)s.") % {"when": local_input(plan.at, actor).replace("T", " ")},
        )
    return _back_to_posts(request)


@login_required
@require_POST
def post_retry_view(request: HttpRequest, post_id: int) -> HttpResponse:
    actor = page_actor(request, Action.POSTS_SCHEDULE)
    _post_or_404(actor, post_id)
    try:
        post_retry(actor=actor, post_id=post_id, checked=request.POST.get("checked") == "on")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Trying again now."))
    return _back_to_posts(request)
