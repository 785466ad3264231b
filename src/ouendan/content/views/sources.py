"""Feed source pages: the list with each feed's health, adding one, one source (edit, what it
imported, poll now) and removing it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ouendan.accounts.forms import add_domain_error
from ouendan.accounts.permissions import Action, Actor
from ouendan.accounts.views.people import page_actor
from ouendan.content.forms import SourceForm
from ouendan.content.models import Source
from ouendan.content.selectors import (
    campaign_choices,
    source_entries,
    source_get,
    sources_list,
    topic_choices,
)
from ouendan.content.services.sources import (
    PollResult,
    source_create,
    source_delete,
    source_poll_now,
    source_update,
)
from ouendan.core.errors import DomainError, NotFound

PAGE_SIZE = 30


def _source_or_404(actor: Actor, source_id: int) -> Source:
    try:
        return source_get(actor=actor, source_id=source_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _form(request: HttpRequest, actor: Actor, initial: dict[str, object]) -> SourceForm:
    return SourceForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        topics=topic_choices(actor=actor),
        campaigns=campaign_choices(actor=actor),
    )


def _report(request: HttpRequest, result: PollResult) -> None:
    if result.error_code:
        messages.error(request, _("The feed could not be read: %(why)s") % {"why": result.error})
        return
    messages.success(
        request,
        ngettext("%(count)d new draft.", "%(count)d new drafts.", result.created)
        % {"count": result.created},
    )


@login_required
@require_safe
def sources(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.SOURCES_MANAGE)
    page = Paginator(sources_list(actor=actor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "content/sources/list.html", {"page_obj": page})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def source_create_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.SOURCES_MANAGE)
    form = _form(request, actor, {"poll_minutes": 60, "active": True})
    if request.method == "POST" and form.is_valid():
        try:
            source, result = source_create(actor=actor, data=form.source_data(creating=True))
        except DomainError as error:
            add_domain_error(form, error, {"topic_ids": "topics", "campaign_id": "campaign"})
        else:
            _report(request, result)
            return redirect("content:source_detail", source_id=source.pk)
    return render(request, "content/sources/form.html", {"form": form, "source": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def source_detail(request: HttpRequest, source_id: int) -> HttpResponse:
    actor = page_actor(request, Action.SOURCES_MANAGE)
    source = _source_or_404(actor, source_id)
    form = _form(
        request,
        actor,
        {
            "name": source.name,
            "url": source.url,
            "topics": [t.pk for t in source.topics.all()],
            "campaign": source.campaign_id,
            "promotional": source.promotional,
            "poll_minutes": source.poll_minutes,
            "active": source.active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            source_update(actor=actor, source_id=source.pk, data=form.source_data(creating=False))
        except DomainError as error:
            add_domain_error(form, error, {"topic_ids": "topics", "campaign_id": "campaign"})
        else:
            messages.success(request, _("Source saved."))
            return redirect("content:source_detail", source_id=source.pk)
    entries = Paginator(source_entries(actor=actor, source_id=source.pk), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "content/sources/detail.html",
        {"source": source, "form": form, "page_obj": entries},
    )


@login_required
@require_POST
def source_poll_view(request: HttpRequest, source_id: int) -> HttpResponse:
    actor = page_actor(request, Action.SOURCES_MANAGE)
    source = _source_or_404(actor, source_id)
    _report(request, source_poll_now(actor=actor, source_id=source.pk))
    return redirect("content:source_detail", source_id=source.pk)


@login_required
@require_POST
def source_delete_view(request: HttpRequest, source_id: int) -> HttpResponse:
    actor = page_actor(request, Action.SOURCES_MANAGE)
    source = _source_or_404(actor, source_id)
    source_delete(actor=actor, source_id=source.pk)
    messages.success(
        request, _("%(name)s was removed; its drafts stay in the library.") % {"name": source.name}
    )
    return redirect("content:sources")
