"""The demo's own press-release feed, so that a feed source works without the internet.

Entries "appear" as time passes: each is dated relative to the moment the demo organization was
created, and is listed only once that date has come (see ``data/content.py``).
"""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.views.decorators.http import require_safe

from ouendan.accounts.models import Organization
from ouendan.demo.data import content as data
from ouendan.demo.data.organization import DEMO_SLUG


@require_safe
def demo_feed(request: HttpRequest) -> HttpResponse:
    org = Organization.objects.filter(slug=DEMO_SLUG, is_demo=True).first()
    if org is None:
        raise Http404
    now = timezone.now()
    feed = Rss201rev2Feed(
        title=data.FEED_TITLE,
        link="https://www.mirai-seisakusho.example/news/",
        description=data.FEED_TITLE,
        language="ja",
    )
    entries = [
        (org.created_at - timedelta(days=entry.published_days_ago), entry)
        for entry in data.FEED_ENTRIES
    ]
    for published, entry in sorted(entries, key=lambda pair: pair[0], reverse=True):
        if published > now:
            continue
        feed.add_item(
            title=entry.title,
            link=entry.url,
            description=entry.summary,
            unique_id=entry.guid,
            unique_id_is_permalink=False,
            pubdate=published,
        )
    response = HttpResponse(content_type="application/rss+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response
