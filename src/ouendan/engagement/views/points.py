"""My points: balance, pending points, badges, streak, and every entry explained."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ouendan.accounts.permissions import Action
from ouendan.accounts.views.people import page_actor
from ouendan.engagement.explain import entry_explanation, status_label
from ouendan.engagement.selectors import (
    badges_mine,
    conversion_types_for_rules,
    point_rules_current,
    points_balance,
    points_mine,
    streak_mine,
)

PAGE_SIZE = 20


@login_required
@require_safe
def points_page(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.POINTS_VIEW_OWN)
    page = Paginator(points_mine(actor=actor), PAGE_SIZE).get_page(request.GET.get("page"))
    rules = point_rules_current(actor=actor)
    conversions = [
        (label, rules.points_for_conversion(key))
        for key, label in conversion_types_for_rules(actor=actor, rules=rules)
        if rules.points_for_conversion(key)
    ]
    return render(
        request,
        "engagement/points.html",
        {
            "balance": points_balance(actor=actor),
            "page_obj": page,
            "entries": [(entry, entry_explanation(entry), status_label(entry)) for entry in page],
            "badges": badges_mine(actor=actor),
            "streak": streak_mine(actor=actor),
            "rules": rules,
            "conversions": conversions,
        },
    )
