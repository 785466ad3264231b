"""The home page: where the signed-in person can go next, and the organization at a glance."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ouendan.accounts.permissions import Action, Actor, can
from ouendan.accounts.selectors import organization_summary
from ouendan.content.selectors import content_todo
from ouendan.governance.selectors import review_queue


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor: Actor | None = getattr(request, "actor", None)
    summary = (
        organization_summary(actor=actor)
        if actor is not None and can(actor, Action.PEOPLE_VIEW)
        else None
    )
    todo = content_todo(actor=actor) if actor is not None else None
    reviews = (
        len(review_queue(actor=actor))
        if actor is not None and can(actor, Action.CONTENT_VIEW)
        else 0
    )
    return render(request, "core/home.html", {"summary": summary, "todo": todo, "reviews": reviews})
