"""The demo's quarter: who shares what, on which network, and when (13 weeks up to today,
Asia/Tokyo), as a program grows. ``demo.sharing`` turns the plan into shares.

Who shares differs by department: 広報 and 人事 (採用課 above all) share from the first week, 営業
and 開発 join over the quarter, 製造 has a few keen people, 法務 and 経営企画 nobody; about 30 % of
the enrolled advocates share at least once. People share on weekdays more than at weekends, at
lunch and in the evening, items that were live and meant for them (their department, site and
language), mostly fresh ones of the topics their department cares about; when the 2027 graduate
entry opens (the 新卒採用 campaign), recruiters, 広報 and engineers share it in a burst. The demo
advocate is never chosen: their first share is the tour.
"""

from __future__ import annotations

import math
import random
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from ouendan.accounts.models import Department, Membership, Organization
from ouendan.accounts.permissions import Actor
from ouendan.content.models import ContentItem, Variant
from ouendan.demo.data import content as data
from ouendan.governance.models import PolicyVersion
from ouendan.networks import Network

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
QUARTER_DAYS = 91  # 13 weeks, today included
ADVOCATE_EMAIL = "advocate@demo.example"  # the tour's advocate: has not shared yet
# Archived items were taken down at some point: live until this many days ago in the history.
ARCHIVED_LIVE_UNTIL_DAYS = 60

# By top-level department: the share of its advocates (who acknowledged the policy) who share at
# least once in the quarter, and how often such a person shares (per week, on average).
ACTIVITY: dict[str, tuple[float, float]] = {
    "PR": (1.0, 1.3),  # 広報: the program's home
    "HR": (0.9, 0.75),  # 人事
    "SL": (0.62, 0.28),  # 営業
    "RD": (0.57, 0.25),  # 開発
    "MF": (0.14, 0.55),  # 製造: a few enthusiasts
    "IT": (0.35, 0.25),  # 情報システム
    "LG": (0.0, 0.0),  # 法務: nobody
    "CP": (0.0, 0.0),  # 経営企画: nobody
}
# Teams that differ from their department: recruiters and sales planning.
TEAM_ACTIVITY: dict[str, tuple[float, float]] = {"HR02": (1.0, 1.2), "SL51": (0.9, 0.65)}
# Departments present from the first week; the others' people join over the quarter.
FOUNDERS = frozenset({"PR", "HR"})
# What each department likes to share, by topic (DemoTopic keys).
AFFINITY: dict[str, dict[str, float]] = {
    "PR": {"saiyo": 1.0, "seihin": 1.0, "tech": 0.6, "csr": 1.4, "event": 1.0},
    "HR": {"saiyo": 4.0, "seihin": 0.2, "tech": 0.3, "csr": 1.2, "event": 0.6},
    "SL": {"saiyo": 0.4, "seihin": 4.0, "tech": 0.3, "csr": 0.4, "event": 1.6},
    "RD": {"saiyo": 1.2, "seihin": 0.8, "tech": 4.0, "csr": 0.3, "event": 0.6},
    "MF": {"saiyo": 0.8, "seihin": 0.6, "tech": 1.0, "csr": 2.0, "event": 1.4},
    "IT": {"saiyo": 0.6, "seihin": 0.4, "tech": 4.0, "csr": 0.3, "event": 0.5},
}
# How often each network is chosen, roughly as Japanese employees share.
NETWORK_WEIGHTS = {
    Network.X: 30,
    Network.LINKEDIN: 20,
    Network.FACEBOOK: 12,
    Network.INSTAGRAM: 8,
    Network.LINE: 12,
    Network.THREADS: 6,
    Network.BLUESKY: 6,
    Network.MASTODON: 6,
}
NETWORK_TASTE: dict[str, dict[Network, float]] = {  # departments' leanings
    "SL": {Network.LINKEDIN: 2.5, Network.FACEBOOK: 1.5},
    "RD": {Network.X: 1.5, Network.BLUESKY: 2.0, Network.MASTODON: 2.0},
    "IT": {Network.X: 1.5, Network.BLUESKY: 2.0, Network.MASTODON: 2.0},
    "HR": {Network.LINE: 1.8, Network.INSTAGRAM: 1.8},
    "MF": {Network.LINE: 2.0, Network.INSTAGRAM: 1.5, Network.LINKEDIN: 0.4},
}
MASTODON_SERVERS = ("mstdn.jp", "fedibird.com", "mastodon.social")
# When people share: Monday … Sunday, and by hour in Tokyo (commute, lunch, evening).
SHARE_WEEKDAYS = (1.0, 1.15, 1.15, 1.05, 0.6, 0.2, 0.3)
SHARE_HOURS = (
    0.1, 0.02, 0, 0, 0, 0.02, 0.15, 0.6, 0.9, 0.7, 0.6, 0.7,
    1.3, 1.0, 0.5, 0.5, 0.5, 0.6, 0.8, 1.0, 1.1, 1.0, 0.7, 0.3,
)  # fmt: skip
# The 2027 graduate entry opening: a burst of shares (and, in demo.analytics, of clicks).
SPIKE_CAMPAIGN = "shinsotsu-2027"
SPIKE_UNITS = frozenset({"PR", "HR", "RD"})
CONFIRMED_SHARE = 0.65  # sharers who say "I posted it"


