"""Reads of sharing: the feed an employee sees, their shares, and their impact."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ouendan.accounts.models import Department
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.content.models import ContentImage, ContentItem, TopicSubscription
from ouendan.core.errors import DomainError, NotFound
from ouendan.networks import RULES
from ouendan.sharing.models import NetworkAudience, Share
from ouendan.tracking.models import Click

NEW_FOR = timedelta(days=3)


def person_required(actor: Actor) -> None:
    if actor.membership is None:
        raise DomainError(
            _("Only a person can share: use a personal token or sign in."),
            code="person_required",
        )


def _department_and_parents(actor: Actor) -> set[int]:
    membership = actor.membership
    if membership is None or membership.department_id is None:
        return set()
    parents = dict(
        Department.objects.filter(organization=actor.organization).values_list("id", "parent_id")
    )
    found: set[int] = set()
    current: int | None = membership.department_id
    while current is not None and current not in found:
        found.add(current)
        current = parents.get(current)
    return found


def _language(actor: Actor) -> str:
    user_language = actor.user.language if actor.user is not None else ""
    return user_language or actor.organization.locale


def _meant_for(actor: Actor) -> QuerySet[ContentItem]:
    """Live content whose audience includes the actor (an empty audience is everyone)."""
    membership = actor.membership
    assert membership is not None
    items = ContentItem.objects.filter(
        organization=actor.organization, status=ContentItem.Status.PUBLISHED
    )
    departments = _department_and_parents(actor)
    items = items.filter(
        Q(audience_departments__isnull=True) | Q(audience_departments__in=departments)
    )
    items = items.filter(
        Q(audience_locations__isnull=True) | Q(audience_locations=membership.location_id)
    )
    return items.distinct()


def _matches_lists(row: Mapping[str, Any], language: str, roles: set[str]) -> bool:
    languages = row["audience_languages"] or []
    wanted_roles = row["audience_roles"] or []
    return (not languages or language in languages) and (
        not wanted_roles or bool(roles.intersection(wanted_roles))
    )


def feed_content_ids(*, actor: Actor, topic_id: int | None = None) -> list[int]:
    """The actor's feed in order: pinned, featured, from followed topics, newest."""
    require(actor, Action.FEED_VIEW)
    person_required(actor)
    followed = TopicSubscription.objects.filter(
        membership=actor.membership, topic__content_items=OuterRef("pk")
    )
    items = _meant_for(actor).annotate(followed=Exists(followed))
    if topic_id is not None:
        items = items.filter(topics=topic_id)
    rows = items.order_by("-pinned", "-featured", "-followed", "-published_at", "-pk").values(
        "pk", "audience_languages", "audience_roles"
    )
    language, roles = _language(actor), {role.value for role in actor.roles}
    return [row["pk"] for row in rows if _matches_lists(row, language, roles)]


def feed_items(*, actor: Actor, content_ids: list[int]) -> list[ContentItem]:
    """The content of one feed page, with what its cards show (a fixed number of queries)."""
    mine = Share.objects.filter(membership=actor.membership, content=OuterRef("pk"))
    items = (
        ContentItem.objects.filter(pk__in=content_ids, organization=actor.organization)
        .select_related("campaign")
        .prefetch_related(
            "topics",
            "variants",
            Prefetch("images", queryset=ContentImage.objects.order_by("position", "pk")),
        )
        .annotate(shared=Exists(mine), share_count=Count("shares", distinct=True))
    )
    by_id = {item.pk: item for item in items}
    return [by_id[pk] for pk in content_ids if pk in by_id]


def feed_item_check(*, actor: Actor, content_id: int) -> None:
    """Raise ``NotFound`` unless the item is in the actor's feed (content not meant for them
    does not exist for them)."""
    require(actor, Action.FEED_VIEW)
    if actor.membership is None:  # what does not exist is not found, for anyone
        if not ContentItem.objects.filter(organization=actor.organization, pk=content_id).exists():
            raise NotFound(_("That content is not in your feed."))
        person_required(actor)
    found = (
        _meant_for(actor).filter(pk=content_id).values("pk", "audience_languages", "audience_roles")
    ).first()
    if found is None or not _matches_lists(
        found, _language(actor), {role.value for role in actor.roles}
    ):
        raise NotFound(_("That content is not in your feed."))


def feed_item_get(*, actor: Actor, content_id: int) -> ContentItem:
    """One item of the actor's feed, with what its card shows."""
    feed_item_check(actor=actor, content_id=content_id)
    return feed_items(actor=actor, content_ids=[content_id])[0]


def is_new(item: ContentItem, *, now: datetime | None = None) -> bool:
    published = item.published_at
    return published is not None and published >= (now or timezone.now()) - NEW_FOR


