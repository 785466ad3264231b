"""Schemas of the content API, and the functions that fill them from rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from ouendan.accounts.roles import Role
from ouendan.content.composing import share_text_measure
from ouendan.content.models import ContentImage, ContentItem, Variant
from ouendan.content.selectors import CampaignProgress, first_image, variant_networks
from ouendan.networks import Network

ContentStatus = Literal[
    "draft", "in_review", "approved", "scheduled", "published", "expired", "archived"
]
Language = Literal["ja", "en"]
NetworkOrAny = Network | Literal[""]


class RefOut(Schema):
    id: int
    name: str


def ref(row: Any, name: str = "name") -> dict[str, Any] | None:
    if row is None:
        return None
    return {"id": row.pk, "name": getattr(row, name)}


def person_ref(membership: Any) -> dict[str, Any] | None:
    return ref(membership, "full_name")


# --- Content -------------------------------------------------------------------------------------


class VariantOut(Schema):
    id: int
    network: NetworkOrAny = Field(description='The network it is written for; `""`: any.')
    text: str
    hashtags: list[str] = Field(description="Without the `#`.")
    composed: str = Field(description="The text with its hashtags, as an advocate gets it.")
    length: int | None = Field(
        description="Its length on its network, the tracked link included where the network "
        "puts it in the post; null for a text meant for any network."
    )
    limit: int | None
    ok: bool | None = Field(description="Whether it fits its network; null for any network.")


class VariantIn(Schema):
    network: NetworkOrAny = ""
    text: str = Field(max_length=10_000, examples=["同期が登壇する説明会です。ぜひ！"])
    hashtags: list[str] = Field(default=[], max_length=30, examples=[["新卒採用"]])


class ImageOut(Schema):
    id: int
    url: str
    alt_text: str
    width: int
    height: int
    content_type: str
    size: int = Field(description="Bytes.")


class AudienceOut(Schema):
    departments: list[RefOut]
    locations: list[RefOut]
    languages: list[Language]
    roles: list[Role]


class ContentOut(Schema):
    id: int
    title: str
    slug: str = Field(description="ASCII code, unique here (utm_campaign outside a campaign).")
    url: str = Field(description="The link advocates share.")
    summary: str
    advocate_note: str = Field(description="Why this matters, for advocates.")
    language: Language | Literal[""]
    site_name: str
    status: ContentStatus
    topics: list[RefOut]
    audience: AudienceOut = Field(description="Who it is meant for; all empty: everyone.")
    campaign: RefOut | None
    source: RefOut | None = Field(description="The feed it was imported from.")
    suggested_by: RefOut | None = Field(description="The person whose suggestion it came from.")
    promotional: bool = Field(description="Promotes a product or service (needs a disclosure).")
    featured: bool
    pinned: bool
    publish_at: datetime | None
    expire_at: datetime | None
    published_at: datetime | None
    submitted_at: datetime | None
    approved_at: datetime | None
    approved_by: RefOut | None
    archived_at: datetime | None
    review_comment: str
    version: int
    approved_version: int | None
    changed_since_approval: bool
    variants: list[VariantOut]
    images: list[ImageOut]
    created_by: RefOut | None
    created_at: datetime
    updated_at: datetime


class ContentListOut(Schema):
    id: int
    title: str
    slug: str
    url: str
    status: ContentStatus
    topics: list[RefOut]
    campaign: RefOut | None
    promotional: bool
    featured: bool
    pinned: bool
    publish_at: datetime | None
    expire_at: datetime | None
    networks: list[NetworkOrAny] = Field(description="Networks with suggested texts.")
    variant_count: int
    image: ImageOut | None
    version: int
    created_at: datetime
    updated_at: datetime


class ContentIn(Schema):
    title: str = Field(max_length=300, examples=["2027年卒 新卒採用説明会を開催します"])
    url: str = Field(default="", max_length=2048, examples=["https://www.example.co.jp/news/1"])
    summary: str = Field(default="", max_length=2000)
    advocate_note: str = Field(default="", max_length=2000)
    language: Language | Literal[""] = ""
    site_name: str = Field(default="", max_length=200)
    slug: str = Field(
        default="", max_length=60, description="Made from the link or title if empty."
    )
    topic_ids: list[int] = []
    department_ids: list[int] = []
    location_ids: list[int] = []
    audience_languages: list[Language] = []
    audience_roles: list[Role] = []
    campaign_id: int | None = None
    promotional: bool = False
    featured: bool = False
    pinned: bool = False
    publish_at: datetime | None = None
    expire_at: datetime | None = None
    image_url: str = Field(
        default="",
        max_length=2048,
        description="An image to fetch and attach (the link's Open Graph image from "
        "`POST /content/preview`); fetched in the background through the same guard.",
    )
    variants: list[VariantIn] = Field(default=[], max_length=50)


class ContentUpdateIn(Schema):
    """Only the fields sent change. `campaign_id`, `publish_at` or `expire_at` sent as null clear
    them; `variants`, when sent, is the complete new list."""

    title: str | None = Field(default=None, max_length=300)
    url: str | None = Field(default=None, max_length=2048)
    summary: str | None = Field(default=None, max_length=2000)
    advocate_note: str | None = Field(default=None, max_length=2000)
    language: Language | Literal[""] | None = None
    site_name: str | None = Field(default=None, max_length=200)
    slug: str | None = Field(default=None, max_length=60)
    topic_ids: list[int] | None = None
    department_ids: list[int] | None = None
    location_ids: list[int] | None = None
    audience_languages: list[Language] | None = None
    audience_roles: list[Role] | None = None
    campaign_id: int | None = None
    promotional: bool | None = None
    featured: bool | None = None
    pinned: bool | None = None
    publish_at: datetime | None = None
    expire_at: datetime | None = None
    variants: list[VariantIn] | None = Field(default=None, max_length=50)


def image_out(image: ContentImage) -> dict[str, Any]:
    return {
        "id": image.pk,
        "url": image.file.url,
        "alt_text": image.alt_text,
        "width": image.width,
        "height": image.height,
        "content_type": image.content_type,
        "size": image.size,
    }


def variant_out(variant: Variant, *, with_link: bool) -> dict[str, Any]:
    measured = (
        share_text_measure(
            text=variant.composed, network=Network(variant.network), with_link=with_link
        )
        if variant.network
        else None
    )
    return {
        "id": variant.pk,
        "network": variant.network,
        "text": variant.text,
        "hashtags": list(variant.hashtags),
        "composed": variant.composed,
        "length": measured.length if measured else None,
        "limit": measured.limit if measured else None,
        "ok": measured.ok if measured else None,
    }


# Attributes copied as they are into ContentOut and ContentListOut.
_CONTENT_PLAIN = [
    "id",
    "title",
    "slug",
    "url",
    "summary",
    "advocate_note",
    "language",
    "site_name",
    "status",
    "promotional",
    "featured",
    "pinned",
    "publish_at",
    "expire_at",
    "published_at",
    "submitted_at",
    "approved_at",
    "archived_at",
    "review_comment",
    "version",
    "approved_version",
    "changed_since_approval",
    "created_at",
    "updated_at",
]
_LIST_PLAIN = [
    "id",
    "title",
    "slug",
    "url",
    "status",
    "promotional",
    "featured",
    "pinned",
    "publish_at",
    "expire_at",
    "version",
    "created_at",
    "updated_at",
]


def content_out(item: ContentItem) -> dict[str, Any]:
    return {
        **{name: getattr(item, name) for name in _CONTENT_PLAIN},
        "topics": [ref(t) for t in item.topics.all()],
        "audience": {
            "departments": [ref(d) for d in item.audience_departments.all()],
            "locations": [ref(loc) for loc in item.audience_locations.all()],
            "languages": item.audience_languages,
            "roles": item.audience_roles,
        },
        "campaign": ref(item.campaign),
        "source": ref(item.source),
        "suggested_by": person_ref(item.suggested_by),
        "approved_by": person_ref(item.approved_by),
        "created_by": person_ref(item.created_by),
        "variants": [variant_out(v, with_link=bool(item.url)) for v in item.variants.all()],
        "images": [image_out(image) for image in item.images.all()],
    }


def content_list_out(item: ContentItem) -> dict[str, Any]:
    image = first_image(item)
    return {
        **{name: getattr(item, name) for name in _LIST_PLAIN},
        "topics": [ref(t) for t in item.topics.all()],
        "campaign": ref(item.campaign),
        "networks": variant_networks(item),
        "variant_count": len(item.variants.all()),
        "image": image_out(image) if image else None,
    }


# --- Campaigns -----------------------------------------------------------------------------------


class CampaignProgressOut(Schema):
    phase: Literal["upcoming", "running", "ended", "undated", "archived"]
    days_total: int | None
    days_elapsed: int | None
    time_ratio: float | None = Field(description="How far through its dates, 0 to 1.")
    content_total: int
    content_live: int = Field(description="Content published now.")
    by_status: dict[str, int]


class CampaignOut(Schema):
    id: int
    name: str
    slug: str = Field(description="ASCII code: utm_campaign on tracked links.")
    description: str
    starts_on: date | None
    ends_on: date | None
    goal: str = Field(description="The goal in words, e.g. 「エントリー200名」.")
    goal_target: int | None = Field(description="The goal as a number, e.g. 200.")
    archived: bool
    progress: CampaignProgressOut
    created_at: datetime
    updated_at: datetime


class CampaignIn(Schema):
    name: str = Field(max_length=120, examples=["2027年度 新卒採用"])
    slug: str = Field(default="", max_length=60, examples=["shinsotsu-2027"])
    description: str = Field(default="", max_length=4000)
    starts_on: date | None = None
    ends_on: date | None = None
    goal: str = Field(default="", max_length=200, examples=["エントリー200名"])
    goal_target: int | None = Field(default=None, examples=[200])


class CampaignUpdateIn(Schema):
    """Only the fields sent change; `starts_on`, `ends_on` or `goal_target` sent as null clear
    them. `archived` closes or reopens the campaign."""

    name: str | None = Field(default=None, max_length=120)
    slug: str | None = Field(default=None, max_length=60)
    description: str | None = Field(default=None, max_length=4000)
    starts_on: date | None = None
    ends_on: date | None = None
    goal: str | None = Field(default=None, max_length=200)
    goal_target: int | None = None
    archived: bool | None = None


def progress_out(progress: CampaignProgress) -> dict[str, Any]:
    return {
        "phase": progress.phase,
        "days_total": progress.days_total,
        "days_elapsed": progress.days_elapsed,
        "time_ratio": progress.time_ratio,
        "content_total": progress.content_total,
        "content_live": progress.content_live,
        "by_status": progress.by_status,
    }
