"""Reads of the content library, always scoped by an explicit actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ouendan.accounts.permissions import Action, Actor, can, require
from ouendan.content.models import (
    Campaign,
    ContentImage,
    ContentItem,
    ContentVersion,
    Source,
    SourceEntry,
    Suggestion,
    Topic,
    TopicSubscription,
    Variant,
)
from ouendan.content.versions import Change, snapshot_diff
from ouendan.core.errors import NotFound
from ouendan.core.text import fold_words

Status = ContentItem.Status

SORTS = {
    "updated": ("-updated_at", "-pk"),
    "created": ("-created_at", "-pk"),
    "publish": ("-publish_at", "-pk"),
    "title": ("title", "pk"),
}
DATE_FIELDS = {"publish": "publish_at", "created": "created_at", "updated": "updated_at"}


@dataclass(frozen=True)
class LibraryFilter:
    query: str = ""
    statuses: tuple[str, ...] = ()
    topic_id: int | None = None
    campaign_id: int | None = None
    source_id: int | None = None
    network: str | None = None  # has a suggested text for this network
    promotional: bool | None = None
    date_from: date | None = None
    date_to: date | None = None
    date_field: str = "publish"
    sort: str = "updated"

    @property
    def narrows(self) -> bool:
        return bool(
            self.query
            or self.statuses
            or self.topic_id
            or self.campaign_id
            or self.source_id
            or self.network
            or self.promotional is not None
            or self.date_from
            or self.date_to
        )


def _with_relations(items: QuerySet[ContentItem]) -> QuerySet[ContentItem]:
    return items.select_related(
        "campaign", "source", "created_by", "suggested_by"
    ).prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("name")),
        Prefetch("variants", queryset=Variant.objects.order_by("position", "pk")),
        Prefetch("images", queryset=ContentImage.objects.order_by("position", "pk")),
    )


def _day_bounds(day: date, *, end: bool) -> datetime:
    moment = datetime.combine(day + timedelta(days=1) if end else day, time.min)
    return timezone.make_aware(moment, timezone.get_current_timezone())


def library_list(*, actor: Actor, filters: LibraryFilter | None = None) -> QuerySet[ContentItem]:
    """The library: every word of the query must appear in the title, summary, note, link or a
    suggested text (width, case and kana folded, so 「採用」 finds 「新卒採用説明会」)."""
    require(actor, Action.CONTENT_VIEW)
    filters = filters or LibraryFilter()
    items = ContentItem.objects.filter(organization=actor.organization)
    for word in fold_words(filters.query):
        items = items.filter(search_text__contains=word)
    if filters.statuses:
        items = items.filter(status__in=filters.statuses)
    if filters.topic_id:
        items = items.filter(topics__id=filters.topic_id)
    if filters.campaign_id:
        items = items.filter(campaign_id=filters.campaign_id)
    if filters.source_id:
        items = items.filter(source_id=filters.source_id)
    if filters.network:
        items = items.filter(
            Exists(Variant.objects.filter(content=OuterRef("pk"), network=filters.network))
        )
    if filters.promotional is not None:
        items = items.filter(promotional=filters.promotional)
    column = DATE_FIELDS.get(filters.date_field, "publish_at")
    if filters.date_from:
        items = items.filter(**{f"{column}__gte": _day_bounds(filters.date_from, end=False)})
    if filters.date_to:
        items = items.filter(**{f"{column}__lt": _day_bounds(filters.date_to, end=True)})
    return _with_relations(items).order_by(*SORTS.get(filters.sort, SORTS["updated"]))


def content_get(*, actor: Actor, content_id: int) -> ContentItem:
    require(actor, Action.CONTENT_VIEW)
    item = (
        _with_relations(ContentItem.objects.filter(organization=actor.organization, pk=content_id))
        .prefetch_related("audience_departments", "audience_locations")
        .first()
    )
    if item is None:
        raise NotFound(_("That content does not exist."))
    return item


def content_status_counts(*, actor: Actor) -> dict[str, int]:
    require(actor, Action.CONTENT_VIEW)
    rows = (
        ContentItem.objects.filter(organization=actor.organization)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(Status.values, 0)
    counts.update(dict(rows))
    return counts


def content_versions(*, actor: Actor, content_id: int) -> QuerySet[ContentVersion]:
    require(actor, Action.CONTENT_VIEW)
    return ContentVersion.objects.filter(
        organization=actor.organization, content_id=content_id
    ).select_related("created_by")


def content_version_diff(
    *, actor: Actor, content_id: int, number: int, against: int | None = None
) -> tuple[ContentVersion, ContentVersion | None, list[Change]]:
    """Version ``number`` compared with ``against`` (default: the version before it)."""
    versions = content_versions(actor=actor, content_id=content_id)
    version = versions.filter(number=number).first()
    if version is None:
        raise NotFound(_("That version does not exist."))
    base_number = against if against is not None else number - 1
    base = versions.filter(number=base_number).first() if base_number >= 1 else None
    if against is not None and base is None:
        raise NotFound(_("That version does not exist."))
    return version, base, snapshot_diff(base.snapshot if base else None, version.snapshot)


# --- Campaigns -----------------------------------------------------------------------------------


def campaigns_list(*, actor: Actor, include_archived: bool = False) -> QuerySet[Campaign]:
    require(actor, Action.CONTENT_VIEW)
    campaigns = Campaign.objects.filter(organization=actor.organization)
    if not include_archived:
        campaigns = campaigns.filter(archived_at__isnull=True)
    return campaigns.annotate(
        content_total=Count("content_items", distinct=True),
        content_live=Count(
            "content_items", filter=Q(content_items__status=Status.PUBLISHED), distinct=True
        ),
    ).order_by("archived_at", "-starts_on", "name", "pk")


def campaign_get(*, actor: Actor, campaign_id: int) -> Campaign:
    campaign = campaigns_list(actor=actor, include_archived=True).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_("That campaign does not exist."))
    return campaign


@dataclass(frozen=True)
class CampaignProgress:
    """Simple progress: how far through its dates, and how much of its content is live."""

    days_total: int | None
    days_elapsed: int | None
    time_ratio: float | None  # 0.0–1.0
    content_total: int
    content_live: int
    by_status: dict[str, int]
    phase: str  # "upcoming", "running", "ended", "undated", "archived"


def _status_counts(campaign_ids: list[int]) -> dict[int, dict[str, int]]:
    """Content per status for each campaign, in one query."""
    counts = {pk: dict.fromkeys(Status.values, 0) for pk in campaign_ids}
    rows = (
        ContentItem.objects.filter(campaign_id__in=campaign_ids)
        .values_list("campaign_id", "status")
        .annotate(n=Count("pk"))
    )
    for campaign_id, status, n in rows:
        counts[campaign_id][status] = n
    return counts


def campaigns_progress(
    campaigns: list[Campaign], *, today: date | None = None
) -> list[tuple[Campaign, CampaignProgress]]:
    """Each campaign with its progress; the content counts of all of them in one query."""
    counts = _status_counts([c.pk for c in campaigns])
    return [(c, campaign_progress(c, today=today, by_status=counts[c.pk])) for c in campaigns]


def campaign_progress(
    campaign: Campaign, *, today: date | None = None, by_status: dict[str, int] | None = None
) -> CampaignProgress:
    today = today or timezone.localdate()
    if by_status is None:
        by_status = _status_counts([campaign.pk])[campaign.pk]
    total = sum(by_status.values())
    days_total = days_elapsed = ratio = None
    if campaign.starts_on and campaign.ends_on:
        days_total = (campaign.ends_on - campaign.starts_on).days + 1
        days_elapsed = min(max((today - campaign.starts_on).days + 1, 0), days_total)
        ratio = days_elapsed / days_total
    if campaign.archived_at:
        phase = "archived"
    elif campaign.starts_on and today < campaign.starts_on:
        phase = "upcoming"
    elif campaign.ends_on and today > campaign.ends_on:
        phase = "ended"
    elif campaign.starts_on or campaign.ends_on:
        phase = "running"
    else:
        phase = "undated"
    return CampaignProgress(
        days_total=days_total,
        days_elapsed=days_elapsed,
        time_ratio=ratio,
        content_total=total,
        content_live=by_status[Status.PUBLISHED],
        by_status=by_status,
        phase=phase,
    )


def campaign_choices(*, actor: Actor) -> list[tuple[int, str]]:
    return list(
        Campaign.objects.filter(organization=actor.organization, archived_at__isnull=True)
        .order_by("name")
        .values_list("id", "name")
    )


# --- Topics --------------------------------------------------------------------------------------


def topics_list(*, actor: Actor) -> QuerySet[Topic]:
    """Every topic, with its content and follower counts and whether the actor follows it."""
    require(actor, Action.TOPICS_VIEW)
    topics = Topic.objects.filter(organization=actor.organization).annotate(
        content_count=Count("content_items", distinct=True),
        follower_count=Count("subscriptions", distinct=True),
    )
    if actor.membership is not None:
        topics = topics.annotate(
            following=Exists(
                TopicSubscription.objects.filter(topic=OuterRef("pk"), membership=actor.membership)
            )
        )
    return topics.order_by("name", "pk")


def topic_get(*, actor: Actor, topic_id: int) -> Topic:
    topic = topics_list(actor=actor).filter(pk=topic_id).first()
    if topic is None:
        raise NotFound(_("That topic does not exist."))
    return topic


def topic_choices(*, actor: Actor) -> list[tuple[int, str]]:
    return list(
        Topic.objects.filter(organization=actor.organization)
        .order_by("name")
        .values_list("id", "name")
    )


# --- Sources -------------------------------------------------------------------------------------


def sources_list(*, actor: Actor) -> QuerySet[Source]:
    require(actor, Action.SOURCES_MANAGE)
    return (
        Source.objects.filter(organization=actor.organization)
        .select_related("campaign")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
        .annotate(content_count=Count("content_items", distinct=True))
        .order_by("name", "pk")
    )


def source_get(*, actor: Actor, source_id: int) -> Source:
    source = sources_list(actor=actor).filter(pk=source_id).first()
    if source is None:
        raise NotFound(_("That source does not exist."))
    return source


def source_entries(*, actor: Actor, source_id: int) -> QuerySet[SourceEntry]:
    require(actor, Action.SOURCES_MANAGE)
    return SourceEntry.objects.filter(
        organization=actor.organization, source_id=source_id
    ).select_related("content")


# --- Suggestions ---------------------------------------------------------------------------------


def suggestions_list(*, actor: Actor, status: str = "", mine: bool = False) -> QuerySet[Suggestion]:
    """Curators see every suggestion; everyone else (or ``mine``) only their own."""
    require(actor, Action.SUGGESTIONS_CREATE)
    suggestions = Suggestion.objects.filter(organization=actor.organization).select_related(
        "suggested_by", "decided_by", "content"
    )
    if mine or not can(actor, Action.SUGGESTIONS_REVIEW):
        if actor.membership is None:
            return suggestions.none()
        suggestions = suggestions.filter(suggested_by=actor.membership)
    if status:
        suggestions = suggestions.filter(status=status)
    return suggestions.order_by("-created_at", "-pk")


def suggestion_get(*, actor: Actor, suggestion_id: int) -> Suggestion:
    suggestion = suggestions_list(actor=actor).filter(pk=suggestion_id).first()
    if suggestion is None:
        raise NotFound(_("That suggestion does not exist."))
    return suggestion


def pending_suggestion_count(*, actor: Actor) -> int:
    if not can(actor, Action.SUGGESTIONS_REVIEW):
        return 0
    return Suggestion.objects.filter(
        organization=actor.organization, status=Suggestion.Status.PENDING
    ).count()


def variant_networks(item: ContentItem) -> list[str]:
    """The networks an item has suggested texts for ("" = any), from its prefetched variants."""
    found: list[str] = []
    for variant in item.variants.all():
        if variant.network not in found:
            found.append(variant.network)
    return found


def first_image(item: ContentItem) -> ContentImage | None:
    images: list[Any] = list(item.images.all())
    return images[0] if images else None


@dataclass(frozen=True)
class ContentTodo:
    """What waits for the actor in the library (counts only for what their roles can act on)."""

    changes_requested: int = 0  # drafts a reviewer sent back, for curators
    suggestions: int = 0  # pending, for curators
    failing_feeds: int = 0  # for curators

    @property
    def any(self) -> bool:
        return bool(self.changes_requested or self.suggestions or self.failing_feeds)


def content_todo(*, actor: Actor) -> ContentTodo:
    items = ContentItem.objects.filter(organization=actor.organization)
    manage = can(actor, Action.CONTENT_MANAGE)
    return ContentTodo(
        changes_requested=items.filter(status=Status.DRAFT).exclude(review_comment="").count()
        if manage
        else 0,
        suggestions=pending_suggestion_count(actor=actor),
        failing_feeds=Source.objects.filter(
            organization=actor.organization, active=True, health=Source.Health.ERROR
        ).count()
        if can(actor, Action.SOURCES_MANAGE)
        else 0,
    )
