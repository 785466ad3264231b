"""The review of held points (the fraud check's findings), and the program's corrections."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ouendan.accounts.forms import add_domain_error
from ouendan.accounts.permissions import Action, Actor
from ouendan.accounts.views.people import page_actor
from ouendan.core.errors import DomainError, NotFound
from ouendan.engagement.explain import entry_explanation, flag_label
from ouendan.engagement.forms import AdjustForm, ConfirmForm, ReverseForm
from ouendan.engagement.selectors import (
    EntryFilter,
    person_by_handle,
    point_entries,
    review_counts,
)
from ouendan.engagement.services.ledger import (
    point_entry_confirm,
    point_entry_reverse,
    points_adjust,
)

PAGE_SIZE = 25
TABS = ("flagged", "held")


def _render(
    request: HttpRequest, actor: Actor, *, adjust: AdjustForm | None = None, status: int = 200
) -> HttpResponse:
    tab = request.GET.get("tab", "flagged")
    if tab not in TABS:
        tab = "flagged"
    entries = point_entries(
        actor=actor, filters=EntryFilter(status="pending", flagged=tab == "flagged")
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/review.html",
        {
            "tab": tab,
            "counts": review_counts(actor=actor),
            "page_obj": page,
            "rows": [
                (entry, entry_explanation(entry), flag_label(entry.flag) if entry.flag else "")
                for entry in page
            ],
            "adjust": adjust or AdjustForm(),
        },
        status=status,
    )


@login_required
@require_safe
def review_page(request: HttpRequest) -> HttpResponse:
    return _render(request, page_actor(request, Action.ENGAGEMENT_MANAGE))


def _decided(request: HttpRequest, error: DomainError | None, done: str) -> HttpResponse:
    if isinstance(error, NotFound):
        raise Http404(error.message)
    if error is not None:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    back = reverse("engagement:review")
    return redirect(f"{back}?tab=held" if request.POST.get("tab") == "held" else back)


@login_required
@require_POST
def confirm_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = page_actor(request, Action.ENGAGEMENT_MANAGE)
    form = ConfirmForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        point_entry_confirm(actor=actor, entry_id=entry_id, note=note)
    except DomainError as error:
        return _decided(request, error, "")
    return _decided(request, None, _("The points count now."))


@login_required
@require_POST
def reverse_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = page_actor(request, Action.ENGAGEMENT_MANAGE)
    form = ReverseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        point_entry_reverse(actor=actor, entry_id=entry_id, reason=reason)
    except DomainError as error:
        return _decided(request, error, "")
    return _decided(request, None, _("The points were reversed; the person sees why."))


@login_required
@require_POST
def adjust_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.ENGAGEMENT_MANAGE)
    form = AdjustForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            person = person_by_handle(actor=actor, handle=data["person"])
            points_adjust(
                actor=actor, membership_id=person.pk, points=data["points"], reason=data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(points)+d points for %(name)s, with your reason.")
                % {"points": data["points"], "name": person.full_name},
            )
            return redirect("engagement:review")
    return _render(request, actor, adjust=form, status=400)
