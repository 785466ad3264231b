"""The demo company's content library: topics, two campaigns, 60+ items in every state of the
lifecycle, and the press releases its offline feed serves.

Dates are offsets in days from the day the demo is seeded (negative: in the past), so the library
always looks current. Department codes are those of ``organization.DEPARTMENTS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoTopic:
    key: str
    name: str
    description: str


@dataclass(frozen=True)
class DemoCampaign:
    key: str
    name: str
    description: str
    starts_in_days: int  # first day, relative to the seed day
    ends_in_days: int  # last day
    goal: str  # in words, e.g. "エントリー200名"
    goal_target: int | None = None


@dataclass(frozen=True)
class DemoVariant:
    network: str  # "" (every network), "x", "linkedin", "facebook", "instagram", "threads",
    # "bluesky", "mastodon", "line"
    text: str
    hashtags: tuple[str, ...] = ()  # without the leading "#"


@dataclass(frozen=True)
class DemoContent:
    key: str  # unique slug, ASCII, e.g. "shinsotsu-setsumeikai-2027"
    topics: tuple[str, ...]  # DemoTopic keys
    title: str
    url: str  # https://www.mirai-seisakusho.example/...
    summary: str
    note: str  # "why this matters" for advocates
    # draft, in_review, approved, scheduled, published, expired, archived
    status: str
    publish_in_days: int | None = None  # publish_at relative to the seed day
    expire_in_days: int | None = None  # expire_at relative to the seed day
    promotional: bool = False
    campaign: str | None = None  # DemoCampaign key
    featured: bool = False
    pinned: bool = False
    departments: tuple[str, ...] = ()  # audience by department code; empty = everyone
    locations: tuple[str, ...] = ()  # audience by location code (TKY, OSA, NGO)
    languages: tuple[str, ...] = ()  # audience by language ("ja", "en")
    variants: tuple[DemoVariant, ...] = field(default=())


@dataclass(frozen=True)
class DemoFeedEntry:
    guid: str
    title: str
    url: str
    summary: str
    published_days_ago: float  # entries "appear" in the feed once this much time has passed


TOPICS: tuple[DemoTopic, ...] = ()
CAMPAIGNS: tuple[DemoCampaign, ...] = ()
CONTENT: tuple[DemoContent, ...] = ()
FEED_TITLE = "株式会社みらい製作所 ニュースリリース"
FEED_ENTRIES: tuple[DemoFeedEntry, ...] = ()