def _shares(actor: Actor) -> QuerySet[Share]:
    return (
        Share.objects.filter(organization=actor.organization)
        .select_related("content", "link", "membership", "metrics")
        .order_by("-created_at", "-pk")
    )


def shares_mine(*, actor: Actor, network: str = "") -> QuerySet[Share]:
    require(actor, Action.FEED_VIEW)  # reading one's own shares needs no write scope
    person_required(actor)
    shares = _shares(actor).filter(membership=actor.membership)
    return shares.filter(network=network) if network else shares


def share_get(*, actor: Actor, share_id: int) -> Share:
    """A share is seen by the person who made it (their impact is theirs)."""
    require(actor, Action.FEED_VIEW)
    share = _shares(actor).filter(pk=share_id, membership=actor.membership).first()
    if share is None:
        raise NotFound(_("That share does not exist."))
    return share


@dataclass(frozen=True)
class NetworkImpact:
    network: str
    shares: int
    clicks: int
    unique_clicks: int


@dataclass(frozen=True)
class Impact:
    shares: int
    clicks: int
    unique_clicks: int
    networks: list[NetworkImpact]
    days: list[tuple[date, int]] = field(default_factory=list)  # human clicks per day

    @property
    def busiest_day(self) -> int:
        return max((clicks for _, clicks in self.days), default=0)


IMPACT_DAYS = 28


def impact_summary(*, actor: Actor, now: datetime | None = None) -> Impact:
    """The actor's shares and the human clicks they brought (their own clicks excluded), by
    network and per day over the last four weeks (in the organization's time zone)."""
    require(actor, Action.FEED_VIEW)
    person_required(actor)
    rows = (
        Share.objects.filter(membership=actor.membership)
        .values("network")
        .annotate(
            shares=Count("pk"),
            clicks=Coalesce(Sum("link__clicks"), 0),
            unique_clicks=Coalesce(Sum("link__unique_clicks"), 0),
        )
        .order_by("-clicks", "network")
    )
    networks = [NetworkImpact(**row) for row in rows]
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    today = timezone.localtime(now, zone).date()
    first = today - timedelta(days=IMPACT_DAYS - 1)
    per_day: dict[date, int] = defaultdict(int)
    clicks = Click.objects.filter(
        link__membership=actor.membership,
        bot=False,
        is_self=False,
        aggregated=True,  # the same clicks as the totals
        at__gte=now - timedelta(days=IMPACT_DAYS + 1),
    ).values_list("at", flat=True)
    for at in clicks:
        day = timezone.localtime(at, zone).date()
        if day >= first:
            per_day[day] += 1
    days = [
        (first + timedelta(days=n), per_day[first + timedelta(days=n)]) for n in range(IMPACT_DAYS)
    ]
    return Impact(
        shares=sum(n.shares for n in networks),
        clicks=sum(n.clicks for n in networks),
        unique_clicks=sum(n.unique_clicks for n in networks),
        networks=networks,
        days=days,
    )


# --- Follower counts (potential reach) ---------------------------------------------------------


@dataclass(frozen=True)
class AudienceRow:
    """One network on the person's sharing profile: the count known for them there, if any."""

    network: str
    label: str
    followers: int | None  # None: unknown
    source: str  # "network", "self", or "" when unknown
    learned_at: datetime | None
    connected: bool  # a connected account keeps the count: the person cannot edit it
    used: bool  # they have shared on it, or a count is known


def audience_mine(*, actor: Actor) -> list[AudienceRow]:
    """Every network, in the usual order, with the actor's follower count there."""
    require(actor, Action.FEED_VIEW)
    person_required(actor)
    known = {
        audience.network: audience
        for audience in NetworkAudience.objects.filter(
            organization=actor.organization, membership=actor.membership
        )
    }
    shared = set(
        Share.objects.filter(membership=actor.membership)
        .values_list("network", flat=True)
        .distinct()
    )
    rows = []
    for network, rules in RULES.items():
        audience = known.get(network.value)
        rows.append(
            AudienceRow(
                network=network.value,
                label=str(rules.label),
                followers=audience.followers if audience else None,
                source=audience.source if audience else "",
                learned_at=audience.learned_at if audience else None,
                connected=bool(audience and audience.connected),
                used=audience is not None or network.value in shared,
            )
        )
    return rows


def audience_followers(*, membership_id: int, network: str) -> int | None:
    """The follower count known for the person on ``network`` now (a share's reach)."""
    return (
        NetworkAudience.objects.filter(membership_id=membership_id, network=network)
        .values_list("followers", flat=True)
        .first()
    )
