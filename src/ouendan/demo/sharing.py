"""The demo's sharing history: the quarter's plan (``demo.quarter``) made into shares, with
the follower counts they carry as reach and the reactions their sharers counted.

The last ``RECENT_DAYS`` days go through ``share_create`` (variants, disclosure, the compliance
scan, tracked links, audit), as in real use; older shares, many of items that are no longer
live, are written in bulk with the same text, link and destination ``share_create`` would have
made (one audit event says so). The demo advocate has not shared (their first share is the
tour); the program manager has. Clicks and conversions follow in ``demo.analytics``.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import datetime, time, timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import Membership, Organization
from ouendan.accounts.permissions import Actor, actor_for_membership, system_actor
from ouendan.content.models import Variant
from ouendan.core.errors import DomainError
from ouendan.demo.data import content as data
from ouendan.demo.quarter import (
    ADVOCATE_EMAIL,
    LiveItem,
    PlannedShare,
    Sharer,
    live_items,
    share_plan,
    sharers_choose,
    spike_start_of,
)
from ouendan.governance.compliance import ScanResult, Verdict
from ouendan.governance.models import PolicyAcknowledgment, PolicyVersion
from ouendan.integrations.services.settings import PostingRules, posting_settings_update
from ouendan.networks import Network
from ouendan.sharing.intents import post_build
from ouendan.sharing.models import NetworkAudience, Share, SharingProfile
from ouendan.sharing.services.audience import audience_update
from ouendan.sharing.services.metrics import Reactions, share_metrics_enter
from ouendan.sharing.services.shares import _finding_json as finding_json  # as stored
from ouendan.sharing.services.shares import scan_share_text, share_create, with_disclosure
from ouendan.tracking.links import CODE_ALPHABET, CODE_LENGTH, tracked_url
from ouendan.tracking.models import TrackedLink
from ouendan.tracking.services import tracked_destination

RECENT_DAYS = 7  # shares of the last week go through share_create
PROGRAM_MANAGER_EMAIL = "pr@demo.example"
REACTIONS_SHARE = 0.5  # of the confirmed shares, those whose reactions were counted by hand


def demo_sharing_seed(org: Organization) -> dict[str, int]:
    """Inside the seed's transaction, after the content library."""
    rng = random.Random(data.RANDOM_SEED + 21)
    now = timezone.now()
    policy = PolicyVersion.objects.filter(organization=org).first()
    pm = Membership.objects.select_related("organization", "user").get(
        organization=org, user__email=PROGRAM_MANAGER_EMAIL
    )
    if policy is not None:
        PolicyAcknowledgment.objects.get_or_create(organization=org, policy=policy, membership=pm)
    sharers = sharers_choose(org, policy, pm, rng)
    _audiences(org, sharers, now)  # before any share: each copies the count as its reach
    items = live_items(org, now)
    if not sharers or not items:
        _posting_settings(org)
        return {"shares": 0, "reactions": 0}
    plan = share_plan(rng, sharers, items, now, spike_start_of(org))
    # The last week's shares of items still live go through share_create, the others in bulk.
    since = now - timedelta(days=RECENT_DAYS)
    recent = [p for p in plan if p.at >= since and p.item.item.status == "published"]
    older = [p for p in plan if not (p.at >= since and p.item.item.status == "published")]
    bulk = _bulk_shares(org, rng, older)
    _reach_of_history(org)
    _back_date(bulk, confirmed=False)  # before the recent ones: variants rotate by last week's
    made = _created_shares(recent)
    _back_date(made)
    reactions = _reactions(rng, [share for share, _planned in bulk + made])
    _posting_settings(org)
    return {"shares": len(bulk) + len(made), "created": len(made), "reactions": reactions}


# --- Making the shares ----------------------------------------------------------------------------


def _code(rng: random.Random) -> str:
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _variant(item: LiveItem, network: Network, used: Counter[int]) -> Variant | None:
    """As ``variant_suggest`` rotates them: the variant for the network used least so far."""
    candidates = [v for v in item.variants if v.network == network] or [
        v for v in item.variants if not v.network
    ]
    if not candidates:
        return None
    chosen = min(candidates, key=lambda v: (used[v.pk], v.position, v.pk))
    used[chosen.pk] += 1
    return chosen