def spike(days_since_start: float) -> float:
    """How much busier than usual the days after the campaign's entry opening are (0: not)."""
    return 2.5 * math.exp(-days_since_start / 4) if days_since_start >= 0 else 0.0


@dataclass
class Sharer:
    """An advocate (or the program manager) who shares in the quarter."""

    membership: Membership
    unit: str  # top-level department code
    rate: float  # shares per week once they have joined
    joined: int  # day offset (negative: days ago) from which they share
    networks: tuple[Network, ...]
    departments: frozenset[int]  # theirs and its parents (whom content is meant for)
    instance: str = ""
    actor: Actor | None = None  # made when first needed


@dataclass
class LiveItem:
    """A content item with the time it was live and whom it was meant for."""

    item: ContentItem
    topics: tuple[str, ...]
    live_from: datetime
    live_until: datetime
    departments: frozenset[int]
    locations: frozenset[int]
    variants: list[Variant] = field(default_factory=list)


@dataclass
class PlannedShare:
    """One share of the history: who, what, where, when (and when they said they posted it)."""

    sharer: Sharer
    item: LiveItem
    network: Network
    at: datetime
    confirmed_at: datetime | None


# --- Who shares -----------------------------------------------------------------------------------


def _top_codes(org: Organization) -> tuple[dict[int, str], dict[int, frozenset[int]]]:
    """Each department's top-level code, and its id with its parents' ids."""
    rows = {
        pk: (code, parent)
        for pk, code, parent in Department.objects.filter(organization=org).values_list(
            "pk", "code", "parent_id"
        )
    }
    tops: dict[int, str] = {}
    lineage: dict[int, frozenset[int]] = {}
    for pk in rows:
        chain, current = [pk], rows[pk][1]
        while current is not None:
            chain.append(current)
            current = rows[current][1]
        tops[pk], lineage[pk] = rows[chain[-1]][0], frozenset(chain)
    return tops, lineage


def _networks(rng: random.Random, unit: str) -> tuple[Network, ...]:
    """One to three networks a person uses, leaning as their department does."""
    taste = NETWORK_TASTE.get(unit, {})
    weights = {n: w * taste.get(n, 1.0) for n, w in NETWORK_WEIGHTS.items()}
    chosen: list[Network] = []
    for _ in range(rng.choice((1, 1, 2, 2, 2, 3))):
        names, values = zip(*weights.items(), strict=True)
        network = rng.choices(names, values)[0]
        chosen.append(network)
        del weights[network]
    return tuple(chosen)


def sharers_choose(
    org: Organization, policy: PolicyVersion | None, pm: Membership, rng: random.Random
) -> list[Sharer]:
    """The advocates who will have shared in the quarter (and the program manager), each with
    their pace, the day they started and their networks."""
    if policy is None:
        return []
    tops, lineage = _top_codes(org)
    people = list(
        Membership.objects.filter(
            organization=org,
            status=Membership.Status.ACTIVE,
            role_grants__role="advocate",
            policy_acknowledgments__policy=policy,
        )
        .exclude(user__email=ADVOCATE_EMAIL)
        .select_related("organization", "user", "department")
        .order_by("pk")
        .distinct()
    )
    sharers = []
    for person in [pm, *people]:
        if person.department is None:
            continue
        unit = tops[person.department.pk]
        active, pace = TEAM_ACTIVITY.get(person.department.code, ACTIVITY.get(unit, (0.0, 0.0)))
        if person.pk == pm.pk:
            active, pace = 1.0, 1.2
        if rng.random() >= active:
            continue
        founder = unit in FOUNDERS or person.pk == pm.pk
        joined = -QUARTER_DAYS + 1 if founder else -QUARTER_DAYS + 1 + rng.randrange(80)
        networks = _networks(rng, unit)
        sharers.append(
            Sharer(
                membership=person,
                unit=unit,
                rate=pace * rng.lognormvariate(0, 0.5),
                joined=joined,
                networks=networks,
                departments=lineage[person.department.pk],
                instance=rng.choice(MASTODON_SERVERS) if Network.MASTODON in networks else "",
            )
        )
    return sharers


# --- What was live, and for whom ------------------------------------------------------------------


