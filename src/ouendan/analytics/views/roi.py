"""The ROI calculator: what the program cost over a period against what it brought, with every
assumption shown; the program changes the assumptions on the same page."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ouendan.accounts.forms import add_domain_error
from ouendan.accounts.permissions import Action, Actor, can
from ouendan.accounts.selectors import department_choices
from ouendan.accounts.views.people import page_actor
from ouendan.analytics.forms import PeriodForm, RoiAssumptionsForm, roi_assumptions_form
from ouendan.analytics.periods import quarter_containing
from ouendan.analytics.selectors import filters_for, organization_today, scope_departments
from ouendan.analytics.selectors.reports import fiscal_year_start
from ouendan.analytics.selectors.roi import roi_for
from ouendan.analytics.services.settings import analytics_settings_update
from ouendan.core.errors import DomainError


def _presets(actor: Actor) -> list[tuple[str, dt.date, dt.date]]:
    """Quick periods: this fiscal quarter so far, the previous one, this fiscal year so far."""
    today = organization_today(actor)
    first_month = fiscal_year_start(actor.organization)
    this = quarter_containing(today, first_month)
    before = this.previous(first_month)
    year_start = quarter_containing(dt.date(this.fiscal_year, first_month, 1), first_month).start
    return [
        (_("This quarter so far"), this.start, today),
        (_("Last quarter"), before.start, before.end),
        (_("This fiscal year so far"), year_start, today),
    ]


def roi_render(
    request: HttpRequest,
    actor: Actor,
    *,
    form: RoiAssumptionsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    scope = scope_departments(actor)
    departments = [
        (key, label)
        for key, label in department_choices(actor=actor)
        if scope is None or key in scope
    ]
    period_form = PeriodForm(request.GET or None, departments=departments)
    start, end, department = period_form.period()
    presets = _presets(actor)
    error = None
    if start is None and end is None:
        start, end = presets[0][1], presets[0][2]
    try:
        filters = filters_for(actor=actor, start=start, end=end, department_id=department)
    except DomainError as exc:
        error = exc
        filters = filters_for(actor=actor, start=presets[0][1], end=presets[0][2])
    can_manage = can(actor, Action.ANALYTICS_MANAGE)
    context: dict[str, Any] = {
        "roi": roi_for(actor=actor, filters=filters),
        "period_form": period_form,
        "error": error,
        "presets": [
            (label, "?" + urlencode({"start": first.isoformat(), "end": last.isoformat()}))
            for label, first, last in presets
        ],
        "can_manage": can_manage,
        "roi_form": (form or roi_assumptions_form(actor)) if can_manage else None,
        "here": request.get_full_path(),
    }
    return render(request, "analytics/roi/roi.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def roi_page(request: HttpRequest) -> HttpResponse:
    """GET: the calculator (``analytics.view``). POST: save the assumptions (the program) and
    show the same period again."""
    if request.method != "POST":
        return roi_render(request, page_actor(request, Action.ANALYTICS_VIEW))
    actor = page_actor(request, Action.ANALYTICS_MANAGE)
    form = roi_assumptions_form(actor, request.POST)
    if form.is_valid():
        try:
            analytics_settings_update(actor=actor, changes=form.changes())
        except DomainError as exc:
            add_domain_error(form, exc, renames=form.renames())
        else:
            messages.success(request, _("ROI assumptions saved."))
            return redirect(request.get_full_path() or reverse("analytics:roi"))
    return roi_render(request, actor, form=form, status=400)