def _bulk_shares(
    org: Organization, rng: random.Random, plan: list[PlannedShare]
) -> list[tuple[Share, PlannedShare]]:
    """Older history in a few inserts: each share with the text, composer address, tracked
    link and destination ``share_create`` would have given it."""
    used: Counter[int] = Counter()
    rows: list[tuple[Share, str, PlannedShare]] = []
    # The same words on the same network get the same marker and verdict whatever the code
    # (codes have one length and one alphabet): scan each once.
    checked: dict[tuple[int, Network, str], tuple[str, ScanResult]] = {}
    for planned in plan:
        item, network = planned.item.item, planned.network
        variant = _variant(planned.item, network, used)
        suggested = variant.composed if variant is not None else item.title
        code = _code(rng)
        instance = planned.sharer.instance if network == Network.MASTODON else ""
        key = (item.pk, network, suggested)
        if key not in checked:
            body, _added = with_disclosure(suggested, item=item, network=network)
            text = post_build(network=network, body=body, url=tracked_url(code)).text
            checked[key] = (body, scan_share_text(item=item, network=network, text=text))
        body, scan = checked[key]
        if scan.verdict == Verdict.BLOCK:
            continue
        post = post_build(
            network=network, body=body, url=tracked_url(code), mastodon_instance=instance
        )
        share = Share(
            organization=org,
            content=item,
            membership=planned.sharer.membership,
            network=network,
            variant=variant,
            text=post.text,
            intent_url=post.intent_url,
            mastodon_instance=instance,
            confirmed_at=planned.confirmed_at,
            verdict=scan.verdict,
            findings=[finding_json(f) for f in scan.findings],
        )
        rows.append((share, code, planned))
    shares = Share.objects.bulk_create([share for share, _code, _p in rows], batch_size=500)
    TrackedLink.objects.bulk_create(
        [
            TrackedLink(
                organization=org,
                share=share,
                content_id=share.content_id,
                membership_id=share.membership_id,
                network=share.network,
                code=code,
                destination=tracked_destination(
                    planned.item.item.url or "",
                    network=share.network,
                    campaign=(
                        planned.item.item.campaign.slug
                        if planned.item.item.campaign
                        else planned.item.item.slug
                    ),
                    share_id=share.pk,
                ),
                sharer_visitor_hash=f"{rng.getrandbits(128):032x}",
            )
            for share, (_share, code, planned) in zip(shares, rows, strict=True)
        ],
        batch_size=500,
    )
    mastodon = {
        p.sharer.membership.pk: p.sharer.instance for _s, _c, p in rows if p.sharer.instance
    }
    SharingProfile.objects.bulk_create(
        [
            SharingProfile(organization=org, membership_id=pk, mastodon_instance=server)
            for pk, server in sorted(mastodon.items())
        ],
        ignore_conflicts=True,
    )
    if rows:
        audit_record(
            actor=_seed_actor(org),
            action="shares.imported",
            data={
                "count": len(rows),
                "first": rows[0][2].at.date().isoformat(),
                "last": rows[-1][2].at.date().isoformat(),
            },
        )
    return [(share, planned) for share, (_s, _c, planned) in zip(shares, rows, strict=True)]


def _seed_actor(org: Organization) -> Actor:
    from ouendan.demo.services import SEED_ACTOR_LABEL

    return system_actor(org, label=SEED_ACTOR_LABEL)


def _created_shares(plan: list[PlannedShare]) -> list[tuple[Share, PlannedShare]]:
    """The last week through ``share_create``: every check, the scan, the link, the audit."""
    made = []
    for planned in plan:
        sharer = planned.sharer
        if sharer.actor is None:
            sharer.actor = actor_for_membership(sharer.membership)
        try:
            result = share_create(
                actor=sharer.actor,
                content_id=planned.item.item.pk,
                network=planned.network,
                instance=sharer.instance if planned.network == Network.MASTODON else "",
            )
        except DomainError:  # blocked by the scan, or not in their feed after all
            continue
        made.append((result.share, planned))
    return made


def _back_date(shares: list[tuple[Share, PlannedShare]], *, confirmed: bool = True) -> None:
    """Each share (and its link) gets the moment it was made in the history, and, unless it
    was stored with it (``confirmed=False``), when its sharer said they had posted it."""
    for share, planned in shares:
        share.created_at = planned.at
        share.confirmed_at = planned.confirmed_at
        share.updated_at = planned.confirmed_at or planned.at
    Share.objects.bulk_update(
        [share for share, _planned in shares],
        ["created_at", "confirmed_at", "updated_at"] if confirmed else ["created_at"],
        batch_size=500,
    )
    if shares:
        TrackedLink.objects.filter(share_id__in=[share.pk for share, _p in shares]).update(
            created_at=Subquery(Share.objects.filter(pk=OuterRef("share_id")).values("created_at"))
        )


