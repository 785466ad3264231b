"""The point rules page: the program changes what earns points (a new version each time)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ouendan.accounts.forms import add_domain_error
from ouendan.accounts.permissions import Action
from ouendan.accounts.views.people import page_actor
from ouendan.core.errors import DomainError
from ouendan.engagement.forms import RULE_FIELDS, RulesForm
from ouendan.engagement.selectors import (
    conversion_types_for_rules,
    point_rules_current,
    point_rules_versions,
)
from ouendan.engagement.services.rules import point_rules_update


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rules_page(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.ENGAGEMENT_MANAGE)
    current = point_rules_current(actor=actor)
    types = conversion_types_for_rules(actor=actor, rules=current)
    initial: dict[str, Any] = {name: getattr(current, name) for name, _l, _h in RULE_FIELDS}
    initial.update({f"conversion__{key}": current.points_for_conversion(key) for key, _l in types})
    form = RulesForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        conversion_types=types,
    )
    if request.method == "POST" and form.is_valid():
        try:
            rules = point_rules_update(actor=actor, data=form.data_out())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Version %(version)d of the rules applies from now on.")
                % {"version": rules.version},
            )
            return redirect("engagement:rules")
    return render(
        request,
        "engagement/rules.html",
        {"form": form, "current": current, "versions": point_rules_versions(actor=actor)[:20]},
        status=400 if form.errors else 200,
    )
