"""Contest pages: the list (join or leave), one contest with its live standings, and the
program's form to create, change or cancel one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ouendan.accounts.forms import add_domain_error
from ouendan.accounts.permissions import Action, Actor, can
from ouendan.accounts.views.people import page_actor
from ouendan.core.errors import DomainError, NotFound
from ouendan.engagement.forms_contests import CancelForm, ContestForm, contest_initial
from ouendan.engagement.models import Contest
from ouendan.engagement.selectors_contests import (
    ContestCard,
    contest_card,
    contest_standings,
    contests_open,
    contests_past,
    local_today,
    metric_unit,
    phase_label,
)
from ouendan.engagement.services.contests import (
    contest_cancel,
    contest_create,
    contest_join,
    contest_leave,
    contest_update,
)

STANDINGS_REFRESH_SECONDS = 30


def _card_or_404(actor: Actor, contest_id: int) -> ContestCard:
    try:
        return contest_card(actor=actor, contest_id=contest_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_safe
def contests_page(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.ENGAGEMENT_VIEW)
    return render(
        request,
        "engagement/contests/list.html",
        {
            "open": contests_open(actor=actor),
            "past": contests_past(actor=actor),
            "can_manage": can(actor, Action.CONTESTS_MANAGE),
            "can_join": can(actor, Action.CONTESTS_JOIN) and actor.membership is not None,
        },
    )


def _standings_context(request: HttpRequest, actor: Actor, contest_id: int) -> dict[str, object]:
    try:
        standings = contest_standings(actor=actor, contest_id=contest_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    contest = standings.card.contest
    return {
        "standings": standings,
        "contest": contest,
        "card": standings.card,
        "unit": metric_unit(contest.metric),
        "phase": phase_label(standings.card.phase),
        "live": standings.card.phase == "running",
        "refresh": STANDINGS_REFRESH_SECONDS,
    }


@login_required
@require_safe
def contest_page(request: HttpRequest, contest_id: int) -> HttpResponse:
    actor = page_actor(request, Action.ENGAGEMENT_VIEW)
    context = _standings_context(request, actor, contest_id)
    context.update(
        {
            "can_manage": can(actor, Action.CONTESTS_MANAGE),
            "can_join": can(actor, Action.CONTESTS_JOIN) and actor.membership is not None,
            "cancel_form": CancelForm(),
        }
    )
    return render(request, "engagement/contests/detail.html", context)


@login_required
@require_safe
def contest_standings_view(request: HttpRequest, contest_id: int) -> HttpResponse:
    """The standings alone, for htmx to refresh them in place."""
    actor = page_actor(request, Action.ENGAGEMENT_VIEW)
    context = _standings_context(request, actor, contest_id)
    if not getattr(request, "htmx", False):
        return redirect("engagement:contest", contest_id=contest_id)
    return render(request, "engagement/contests/_standings.html", context)


def _form_page(request: HttpRequest, actor: Actor, contest: Contest | None) -> HttpResponse:
    initial = (
        contest_initial(contest)
        if contest
        else {"kind": Contest.Kind.INDIVIDUAL, "starts_on": local_today(actor.organization)}
    )
    form = ContestForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if contest is None:
                contest = contest_create(actor=actor, data=form.data_out())
                messages.success(request, _("The contest is open: people can join it now."))
            else:
                contest_update(actor=actor, contest_id=contest.pk, data=form.data_out())
                messages.success(request, _("Contest saved."))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("engagement:contest", contest_id=contest.pk)
    return render(
        request,
        "engagement/contests/form.html",
        {"form": form, "contest": contest},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def contest_create_view(request: HttpRequest) -> HttpResponse:
    return _form_page(request, page_actor(request, Action.CONTESTS_MANAGE), None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def contest_edit_view(request: HttpRequest, contest_id: int) -> HttpResponse:
    actor = page_actor(request, Action.CONTESTS_MANAGE)
    return _form_page(request, actor, _card_or_404(actor, contest_id).contest)


def _done(
    request: HttpRequest, contest_id: int, error: DomainError | None, text: str
) -> HttpResponse:
    if isinstance(error, NotFound):
        raise Http404(error.message)
    if error is not None:
        messages.error(request, error.message)
    else:
        messages.success(request, text)
    return redirect("engagement:contest", contest_id=contest_id)


@login_required
@require_POST
def contest_join_view(request: HttpRequest, contest_id: int) -> HttpResponse:
    actor = page_actor(request, Action.CONTESTS_JOIN)
    try:
        contest_join(actor=actor, contest_id=contest_id)
    except DomainError as error:
        return _done(request, contest_id, error, "")
    return _done(request, contest_id, None, _("You are in. Good luck!"))


@login_required
@require_POST
def contest_leave_view(request: HttpRequest, contest_id: int) -> HttpResponse:
    actor = page_actor(request, Action.CONTESTS_JOIN)
    try:
        contest_leave(actor=actor, contest_id=contest_id)
    except DomainError as error:
        return _done(request, contest_id, error, "")
    return _done(request, contest_id, None, _("You left the contest."))


@login_required
@require_POST
def contest_cancel_view(request: HttpRequest, contest_id: int) -> HttpResponse:
    actor = page_actor(request, Action.CONTESTS_MANAGE)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        contest_cancel(actor=actor, contest_id=contest_id, reason=reason)
    except DomainError as error:
        return _done(request, contest_id, error, "")
    return _done(request, contest_id, None, _("The contest was cancelled."))
