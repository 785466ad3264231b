"""Review pages: an item's review panel (loaded into the content page), the same as a page of
its own, the reviewer's decision, and the reviewer's queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ouendan.accounts.permissions import Action, Actor
from ouendan.accounts.views.people import page_actor
from ouendan.content.selectors import content_get
from ouendan.core.errors import DomainError, NotFound
from ouendan.governance.selectors import ReviewView, review_queue, review_view
from ouendan.governance.services.reviews import review_decide


def _view_or_404(actor: Actor, content_id: int) -> ReviewView:
    try:
        return review_view(actor=actor, content_id=content_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _context(actor: Actor, content_id: int) -> dict[str, object]:
    view = _view_or_404(actor, content_id)
    return {"review": view, "item": content_get(actor=actor, content_id=content_id)}


@login_required
@require_safe
def review_panel(request: HttpRequest, content_id: int) -> HttpResponse:
    """The panel the content page loads (htmx): stages, decisions, the decision form."""
    actor = page_actor(request, Action.CONTENT_VIEW)
    context = _context(actor, content_id)
    if not getattr(request, "htmx", False):
        return redirect("governance:review", content_id=content_id)
    return render(request, "governance/_review_panel.html", context)


@login_required
@require_safe
def review_page(request: HttpRequest, content_id: int) -> HttpResponse:
    actor = page_actor(request, Action.CONTENT_VIEW)
    return render(request, "governance/review.html", _context(actor, content_id))


@login_required
@require_POST
def review_decide_view(request: HttpRequest, content_id: int) -> HttpResponse:
    actor = page_actor(request, Action.CONTENT_VIEW)
    _view_or_404(actor, content_id)
    decision = request.POST.get("decision", "")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        review_decide(
            actor=actor,
            content_id=content_id,
            decision=decision,
            comment=request.POST.get("comment", ""),
            version=version,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            {
                "approve": _("Approved."),
                "changes": _("Sent back to the curator with your comment."),
                "reject": _("Rejected: the content is archived with your reason."),
            }[decision],
        )
    return redirect("content:detail", content_id=content_id)


@login_required
@require_safe
def review_queue_page(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.CONTENT_VIEW)
    return render(request, "governance/queue.html", {"rows": review_queue(actor=actor)})