def live_items(org: Organization, now: datetime) -> list[LiveItem]:
    """Items that were live at some time in the quarter, with their live window and audience.
    Items meant for another language than Japanese are left out (every demo person reads
    Japanese, so none of them sees those in their feed)."""
    topics = {entry.key: entry.topics for entry in data.CONTENT}
    archived_until = now - timedelta(days=ARCHIVED_LIVE_UNTIL_DAYS)
    start = now - timedelta(days=QUARTER_DAYS)
    found = []
    for item in (
        ContentItem.objects.filter(
            organization=org,
            status__in=["published", "expired", "archived"],
            publish_at__isnull=False,
        )
        .select_related("organization", "campaign")
        .prefetch_related("variants", "audience_departments", "audience_locations")
        .order_by("publish_at", "pk")
    ):
        languages = item.audience_languages or []
        if (languages and "ja" not in languages) or item.audience_roles:
            continue
        until = min(item.expire_at or now, now)
        if item.status == "archived":
            until = min(until, archived_until)
        assert item.publish_at is not None
        live_from = item.publish_at + timedelta(minutes=30)
        if until <= max(live_from, start):
            continue
        found.append(
            LiveItem(
                item=item,
                topics=topics.get(item.slug, ()),
                live_from=live_from,
                live_until=until,
                departments=frozenset(d.pk for d in item.audience_departments.all()),
                locations=frozenset(loc.pk for loc in item.audience_locations.all()),
                variants=list(item.variants.all()),
            )
        )
    return found


def _meant_for(item: LiveItem, sharer: Sharer) -> bool:
    membership = sharer.membership
    return (not item.departments or bool(item.departments & sharer.departments)) and (
        not item.locations or membership.location_id in item.locations
    )


def spike_start_of(org: Organization) -> datetime | None:
    """When the campaign's first item went live: the graduate entry opening."""
    return (
        ContentItem.objects.filter(
            organization=org, campaign__slug=SPIKE_CAMPAIGN, publish_at__isnull=False
        )
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )


# --- The plan -------------------------------------------------------------------------------------


def _poisson(rng: random.Random, mean: float) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _moment(rng: random.Random, day: date) -> datetime:
    hour = rng.choices(range(24), SHARE_HOURS)[0]
    at = time(hour, rng.randrange(60), rng.randrange(60))
    return datetime.combine(day, at, tzinfo=TOKYO)


def _item_weight(
    item: LiveItem, sharer: Sharer, at: datetime, spike_start: datetime | None
) -> float:
    """How likely the sharer picks this item now: their department's taste for its topics,
    its freshness, featured items, and the campaign's burst."""
    taste = AFFINITY.get(sharer.unit, {})
    weight = max((taste.get(t, 0.3) for t in item.topics), default=0.3)
    age = (at - item.live_from).total_seconds() / 86400
    weight *= 0.15 + math.exp(-age / 12)  # fresh items are shared most
    if item.item.featured:
        weight *= 1.5
    campaign = item.item.campaign
    if spike_start is not None and campaign is not None and campaign.slug == SPIKE_CAMPAIGN:
        weight *= 1 + 3 * spike((at - spike_start).total_seconds() / 86400)
    return weight


def share_plan(
    rng: random.Random,
    sharers: list[Sharer],
    items: list[LiveItem],
    now: datetime,
    spike_start: datetime | None,
) -> list[PlannedShare]:
    """Who shares what, on which network, when: day by day, each sharer from the day they
    joined, at their pace (busier midweek, and in the campaign's burst); then everyone chosen
    who drew no share gets one, so participation is what ``ACTIVITY`` says."""
    today = timezone.localdate(now, timezone=TOKYO)
    plan: list[PlannedShare] = []
    taken: set[tuple[int, int, Network]] = set()
    counts: Counter[int] = Counter()

    def place(sharer: Sharer, at: datetime) -> bool:
        live = [i for i in items if i.live_from <= at < i.live_until and _meant_for(i, sharer)]
        if not live:
            return False
        weights = [_item_weight(i, sharer, at, spike_start) for i in live]
        item = rng.choices(live, weights)[0]
        for network in rng.sample(sharer.networks, len(sharer.networks)):
            key = (sharer.membership.pk, item.item.pk, network)
            if key in taken:
                continue
            taken.add(key)
            confirmed = rng.random() < CONFIRMED_SHARE
            minutes = timedelta(minutes=rng.randint(2, 15))
            plan.append(
                PlannedShare(sharer, item, network, at, at + minutes if confirmed else None)
            )
            counts[sharer.membership.pk] += 1
            return True
        return False

    for offset in range(-QUARTER_DAYS + 1, 1):
        day = today + timedelta(days=offset)
        noon = datetime.combine(day, time(12), tzinfo=TOKYO)
        burst = spike((noon - spike_start).total_seconds() / 86400) if spike_start else 0.0
        for sharer in sharers:
            if offset < sharer.joined:
                continue
            boost = 1 + burst if sharer.unit in SPIKE_UNITS else 1 + burst / 4
            mean = sharer.rate * SHARE_WEEKDAYS[day.weekday()] / sum(SHARE_WEEKDAYS)
            for _ in range(_poisson(rng, mean * boost)):
                at = _moment(rng, day)
                if at < now:
                    place(sharer, at)
    for sharer in sharers:  # everyone chosen has shared at least once
        for _ in range(20):
            if counts[sharer.membership.pk]:
                break
            offset = rng.randint(sharer.joined, 0)
            at = _moment(rng, today + timedelta(days=offset))
            if at < now:
                place(sharer, at)
    plan.sort(key=lambda p: p.at)
    return plan
