"""My impact: the person's shares and the human clicks they brought."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ouendan.accounts.permissions import Action
from ouendan.accounts.views.people import page_actor
from ouendan.networks import RULES
from ouendan.sharing.selectors import impact_summary, shares_mine

PAGE_SIZE = 20


@login_required
@require_safe
def impact_page(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.SHARES_CREATE)
    impact = impact_summary(actor=actor)
    page = Paginator(shares_mine(actor=actor), PAGE_SIZE).get_page(request.GET.get("page"))
    busiest = impact.busiest_day or 1
    bars = []
    for index, (day, clicks) in enumerate(impact.days):
        height = max(1, round(96 * clicks / busiest)) if clicks else 0
        bars.append(
            {"day": day, "clicks": clicks, "x": index * 10 + 1, "y": 100 - height, "height": height}
        )
    return render(
        request,
        "sharing/impact.html",
        {
            "impact": impact,
            "page": page,
            "labels": {network.value: rules.label for network, rules in RULES.items()},
            "bars": bars,
            "chart_width": len(bars) * 10,
            "first_day": impact.days[0][0] if impact.days else None,
            "last_day": impact.days[-1][0] if impact.days else None,
        },
    )
