"""The crisis pause page: the switch (with a reason), resuming (with a confirmation), and the
record of every pause."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ouendan.accounts.permissions import Action
from ouendan.accounts.views.people import page_actor
from ouendan.core.errors import DomainError
from ouendan.governance.selectors import crisis_pause_active, crisis_pauses
from ouendan.governance.services.crisis import crisis_pause_end, crisis_pause_start


@login_required
@require_safe
def crisis_page(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.CRISIS_PAUSE)
    return render(
        request,
        "governance/crisis.html",
        {
            "pause": crisis_pause_active(actor.organization.pk),
            "history": list(crisis_pauses(actor=actor)[:20]),
        },
    )


@login_required
@require_POST
def crisis_pause_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.CRISIS_PAUSE)
    try:
        crisis_pause_start(actor=actor, reason=request.POST.get("reason", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.warning(request, _("Sharing is paused for the whole organization."))
    return redirect("governance:crisis")


@login_required
@require_POST
def crisis_resume_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.CRISIS_PAUSE)
    try:
        crisis_pause_end(
            actor=actor,
            confirm=request.POST.get("confirm") == "on",
            note=request.POST.get("note", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Sharing has resumed; what was held goes out now."))
    return redirect("governance:crisis")
