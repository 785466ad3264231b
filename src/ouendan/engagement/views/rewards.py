"""Reward pages: the catalog with one's points and requests; the program's page (requests to
decide, budgets, the catalog, the history) and its forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ouendan.accounts.forms import add_domain_error
from ouendan.accounts.permissions import Action, Actor, can
from ouendan.accounts.views.people import page_actor
from ouendan.core.errors import DomainError, NotFound
from ouendan.engagement.forms_rewards import (
    ApproveForm,
    BudgetForm,
    RedeemForm,
    RejectForm,
    RewardForm,
    budget_initial,
    reward_initial,
)
from ouendan.engagement.models import Redemption, Reward, RewardBudget
from ouendan.engagement.selectors_rewards import (
    budget_for_day,
    points_spendable,
    redemptions_list,
    redemptions_mine,
    reward_budget_get,
    reward_budgets,
    reward_get,
    rewards_catalog,
)
from ouendan.engagement.services.rewards import (
    redemption_approve,
    redemption_cancel,
    redemption_reject,
    reward_budget_create,
    reward_budget_update,
    reward_create,
    reward_redeem,
    reward_update,
)

PAGE_SIZE = 20
TABS = ("pending", "history")


def _outcome(request: HttpRequest, error: DomainError | None, done: str, back: str) -> HttpResponse:
    if isinstance(error, NotFound):
        raise Http404(error.message)
    if error is not None:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(back)


# --- People ---------------------------------------------------------------------------------------


@login_required
@require_safe
def rewards_page(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.POINTS_VIEW_OWN)
    spendable = points_spendable(actor=actor)
    history = Paginator(redemptions_mine(actor=actor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/rewards/catalog.html",
        {
            "spendable": spendable,
            "catalog": rewards_catalog(actor=actor, spendable=spendable),
            "page_obj": history,
            "redeem_form": RedeemForm(),
            "can_redeem": can(actor, Action.REWARDS_REDEEM),
            "can_manage": can(actor, Action.REWARDS_MANAGE),
        },
    )


@login_required
@require_POST
def reward_redeem_view(request: HttpRequest, reward_id: int) -> HttpResponse:
    actor = page_actor(request, Action.REWARDS_REDEEM)
    form = RedeemForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    back = reverse("engagement:rewards")
    try:
        reward_redeem(actor=actor, reward_id=reward_id, note=note)
    except DomainError as error:
        return _outcome(request, error, "", back)
    return _outcome(
        request,
        None,
        _("Asked. Your points are held until the program decides; you can withdraw meanwhile."),
        back,
    )


@login_required
@require_POST
def redemption_cancel_view(request: HttpRequest, redemption_id: int) -> HttpResponse:
    actor = page_actor(request, Action.REWARDS_REDEEM)
    try:
        redemption_cancel(actor=actor, redemption_id=redemption_id)
    except DomainError as error:
        return _outcome(request, error, "", reverse("engagement:rewards"))
    return _outcome(
        request, None, _("Withdrawn: the points are yours again."), reverse("engagement:rewards")
    )


# --- The program ----------------------------------------------------------------------------------


@login_required
@require_safe
def rewards_program_page(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.REWARDS_MANAGE)
    tab = request.GET.get("tab", "pending")
    if tab not in TABS:
        tab = "pending"
    status = Redemption.Status.PENDING if tab == "pending" else ""
    page = Paginator(redemptions_list(actor=actor, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "engagement/rewards/program.html",
        {
            "tab": tab,
            "page_obj": page,
            "waiting": redemptions_list(actor=actor, status=Redemption.Status.PENDING).count(),
            "budget": budget_for_day(actor=actor),
            "budgets": reward_budgets(actor=actor)[:12],
            "catalog": rewards_catalog(actor=actor, include_inactive=True),
        },
    )


def _program(request: HttpRequest) -> str:
    back = reverse("engagement:rewards_program")
    return f"{back}?tab=history" if request.POST.get("tab") == "history" else back


@login_required
@require_POST
def redemption_approve_view(request: HttpRequest, redemption_id: int) -> HttpResponse:
    actor = page_actor(request, Action.REWARDS_MANAGE)
    form = ApproveForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        redemption_approve(actor=actor, redemption_id=redemption_id, note=note)
    except DomainError as error:
        return _outcome(request, error, "", _program(request))
    return _outcome(request, None, _("Approved: the points were taken."), _program(request))


@login_required
@require_POST
def redemption_reject_view(request: HttpRequest, redemption_id: int) -> HttpResponse:
    actor = page_actor(request, Action.REWARDS_MANAGE)
    form = RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        redemption_reject(actor=actor, redemption_id=redemption_id, reason=reason)
    except DomainError as error:
        return _outcome(request, error, "", _program(request))
    return _outcome(request, None, _("Declined: the points are theirs again."), _program(request))


def _reward_form_page(request: HttpRequest, actor: Actor, reward: Reward | None) -> HttpResponse:
    form = RewardForm(
        request.POST if request.method == "POST" else None,
        initial=reward_initial(reward) if reward else {"active": True, "yen_value": 0},
    )
    if request.method == "POST" and form.is_valid():
        try:
            if reward is None:
                reward_create(actor=actor, data=form.data_out())
                messages.success(request, _("Reward added to the catalog."))
            else:
                reward_update(actor=actor, reward_id=reward.pk, data=form.data_out())
                messages.success(request, _("Reward saved."))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("engagement:rewards_program")
    return render(
        request,
        "engagement/rewards/reward_form.html",
        {"form": form, "reward": reward},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reward_create_view(request: HttpRequest) -> HttpResponse:
    return _reward_form_page(request, page_actor(request, Action.REWARDS_MANAGE), None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reward_edit_view(request: HttpRequest, reward_id: int) -> HttpResponse:
    actor = page_actor(request, Action.REWARDS_MANAGE)
    try:
        reward = reward_get(actor=actor, reward_id=reward_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return _reward_form_page(request, actor, reward)


def _budget_form_page(
    request: HttpRequest, actor: Actor, budget: RewardBudget | None
) -> HttpResponse:
    form = BudgetForm(
        request.POST if request.method == "POST" else None,
        initial=budget_initial(budget) if budget else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if budget is None:
                reward_budget_create(actor=actor, data=form.data_out())
                messages.success(request, _("Budget set."))
            else:
                reward_budget_update(actor=actor, budget_id=budget.pk, data=form.data_out())
                messages.success(request, _("Budget saved."))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("engagement:rewards_program")
    return render(
        request,
        "engagement/rewards/budget_form.html",
        {"form": form, "budget": budget},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def budget_create_view(request: HttpRequest) -> HttpResponse:
    return _budget_form_page(request, page_actor(request, Action.REWARDS_MANAGE), None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def budget_edit_view(request: HttpRequest, budget_id: int) -> HttpResponse:
    actor = page_actor(request, Action.REWARDS_MANAGE)
    try:
        budget = reward_budget_get(actor=actor, budget_id=budget_id).budget
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return _budget_form_page(request, actor, budget)
