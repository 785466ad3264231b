"""The demo's sharing history: colleagues who acknowledged the policy have shared live items
over the last four weeks, and people (and a few bots) have clicked their links.

Shares go through ``share_create`` (variants, disclosure, the compliance scan, tracked links,
audit); clicks are written as the redirect writes them and counted by the worker's
aggregation, so every figure the pages show comes from the same code as in real use. The demo
advocate has not shared yet (their first share is the demo's tour); the program manager has.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from django.utils import timezone

from ouendan.accounts.models import Membership, Organization
from ouendan.accounts.permissions import actor_for_membership
from ouendan.content.models import ContentItem
from ouendan.demo.data import content as data
from ouendan.governance.models import PolicyAcknowledgment, PolicyVersion
from ouendan.integrations.services.settings import PostingRules, posting_settings_update
from ouendan.networks import Network
from ouendan.sharing.models import Share
from ouendan.sharing.selectors import feed_content_ids
from ouendan.sharing.services.metrics import Reactions, share_metrics_enter
from ouendan.sharing.services.shares import ComplianceBlocked, share_confirm, share_create
from ouendan.tracking.capture import new_click_id
from ouendan.tracking.models import Click, TrackedLink
from ouendan.tracking.services import clicks_aggregate

SHARES = 80
DAYS = 28
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
PREVIEW_AGENTS = ("preview", "crawler", "head")
DEVICES = ("mobile", "mobile", "mobile", "desktop", "tablet")
REFERRERS = ("t.co", "www.linkedin.com", "", "l.facebook.com", "line.me")


def demo_sharing_seed(org: Organization) -> dict[str, int]:
    """Inside the seed's transaction, after the content library."""
    rng = random.Random(data.RANDOM_SEED + 21)
    policy = PolicyVersion.objects.filter(organization=org).first()
    pm = Membership.objects.get(organization=org, user__email="pr@demo.example")
    if policy is not None:
        PolicyAcknowledgment.objects.get_or_create(organization=org, policy=policy, membership=pm)
    sharers = list(
        Membership.objects.filter(
            organization=org, policy_acknowledgments__policy=policy
        ).select_related("organization", "user")[:80]
    )
    if not sharers or not ContentItem.objects.filter(organization=org, status="published").exists():
        return {"shares": 0, "clicks": 0}
    networks, weights = zip(*NETWORK_WEIGHTS.items(), strict=True)
    now = timezone.now()
    shares: list[Share] = []
    feeds: dict[int, list[int]] = {}
    for index in range(SHARES):
        sharer = pm if index % 12 == 0 else rng.choice(sharers)
        network = rng.choices(networks, weights)[0]
        actor = actor_for_membership(sharer)
        if sharer.pk not in feeds:  # what is meant for them (audiences differ)
            feeds[sharer.pk] = feed_content_ids(actor=actor)[:12]
        feed = feeds[sharer.pk]
        if not feed:
            continue
        try:
            result = share_create(
                actor=actor,
                content_id=rng.choice(feed),
                network=network,
                instance="mastodon.social" if network == Network.MASTODON else "",
            )
        except ComplianceBlocked:
            continue
        shares.append(result.share)
    clicks = _clicks(rng, shares, now)
    clicks_aggregate()
    reactions = _reactions(rng, shares)
    _posting_settings(org)
    return {"shares": len(shares), "clicks": clicks, "reactions": reactions}


def _reactions(rng: random.Random, shares: list[Share]) -> int:
    """About half of the sharers say they posted it, and some of them count their likes by
    hand (as people do for networks whose numbers Ouendan cannot read)."""
    entered = 0
    for share in shares:
        if rng.random() < 0.5:
            continue
        actor = actor_for_membership(share.membership)
        share_confirm(actor=actor, share_id=share.pk)
        if rng.random() < 0.6:
            share_metrics_enter(
                actor=actor,
                share_id=share.pk,
                reactions=Reactions(
                    likes=rng.randint(0, 40), reposts=rng.randint(0, 6), replies=rng.randint(0, 4)
                ),
            )
            entered += 1
    return entered


def _posting_settings(org: Organization) -> None:
    """Direct posting on for Bluesky, Mastodon and LinkedIn (X bills per post: left off); the
    LinkedIn app is for the organization's admin to register, so LinkedIn says so."""
    admin = Membership.objects.get(organization=org, user__email="admin@demo.example")
    posting_settings_update(
        actor=actor_for_membership(admin),
        rules=PostingRules(
            networks=[Network.BLUESKY, Network.MASTODON, Network.LINKEDIN],
            hours_start=time(8, 0),
            hours_end=time(21, 0),
            daily_cap=3,
            spread_minutes=20,
        ),
    )


def _clicks(rng: random.Random, shares: list[Share], now: datetime) -> int:
    rows: list[Click] = []
    for share in {s.pk: s for s in shares}.values():
        shared_at = now - timedelta(days=rng.uniform(0, DAYS), hours=rng.uniform(0, 12))
        confirmed = rng.random() < 0.7
        confirmed_at = shared_at + timedelta(minutes=3) if confirmed else None
        Share.objects.filter(pk=share.pk).update(created_at=shared_at, confirmed_at=confirmed_at)
        link = TrackedLink.objects.get(share=share)
        TrackedLink.objects.filter(pk=link.pk).update(created_at=shared_at)
        people = int(rng.expovariate(1 / 9)) if confirmed else rng.randint(0, 2)
        visitors = [f"{rng.getrandbits(128):032x}" for _ in range(max(1, people))]
        for _ in range(people + rng.randint(0, people // 3)):
            at = shared_at + timedelta(hours=rng.expovariate(1 / 20))
            if at > now:
                continue
            rows.append(_click(link, at, rng.choice(visitors), rng))
        for reason in rng.sample(PREVIEW_AGENTS, rng.randint(1, 2)):
            rows.append(_click(link, shared_at + timedelta(seconds=5), "b" * 32, rng, reason))
    Click.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _click(
    link: TrackedLink, at: datetime, visitor: str, rng: random.Random, reason: str = ""
) -> Click:
    return Click(
        organization_id=link.organization_id,
        link=link,
        click_id=new_click_id(at),
        at=at,
        day=at.astimezone(UTC).date(),
        visitor_hash=visitor,
        bot=bool(reason),
        reason=reason,
        device="bot" if reason else rng.choice(DEVICES),
        referrer_host="" if reason else rng.choice(REFERRERS),
    )
