"""The demo's content library: 60+ realistic Japanese items in every state, two campaigns, the
feed it serves itself (offline), suggestions and followers."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import feedparser
import pytest
from django.test import Client
from django.utils import timezone

from ouendan.accounts.audit import audit_verify
from ouendan.accounts.models import Organization
from ouendan.content.models import (
    Campaign,
    ContentItem,
    Suggestion,
    Topic,
    TopicSubscription,
)
from ouendan.demo.data import content as data
from ouendan.demo.services import demo_seed
from ouendan.networks import Network, text_measure

pytestmark = pytest.mark.xdist_group("demo-seed")  # one worker, one seed (conftest.py)


def test_the_library_has_sixty_items_in_every_state(seeded):
    org = Organization.objects.get(slug="demo")
    items = ContentItem.objects.filter(organization=org)
    assert items.count() >= 60
    statuses = Counter(items.values_list("status", flat=True))
    assert set(statuses) == set(ContentItem.Status.values), statuses
    assert all(count >= 3 for count in statuses.values()), statuses
    assert items.filter(promotional=True).count() >= 10
    topics = set(Topic.objects.filter(organization=org).values_list("name", flat=True))
    assert topics == {"採用", "製品", "技術ブログ", "CSR", "イベント"}
    for topic in Topic.objects.filter(organization=org):
        assert topic.content_items.count() >= 10, topic.name
    assert Campaign.objects.filter(organization=org).count() == 2
    assert items.filter(images__isnull=False).distinct().count() >= 40
    assert not ContentItem.objects.filter(organization__slug="other").exists()


def test_every_item_went_through_the_lifecycle_and_the_audit_chain_holds(seeded):
    org = Organization.objects.get(slug="demo")
    approved = ContentItem.objects.filter(
        organization=org, status__in=["approved", "scheduled", "published", "expired", "archived"]
    )
    assert not approved.filter(approved_by__isnull=True).exists()
    assert not approved.filter(approved_version__isnull=True).exists()
    live = ContentItem.objects.filter(organization=org, status="published")
    assert not live.filter(publish_at__gt=timezone.now()).exists()
    scheduled = ContentItem.objects.filter(organization=org, status="scheduled")
    assert not scheduled.filter(publish_at__lte=timezone.now()).exists()
    changes = ContentItem.objects.get(organization=org, slug="x1-case-study-food")
    assert (changes.status, bool(changes.review_comment)) == ("draft", True)
    assert audit_verify(org) is None


def test_suggested_texts_fit_their_networks(seeded):
    items = ContentItem.objects.filter(organization__slug="demo").exclude(status="draft")
    for item in items.prefetch_related("variants"):
        assert item.variants.exists(), item.title
        for variant in item.variants.all():
            if variant.network:
                measured = text_measure(text=variant.composed, network=Network(variant.network))
                assert measured.ok, (item.title, variant.network, measured)


def test_suggestions_and_followers(seeded):
    org = Organization.objects.get(slug="demo")
    statuses = Counter(Suggestion.objects.filter(organization=org).values_list("status", flat=True))
    assert statuses["pending"] == 3 and statuses["accepted"] == 1 and statuses["declined"] == 1
    assert TopicSubscription.objects.filter(organization=org).count() > 100
    advocate = TopicSubscription.objects.filter(membership__user__email="advocate@demo.example")
    assert advocate.count() == 2


def test_the_demo_serves_its_own_feed_and_entries_appear_over_time(seeded, client: Client):
    response = client.get("/demo/feeds/news.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    parsed = feedparser.parse(response.content)
    visible = [e for e in data.FEED_ENTRIES if e.published_days_ago >= 0]
    assert len(parsed.entries) == len(visible)
    assert parsed.feed.title == data.FEED_TITLE
    org = Organization.objects.get(slug="demo")
    Organization.objects.filter(pk=org.pk).update(created_at=org.created_at - timedelta(days=4))
    later = feedparser.parse(client.get("/demo/feeds/news.xml").content)
    assert len(later.entries) == len(data.FEED_ENTRIES)


def test_seeding_twice_keeps_the_library(seeded):
    before = ContentItem.objects.count()
    demo_seed()
    assert ContentItem.objects.count() == before


def test_the_demo_workflow_fills_pr_and_legal_queues(seeded):
    from ouendan.accounts.models import Membership
    from ouendan.accounts.permissions import actor_for_membership
    from ouendan.governance.models import Workflow
    from ouendan.governance.selectors import review_queue

    org = Organization.objects.get(slug="demo")
    workflow = Workflow.objects.get(organization=org)
    assert [stage.name for stage in workflow.stages.all()] == ["広報確認", "法務確認"]

    def queue(email: str) -> list[int]:
        person = Membership.objects.select_related("organization", "user").get(
            organization=org, user__email=email
        )
        return [row.stage for row in review_queue(actor=actor_for_membership(person))]

    assert queue("pr@demo.example") and set(queue("pr@demo.example")) == {1}
    assert queue("legal@demo.example") and set(queue("legal@demo.example")) == {2}
    assert queue("curator@demo.example") == []


def test_sharers_have_believable_followers_and_shares_a_reach(seeded):
    from django.db.models import Max, Min

    from ouendan.sharing.models import NetworkAudience, Share

    org = Organization.objects.get(slug="demo")
    counts = NetworkAudience.objects.filter(organization=org)
    assert counts.count() > 50
    span = counts.aggregate(low=Min("followers"), high=Max("followers"))
    assert span["low"] >= 150 and span["high"] <= 4000
    tour = counts.filter(membership__user__email="advocate@demo.example")
    assert dict(tour.values_list("network", "followers")) == {"x": 860, "linkedin": 410}
    shares = Share.objects.filter(organization=org)
    known, unknown = shares.filter(reach__isnull=False), shares.filter(reach__isnull=True)
    assert known.count() > unknown.count() > 0  # most known, some people did not say
    for share in known.order_by("pk")[:50]:
        audience = counts.get(membership=share.membership_id, network=share.network)
        assert share.reach == audience.followers
