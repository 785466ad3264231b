"""The analytics settings page (the program): the currency, each network's earned-media rates
(the defaults shown until changed, and put back with one button) and the ROI assumptions (the
ROI page offers the same assumptions form)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ouendan.accounts.forms import add_domain_error
from ouendan.accounts.permissions import Action, Actor
from ouendan.accounts.views.people import page_actor
from ouendan.analytics.forms import GeneralForm, RatesForm, roi_assumptions_form
from ouendan.analytics.selectors.roi import (
    analytics_settings_get,
    currency_choices,
    network_label,
    rate_rows,
)
from ouendan.analytics.services.settings import SettingsChanges, analytics_settings_update
from ouendan.core.errors import DomainError


def _general_form(settings: Any, data: Any = None) -> GeneralForm:
    return GeneralForm(
        data,
        currencies=currency_choices(),
        currency=settings.currency,
        fiscal_year_start=settings.fiscal_year_start,
    )


def _render(request: HttpRequest, actor: Actor, status: int = 200, **forms: Any) -> HttpResponse:
    settings = analytics_settings_get(actor=actor)
    context = {
        "currency_form": forms.get("currency_form") or _general_form(settings),
        "rates_form": forms.get("rates_form") or RatesForm(rows=rate_rows(actor=actor)),
        "roi_form": forms.get("roi_form") or roi_assumptions_form(actor),
        "currency": settings.currency,
    }
    return render(request, "analytics/settings/settings.html", context, status=status)


@login_required
@require_safe
def settings_page(request: HttpRequest) -> HttpResponse:
    return _render(request, page_actor(request, Action.ANALYTICS_MANAGE))


@login_required
@require_POST
def currency_update_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.ANALYTICS_MANAGE)
    form = _general_form(analytics_settings_get(actor=actor), request.POST)
    if form.is_valid():
        try:
            analytics_settings_update(actor=actor, changes=form.changes())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Currency and fiscal year saved."))
            return redirect("analytics:settings")
    return _render(request, actor, status=400, currency_form=form)


@login_required
@require_POST
def rates_update_view(request: HttpRequest) -> HttpResponse:
    """Save the rates; the button of one network's row ("Use the default") resets that one."""
    actor = page_actor(request, Action.ANALYTICS_MANAGE)
    reset = request.POST.get("reset", "")
    if reset:
        try:
            analytics_settings_update(actor=actor, changes=SettingsChanges(rates={reset: None}))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(network)s uses the default rates again.") % {"network": network_label(reset)},
            )
        return redirect(reverse("analytics:settings") + "#rates")
    form = RatesForm(request.POST, rows=rate_rows(actor=actor))
    if form.is_valid():
        try:
            analytics_settings_update(actor=actor, changes=form.changes())
        except DomainError as error:
            add_domain_error(form, error, renames=form.renames())
        else:
            messages.success(request, _("Earned-media rates saved."))
            return redirect(reverse("analytics:settings") + "#rates")
    return _render(request, actor, status=400, rates_form=form)


@login_required
@require_POST
def roi_update_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.ANALYTICS_MANAGE)
    form = roi_assumptions_form(actor, request.POST)
    if form.is_valid():
        try:
            analytics_settings_update(actor=actor, changes=form.changes())
        except DomainError as error:
            add_domain_error(form, error, renames=form.renames())
        else:
            messages.success(request, _("ROI assumptions saved."))
            return redirect(reverse("analytics:settings") + "#roi")
    return _render(request, actor, status=400, roi_form=form)
