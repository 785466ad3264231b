"""KPI goal pages: the goals with their progress (everyone who reads analytics), and setting,
changing and removing them (the program)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ouendan.accounts.forms import add_domain_error
from ouendan.accounts.permissions import Action, Actor, can
from ouendan.accounts.selectors import department_choices
from ouendan.accounts.views.people import page_actor
from ouendan.analytics.forms import GoalForm, goal_initial, new_goal_initial
from ouendan.analytics.models import KpiGoal
from ouendan.analytics.selectors.goals import (
    goal_get,
    goal_metric_choices,
    goal_progress_list,
    period_presets,
)
from ouendan.analytics.services.goals import goal_create, goal_delete, goal_update
from ouendan.core.errors import DomainError, NotFound


@login_required
@require_safe
def goals_page(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.ANALYTICS_VIEW)
    goals = goal_progress_list(actor=actor)
    groups = [
        ("current", _("Under way"), [g for g in goals if g.measured_until and not g.ended]),
        ("upcoming", _("Not started yet"), [g for g in goals if g.measured_until is None]),
        ("ended", _("Ended"), [g for g in goals if g.ended]),
    ]
    return render(
        request,
        "analytics/goals/goals.html",
        {
            "groups": [group for group in groups if group[2]],
            "count": len(goals),
            "can_manage": can(actor, Action.ANALYTICS_MANAGE),
        },
    )


@login_required
@require_safe
def goals_panel(request: HttpRequest) -> HttpResponse:
    """The overview's goals panel (goals under way and just ended), loaded by htmx."""
    actor = page_actor(request, Action.ANALYTICS_VIEW)
    if not request.htmx:  # type: ignore[attr-defined]  # a fragment: the goals page instead
        return redirect("analytics:goals")
    return render(
        request,
        "analytics/goals/_panel.html",
        {"goals": goal_progress_list(actor=actor, current_only=True)},
    )


def _goal_or_404(actor: Actor, goal_id: int) -> KpiGoal:
    try:
        return goal_get(actor=actor, goal_id=goal_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _form_page(request: HttpRequest, actor: Actor, goal: KpiGoal | None) -> HttpResponse:
    presets = period_presets(actor=actor)
    form = GoalForm(
        request.POST if request.method == "POST" else None,
        metrics=goal_metric_choices(),
        departments=department_choices(actor=actor),
        presets=presets,
        initial=goal_initial(goal, presets) if goal else new_goal_initial(presets),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if goal is None:
                goal_create(actor=actor, data=form.goal_data())
                messages.success(request, _("Goal set. Its baseline is kept as it is now."))
            else:
                goal_update(actor=actor, goal_id=goal.pk, data=form.goal_data())
                messages.success(request, _("Goal saved."))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("analytics:goals")
    return render(
        request,
        "analytics/goals/form.html",
        {"form": form, "goal": goal},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def goal_create_view(request: HttpRequest) -> HttpResponse:
    return _form_page(request, page_actor(request, Action.ANALYTICS_MANAGE), None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def goal_edit_view(request: HttpRequest, goal_id: int) -> HttpResponse:
    actor = page_actor(request, Action.ANALYTICS_MANAGE)
    return _form_page(request, actor, _goal_or_404(actor, goal_id))


@login_required
@require_POST
def goal_delete_view(request: HttpRequest, goal_id: int) -> HttpResponse:
    actor = page_actor(request, Action.ANALYTICS_MANAGE)
    goal = _goal_or_404(actor, goal_id)
    goal_delete(actor=actor, goal_id=goal.pk)
    messages.success(request, _("Goal “%(name)s” removed.") % {"name": goal.name})
    return redirect("analytics:goals")
