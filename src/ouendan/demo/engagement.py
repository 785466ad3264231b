"""The demo's recognition: the quarter's shares, clicks and conversions turned into points by
the real awarding job, so every ledger, streak, badge and leaderboard comes from the same code
as in real use.

Around it, what a program manager's quarter leaves behind: the rules changed once, six weeks
ago, to give clicks more weight for the graduate-recruiting push (a second version, so the rules
page shows history and older clicks kept their points); a few corrections for work Ouendan
could not see (an interview for the company newsletter, a talk at a university); one share's
points reversed because the post had been deleted; and one share that a single visitor kept
reopening, held by the fraud check for review. Some people chose a nickname or not to appear.
The demo advocate has no points: their first share is the tour. Deterministic: a seeded
``random.Random`` and people chosen in a fixed order.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from django.db.models import Count
from django.utils import timezone

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import Membership, Organization
from ouendan.accounts.permissions import actor_for_membership
from ouendan.demo.data import content as data
from ouendan.demo.data.organization import SIGN_INS
from ouendan.engagement.models import PointEntry, PointRules
from ouendan.engagement.services.awarding import points_award
from ouendan.engagement.services.ledger import point_entry_reverse, points_adjust
from ouendan.engagement.services.rules import point_rules_ensure
from ouendan.sharing.models import Share
from ouendan.tracking.capture import new_click_id
from ouendan.tracking.models import Click, TrackedLink
from ouendan.tracking.services import clicks_aggregate

SIGN_IN_EMAILS = [sign_in.email for sign_in in SIGN_INS]  # the people a visitor signs in as
NICKNAMES = ("ミライの星", "はやぶさ", "えんじにゃー", "そらまめ", "しろくま")
CORRECTIONS = (
    (30, "社内報「みらいの人」の取材に協力"),
    (20, "大学での会社説明会に登壇"),
    (15, "展示会で製品紹介の動画を撮影"),
)


def demo_engagement_seed(org: Organization) -> dict[str, int]:
    """Inside the seed's transaction, after the shares, clicks and conversions."""
    rng = random.Random(data.RANDOM_SEED + 41)
    pm = Membership.objects.select_related("organization", "user").get(
        organization=org, user__email="pr@demo.example"
    )
    now = timezone.now()
    _rules(org, pm, now)
    _appearances(org, rng)
    _refreshed_share(org, now)
    summary = points_award(now=now)
    _corrections(org, pm, rng)
    return {
        "entries": PointEntry.objects.filter(organization=org).count(),
        "badges": summary.badges,
        "flagged": PointEntry.objects.filter(organization=org).exclude(flag="").count(),
    }


def _rules(org: Organization, pm: Membership, now: datetime) -> None:
    """The defaults, then clicks worth more from six weeks ago (forward only). The demo company
    was made a moment ago with a quarter of history: its first version starts before that."""
    first = point_rules_ensure(org)
    PointRules.objects.filter(pk=first.pk).update(effective_from=now - timedelta(days=365))
    changed = PointRules.objects.create(
        organization=org,
        version=first.version + 1,
        effective_from=now - timedelta(weeks=6),
        click_points=3,
        note="新卒採用の強化期間に合わせ、クリックの点数を 2 → 3 に",
        created_by=pm,
    )
    audit_record(
        actor=actor_for_membership(pm),
        action="points.rules_updated",
        target=changed,
        data={"version": changed.version, "changed": {"click_points": {"from": 2, "to": 3}},
              "note": changed.note},
    )  # fmt: skip


def _appearances(org: Organization, rng: random.Random) -> None:
    """A few of the people who share chose a nickname; two chose not to appear."""
    sharers = list(
        Membership.objects.filter(organization=org, shares__isnull=False)
        .exclude(user__email__in=SIGN_IN_EMAILS)
        .annotate(n=Count("shares"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)[:40]
    )
    chosen = rng.sample(sharers, min(len(sharers), len(NICKNAMES) + 2))
    for pk, nickname in zip(chosen, NICKNAMES, strict=False):
        Membership.objects.filter(pk=pk).update(appear_as="nickname", nickname=nickname)
    Membership.objects.filter(pk__in=chosen[len(NICKNAMES) :]).update(appear_as="hidden")


def _refreshed_share(org: Organization, now: datetime) -> None:
    """One of yesterday's shares: the same visitor opened it again and again (the pattern the
    fraud check holds for review)."""
    share = (
        Share.objects.filter(
            organization=org,
            created_at__gte=now - timedelta(days=3),
            created_at__lte=now - timedelta(hours=6),
        )
        .exclude(membership__user__email__in=SIGN_IN_EMAILS)
        .order_by("created_at", "pk")
        .first()
    )
    if share is None:
        return
    link = TrackedLink.objects.get(share=share)
    visitor = "d" * 32
    start = share.created_at + timedelta(hours=2)
    rows = []
    for n in range(7):
        at = start + timedelta(minutes=3 * n)
        rows.append(
            Click(
                organization_id=org.pk,
                link=link,
                click_id=new_click_id(at),
                at=at,
                day=at.astimezone(UTC).date(),
                visitor_hash=visitor,
                device="mobile",
                referrer_host="line.me",
            )
        )
    Click.objects.bulk_create(rows)
    clicks_aggregate()


def _corrections(org: Organization, pm: Membership, rng: random.Random) -> None:
    """Corrections for work Ouendan could not see, and one share whose post was deleted."""
    actor = actor_for_membership(pm)
    ranked = list(
        PointEntry.objects.filter(organization=org, status="confirmed")
        .exclude(membership=pm)
        .values("membership_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "membership_id")
        .values_list("membership_id", flat=True)[:12]
    )
    for (points, reason), membership_id in zip(
        CORRECTIONS, rng.sample(ranked, min(len(ranked), len(CORRECTIONS))), strict=False
    ):
        points_adjust(actor=actor, membership_id=membership_id, points=points, reason=reason)
    deleted = (
        PointEntry.objects.filter(organization=org, reason="share", status="confirmed")
        .exclude(membership=pm)
        .order_by("occurred_at", "pk")
        .first()
    )
    if deleted is not None:
        point_entry_reverse(
            actor=actor, entry_id=deleted.pk, reason="投稿が削除されていたため取り消し"
        )