# --- Followers (potential reach) --------------------------------------------------------------

FOLLOWERS_LOW, FOLLOWERS_HIGH = 150, 4000  # what people enter, spread log-uniformly
FOLLOWERS_UNKNOWN = 0.2  # how often a person has not said, for one of their networks
TOUR_FOLLOWERS: dict[str, int | None] = {"x": 860, "linkedin": 410}  # the tour advocate's


def _audiences(org: Organization, sharers: list[Sharer], now: datetime) -> None:
    """Most sharers entered their followers on the networks they use, when they joined (a few
    hundred to a few thousand; some did not say); the tour's advocate on X and LinkedIn, so
    their first share shows a reach too. Its own generator: the history stays as it was."""
    rng = random.Random(data.RANDOM_SEED + 22)
    rows = []
    for sharer in sharers:
        joined = now + timedelta(days=sharer.joined)
        for network in sharer.networks:
            if rng.random() < FOLLOWERS_UNKNOWN:
                continue
            followers = math.exp(rng.uniform(math.log(FOLLOWERS_LOW), math.log(FOLLOWERS_HIGH)))
            rows.append(
                NetworkAudience(
                    organization=org, membership=sharer.membership, network=network,
                    followers=int(followers), source=NetworkAudience.Source.SELF,
                    learned_at=joined,
                )
            )  # fmt: skip
    NetworkAudience.objects.bulk_create(rows, batch_size=500)
    if rows:
        audit_record(actor=_seed_actor(org), action="audiences.imported", data={"count": len(rows)})
    tour = Membership.objects.select_related("organization", "user")
    advocate = tour.filter(organization=org, user__email=ADVOCATE_EMAIL).first()
    if advocate is not None:
        audience_update(actor=actor_for_membership(advocate), counts=TOUR_FOLLOWERS)


def _reach_of_history(org: Organization) -> None:
    """Shares written in bulk carry their sharer's count, as ``share_create`` would have."""
    known = NetworkAudience.objects.filter(
        membership=OuterRef("membership_id"), network=OuterRef("network")
    ).values("followers")[:1]
    Share.objects.filter(organization=org, reach__isnull=True).update(reach=Subquery(known))


# --- Reactions and posting settings ---------------------------------------------------------------

# Typical reactions to an employee's post by network: (likes, reposts, comments) medians.
# LINE is left out: a link sent to friends gets no public reactions.
REACTIONS: dict[Network, tuple[float, float, float]] = {
    Network.X: (5, 1, 0.5),
    Network.LINKEDIN: (14, 1, 1.5),
    Network.FACEBOOK: (16, 0.5, 2),
    Network.INSTAGRAM: (28, 0, 1.5),
    Network.THREADS: (7, 0.5, 1),
    Network.BLUESKY: (6, 1, 0.5),
    Network.MASTODON: (4, 1.5, 0.5),
}
# Where people read their post's impressions off the network's own statistics.
IMPRESSIONS: dict[Network, float] = {Network.X: 900, Network.LINKEDIN: 1300}


def _count(rng: random.Random, median: float) -> int:
    return int(median * rng.lognormvariate(0, 0.7)) if median else 0


def _reactions(rng: random.Random, shares: list[Share]) -> int:
    """About one share in three has its likes, reposts and comments entered by the sharer
    (as people do where Ouendan cannot read them), with believable numbers per network."""
    entered = 0
    actors: dict[int, Actor] = {}
    for share in shares:
        network = Network(share.network)
        if share.confirmed_at is None or network not in REACTIONS:
            continue
        if rng.random() >= REACTIONS_SHARE:
            continue
        likes, reposts, replies = REACTIONS[network]
        impressions = IMPRESSIONS.get(network)
        membership = share.membership
        actor = actors.get(membership.pk) or actors.setdefault(
            membership.pk, actor_for_membership(membership)
        )
        share_metrics_enter(
            actor=actor,
            share_id=share.pk,
            reactions=Reactions(
                likes=_count(rng, likes),
                reposts=_count(rng, reposts),
                replies=_count(rng, replies),
                impressions=_count(rng, impressions)
                if impressions and rng.random() < 0.6
                else None,
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


__all__ = ["RECENT_DAYS", "demo_sharing_seed"]
