"""The employee's feed over the API: the same list the feed page shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.content.models import ContentItem
from ouendan.content.selectors import first_image
from ouendan.core.api import Page, error_responses, paginate
from ouendan.networks import RULES
from ouendan.sharing.selectors import feed_content_ids, feed_items, is_new

router = Router(tags=["feed"])


class FeedFilter(Schema):
    topic: int | None = Field(default=None, description="Only content of this topic.")


class FeedItemOut(Schema):
    id: int
    title: str
    summary: str
    url: str
    why_it_matters: str = Field(description="The curator's note for advocates.")
    image_url: str | None
    site_name: str
    topics: list[str]
    campaign: str | None
    promotional: bool = Field(description="Shares carry a disclosure marker (e.g. `#PR`).")
    featured: bool
    pinned: bool
    new: bool = Field(description="Went live in the last three days.")
    shared: bool = Field(description="You have shared it already (on any network).")
    published_at: datetime | None
    expire_at: datetime | None
    networks: list[str] = Field(description="Networks with a suggested text of their own.")


def feed_item_out(item: ContentItem) -> dict[str, Any]:
    image = first_image(item)
    own = {variant.network for variant in item.variants.all() if variant.network}
    return {
        "id": item.pk,
        "title": item.title,
        "summary": item.summary,
        "url": item.url,
        "why_it_matters": item.advocate_note,
        "image_url": image.file.url if image is not None else None,
        "site_name": item.site_name,
        "topics": [topic.name for topic in item.topics.all()],
        "campaign": item.campaign.name if item.campaign else None,
        "promotional": item.promotional,
        "featured": item.featured,
        "pinned": item.pinned,
        "new": is_new(item),
        "shared": bool(getattr(item, "shared", False)),
        "published_at": item.published_at,
        "expire_at": item.expire_at,
        "networks": [network.value for network in RULES if network.value in own],
    }


@router.get(
    "/feed",
    response={200: Page[FeedItemOut], **error_responses(400, 401, 403)},
    summary="Your feed: live content meant for you",
    description="Approved, live content whose audience includes you (department, location, "
    "language, role), pinned and featured first, then your followed topics, then the newest. "
    "The same list as the feed page. `400 person_required` for an organization token.",
)
def feed_api(request: HttpRequest, filters: Query[FeedFilter]) -> dict[str, Any]:
    actor = request_actor(request)
    ids = feed_content_ids(actor=actor, topic_id=filters.topic)
    page = paginate(request, ids, default_size=20)
    page["items"] = [
        feed_item_out(item) for item in feed_items(actor=actor, content_ids=page["items"])
    ]
    return page
