"""Campaign pages: the list with progress, one campaign with its content, create and edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ouendan.accounts.forms import add_domain_error
from ouendan.accounts.permissions import Action, Actor, can
from ouendan.accounts.views.people import page_actor
from ouendan.content.forms import CampaignForm
from ouendan.content.models import Campaign
from ouendan.content.selectors import (
    LibraryFilter,
    campaign_get,
    campaign_progress,
    campaigns_list,
    campaigns_progress,
    library_list,
)
from ouendan.content.services.campaigns import campaign_archive, campaign_create, campaign_update
from ouendan.core.errors import DomainError, NotFound

PAGE_SIZE = 30


def _campaign_or_404(actor: Actor, campaign_id: int) -> Campaign:
    try:
        return campaign_get(actor=actor, campaign_id=campaign_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_safe
def campaigns(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.CONTENT_VIEW)
    archived = request.GET.get("archived") == "1"
    rows = campaigns_list(actor=actor, include_archived=archived)
    if archived:
        rows = rows.filter(archived_at__isnull=False)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "content/campaigns/list.html",
        {
            "page_obj": page,
            "rows": campaigns_progress(list(page)),
            "archived": archived,
            "can_manage": can(actor, Action.CAMPAIGNS_MANAGE),
        },
    )


@login_required
@require_safe
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = page_actor(request, Action.CONTENT_VIEW)
    campaign = _campaign_or_404(actor, campaign_id)
    items = library_list(actor=actor, filters=LibraryFilter(campaign_id=campaign.pk))
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "content/campaigns/detail.html",
        {
            "campaign": campaign,
            "progress": campaign_progress(campaign),
            "page_obj": page,
            "can_manage": can(actor, Action.CAMPAIGNS_MANAGE),
            "can_add_content": can(actor, Action.CONTENT_MANAGE),
        },
    )


def _form_page(request: HttpRequest, actor: Actor, campaign: Campaign | None) -> HttpResponse:
    initial = (
        {
            "name": campaign.name,
            "slug": campaign.slug,
            "description": campaign.description,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "goal": campaign.goal,
            "goal_target": campaign.goal_target,
        }
        if campaign
        else {}
    )
    form = CampaignForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if campaign is None:
                campaign = campaign_create(actor=actor, data=form.campaign_data(creating=True))
                messages.success(request, _("Campaign started."))
            else:
                campaign_update(
                    actor=actor, campaign_id=campaign.pk, data=form.campaign_data(creating=False)
                )
                messages.success(request, _("Campaign saved."))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("content:campaign_detail", campaign_id=campaign.pk)
    return render(request, "content/campaigns/form.html", {"form": form, "campaign": campaign})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_create_view(request: HttpRequest) -> HttpResponse:
    return _form_page(request, page_actor(request, Action.CAMPAIGNS_MANAGE), None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = page_actor(request, Action.CAMPAIGNS_MANAGE)
    return _form_page(request, actor, _campaign_or_404(actor, campaign_id))


@login_required
@require_POST
def campaign_archive_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = page_actor(request, Action.CAMPAIGNS_MANAGE)
    campaign = _campaign_or_404(actor, campaign_id)
    archive = request.POST.get("archived", "1") == "1"
    campaign_archive(actor=actor, campaign_id=campaign.pk, archived=archive)
    messages.success(request, _("Campaign closed.") if archive else _("Campaign reopened."))
    return redirect("content:campaign_detail", campaign_id=campaign.pk)
