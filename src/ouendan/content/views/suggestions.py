"""Suggestions: anyone's "suggest a link" page (with their own suggestions), and the curators'
queue where each one is accepted or declined."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ouendan.accounts.forms import add_domain_error
from ouendan.accounts.permissions import Action, Actor
from ouendan.accounts.views.people import page_actor
from ouendan.content.forms import SUGGESTION_STATUS_CHOICES, DeclineForm, SuggestionForm
from ouendan.content.models import Suggestion
from ouendan.content.selectors import suggestion_get, suggestions_list
from ouendan.content.services.suggestions import (
    suggestion_accept,
    suggestion_create,
    suggestion_decline,
    suggestion_withdraw,
)
from ouendan.core.errors import DomainError, NotFound

PAGE_SIZE = 30


def _check_exists(actor: Actor, suggestion_id: int) -> None:
    try:
        suggestion_get(actor=actor, suggestion_id=suggestion_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def suggest(request: HttpRequest) -> HttpResponse:
    """Suggest a link; below, the person's own suggestions and what became of them."""
    actor = page_actor(request, Action.SUGGESTIONS_CREATE)
    form = SuggestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            suggestion_create(
                actor=actor, url=form.cleaned_data["url"], comment=form.cleaned_data["comment"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Thank you! A curator will look at your suggestion."))
            return redirect("content:suggest")
    mine = Paginator(suggestions_list(actor=actor, mine=True), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "content/suggestions/suggest.html", {"form": form, "page_obj": mine})


@login_required
@require_safe
def suggestions(request: HttpRequest) -> HttpResponse:
    """The curators' queue: pending first by default."""
    actor = page_actor(request, Action.SUGGESTIONS_REVIEW)
    status = request.GET.get("status", Suggestion.Status.PENDING)
    if status not in dict(SUGGESTION_STATUS_CHOICES):
        status = Suggestion.Status.PENDING
    page = Paginator(suggestions_list(actor=actor, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "content/suggestions/queue.html",
        {
            "page_obj": page,
            "status": status,
            "statuses": SUGGESTION_STATUS_CHOICES,
            "decline_form": DeclineForm(),
        },
    )


@login_required
@require_POST
def suggestion_accept_view(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    actor = page_actor(request, Action.SUGGESTIONS_REVIEW)
    _check_exists(actor, suggestion_id)
    try:
        item = suggestion_accept(actor=actor, suggestion_id=suggestion_id)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("content:suggestions")
    messages.success(request, _("Accepted: here is the draft. Write its suggested texts."))
    return redirect("content:edit", content_id=item.pk)


@login_required
@require_POST
def suggestion_decline_view(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    actor = page_actor(request, Action.SUGGESTIONS_REVIEW)
    _check_exists(actor, suggestion_id)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you decline it: the person who suggested it reads it."))
        return redirect("content:suggestions")
    try:
        suggestion_decline(
            actor=actor, suggestion_id=suggestion_id, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Declined; the reason is shown to the person."))
    return redirect("content:suggestions")


@login_required
@require_POST
def suggestion_withdraw_view(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    actor = page_actor(request, Action.SUGGESTIONS_CREATE)
    try:
        suggestion_withdraw(actor=actor, suggestion_id=suggestion_id)
    except DomainError as error:
        if isinstance(error, NotFound):
            raise Http404(error.message) from error
        messages.error(request, error.message)
    else:
        messages.success(request, _("Suggestion withdrawn."))
    return redirect("content:suggest")
