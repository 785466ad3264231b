"""The feed page (phone first): a card per item meant for the person, a page at a time."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ouendan.accounts.permissions import Action
from ouendan.accounts.views.people import page_actor
from ouendan.content.selectors import topics_list
from ouendan.governance.selectors import compliance_policy
from ouendan.networks import RULES
from ouendan.sharing.selectors import feed_content_ids, feed_items, is_new
from ouendan.sharing.services.shares import sharing_blocker

PAGE_SIZE = 12


@login_required
@require_safe
def feed_page(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.FEED_VIEW)
    try:
        topic_id: int | None = int(request.GET.get("topic", ""))
    except ValueError:
        topic_id = None
    page = Paginator(feed_content_ids(actor=actor, topic_id=topic_id), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = feed_items(actor=actor, content_ids=list(page.object_list))
    context = {
        "page": page,
        "items": [(item, is_new(item)) for item in items],
        "topics": topics_list(actor=actor),
        "topic_id": topic_id,
        "blocker": sharing_blocker(actor),
        "networks": list(RULES.values()),
        "marker": compliance_policy(actor.organization).disclosure_marker,
    }
    # "More" asks for the next page's cards only, appended under the others.
    template = (
        "sharing/_feed_cards.html" if getattr(request, "htmx", False) else "sharing/feed.html"
    )
    return render(request, template, context)
