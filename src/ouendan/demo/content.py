"""The demo company's content library, made through the content services (so every item has
its versions and audit trail): five topics, two campaigns, 60+ items in every state with
suggested texts and images, the offline feed source, suggestions and topic followers.

Dates are relative to the day of seeding, in Asia/Tokyo, so the library always looks current.
Images are drawn here with Pillow (no file is downloaded): a card in the topic's colour.
"""

from __future__ import annotations

import io
import random
import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from PIL import Image, ImageDraw

from ouendan.accounts.models import Department, Location, Membership, Organization
from ouendan.accounts.permissions import Actor, actor_for_membership
from ouendan.accounts.roles import Role
from ouendan.content.models import (
    Campaign,
    ContentItem,
    Source,
    Suggestion,
    Topic,
    TopicSubscription,
)
from ouendan.content.services.campaigns import CampaignData, campaign_create
from ouendan.content.services.images import content_image_add
from ouendan.content.services.items import (
    ContentData,
    content_archive,
    content_create,
    content_submit,
)
from ouendan.content.services.topics import topic_create
from ouendan.content.services.variants import VariantData
from ouendan.demo.data import content as data
from ouendan.demo.data import policy as policy_data
from ouendan.governance.models import PolicyAcknowledgment
from ouendan.governance.services.compliance import compliance_settings_update
from ouendan.governance.services.policy import policy_publish
from ouendan.governance.services.reviews import review_decide
from ouendan.governance.services.workflows import StageData, WorkflowData, workflow_create

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
FEED_PATH = "/demo/feeds/news.xml"
TOPIC_COLOURS = {
    "saiyo": ((179, 38, 30), (244, 143, 110)),
    "seihin": ((29, 79, 145), (120, 170, 230)),
    "tech": ((31, 111, 67), (130, 200, 150)),
    "csr": ((138, 90, 0), (240, 200, 110)),
    "event": ((110, 50, 140), (200, 150, 220)),
}
REVIEW_COMMENT = "「業界No.1」の根拠が示せないため、表現を見直してください。"


def demo_feed_url(port: int | None = None) -> str:
    """Where the demo serves its own press-release feed (``demo/views.py``): on the demo's own
    port, under the one prefix the fetch guard lets reach loopback in demo mode."""
    if port is None:
        prefixes = settings.FETCH_LOOPBACK_URL_PREFIXES
        return prefixes[0] + FEED_PATH.rsplit("/", 1)[-1] if prefixes else ""
    return f"http://127.0.0.1:{port}{FEED_PATH}"


def _at(days: int | None, hour: int = 10) -> datetime | None:
    if days is None:
        return None
    if days == 0:  # today: live since an hour ago, whatever the time of seeding
        return timezone.now() - timedelta(hours=1)
    day = timezone.localdate(timezone=TOKYO) + timedelta(days=days)
    return datetime.combine(day, time(hour, 0), tzinfo=TOKYO)


def _image(topic: str, seed: int) -> bytes:
    """A 640×336 card in the topic's colours, with a few shapes (deterministic per item)."""
    dark, light = TOPIC_COLOURS.get(topic, TOPIC_COLOURS["event"])
    rng = random.Random(seed)
    image = Image.new("RGB", (640, 336), light)
    draw = ImageDraw.Draw(image)
    for row in range(336):
        t = row / 335
        colour = tuple(round(a + (b - a) * t) for a, b in zip(light, dark, strict=True))
        draw.line([(0, row), (640, row)], fill=colour)
    for _ in range(5):
        x, y, r = rng.randrange(40, 600), rng.randrange(30, 300), rng.randrange(20, 90)
        draw.ellipse([x - r, y - r, x + r, y + r], outline=(255, 255, 255), width=4)
    draw.rounded_rectangle([32, 236, 360, 304], radius=12, fill=(255, 255, 255))
    draw.rectangle([52, 256, 52 + rng.randrange(120, 280), 268], fill=dark)
    draw.rectangle([52, 278, 52 + rng.randrange(80, 220), 288], fill=light)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _sign_in(org: Organization, email: str) -> Membership:
    return Membership.objects.select_related("organization", "user").get(
        organization=org, user__email=email
    )


def demo_content_seed(org: Organization) -> dict[str, int]:
    """Fill the demo organization's library (inside the seed's transaction)."""
    curator = actor_for_membership(_sign_in(org, "curator@demo.example"))
    reviewer = actor_for_membership(_sign_in(org, "legal@demo.example"))
    pr = actor_for_membership(_sign_in(org, "pr@demo.example"))
    _workflow(org, pr)
    compliance_settings_update(
        actor=reviewer,
        lists={
            "confidential_terms": list(data.CONFIDENTIAL_TERMS),
            "product_names": list(data.PRODUCT_NAMES),
            "allowed_domains": list(data.ALLOWED_DOMAINS),
            "public_emails": list(data.PUBLIC_EMAILS),
        },
    )
    topics = {
        topic.key: topic_create(actor=curator, name=topic.name, description=topic.description)
        for topic in data.TOPICS
    }
    today = timezone.localdate(timezone=TOKYO)
    campaigns = {
        c.key: campaign_create(
            actor=curator,
            data=CampaignData(
                name=c.name,
                slug=c.key,
                description=c.description,
                starts_on=today + timedelta(days=c.starts_in_days),
                ends_on=today + timedelta(days=c.ends_in_days),
                goal=c.goal,
                goal_target=c.goal_target,
            ),
        )
        for c in data.CAMPAIGNS
    }
    departments = dict(
        Department.objects.filter(organization=org).exclude(code="").values_list("code", "pk")
    )
    locations = dict(Location.objects.filter(organization=org).values_list("code", "pk"))
    created: list[tuple[ContentItem, data.DemoContent]] = []
    for index, entry in enumerate(data.CONTENT):
        item = content_create(
            actor=curator,
            data=ContentData(
                title=entry.title,
                url=entry.url,
                summary=entry.summary,
                advocate_note=entry.note,
                slug=entry.key,
                language="en" if entry.languages == ("en",) else "ja",
                site_name=data.SITE_NAME,
                topic_ids=[topics[key].pk for key in entry.topics],
                department_ids=[departments[code] for code in entry.departments],
                location_ids=[locations[code] for code in entry.locations],
                audience_languages=list(entry.languages),
                campaign_id=campaigns[entry.campaign].pk if entry.campaign else None,
                promotional=entry.promotional,
                featured=entry.featured,
                pinned=entry.pinned,
                publish_at=_at(entry.publish_in_days),
                expire_at=_at(entry.expire_in_days, hour=23),
            ),
            variants=[
                VariantData(network=v.network, text=v.text, hashtags=v.hashtags)
                for v in entry.variants
            ],
        )
        if index % 4 != 3:  # most items have an image; some wait for one
            content_image_add(
                actor=curator,
                content_id=item.pk,
                data=_image(entry.topics[0], index),
                alt_text=entry.title[:300],
            )
        _advance(item, entry, index, curator=curator, pr=pr, legal=reviewer)
        created.append((item, entry))
    _spread_dates(created)
    _policy(org, reviewer)
    source = _feed_source(org, topics["seihin"])
    suggestions = _suggestions(org, created)
    followers = _followers(org, list(topics.values()))
    return {
        "content": len(created),
        "topics": len(topics),
        "campaigns": len(campaigns),
        "sources": 1 if source else 0,
        "suggestions": suggestions,
        "followers": followers,
    }


def _workflow(org: Organization, pm: Actor) -> None:
    """The demo's default workflow: 広報 checks first, then 法務."""
    departments = dict(
        Department.objects.filter(organization=org, code__in=["PR", "LG"]).values_list("code", "pk")
    )
    workflow_create(
        actor=pm,
        data=WorkflowData(
            name="広報 → 法務",
            stages=[
                StageData(
                    name="広報確認",
                    role=Role.PROGRAM_MANAGER,
                    department_id=departments["PR"],
                    sla_hours=24,
                ),
                StageData(
                    name="法務確認",
                    role=Role.REVIEWER,
                    department_id=departments["LG"],
                    sla_hours=48,
                ),
            ],
        ),
    )


def _advance(
    item: ContentItem,
    entry: data.DemoContent,
    index: int,
    *,
    curator: Actor,
    pr: Actor,
    legal: Actor,
) -> None:
    """Take the item through the lifecycle to its demo status, the way people would: 広報
    approves, then 法務."""
    if entry.status == "draft":
        if "業界No.1" in " ".join(v.text for v in entry.variants) and entry.variants:
            content_submit(actor=curator, content_id=item.pk)
            review_decide(actor=pr, content_id=item.pk, decision="approve")
            review_decide(
                actor=legal, content_id=item.pk, decision="changes", comment=REVIEW_COMMENT
            )
        return
    content_submit(actor=curator, content_id=item.pk)
    if entry.status == "in_review":
        earlier = sum(1 for other in data.CONTENT[:index] if other.status == "in_review")
        if earlier % 2:  # every other one already passed 広報 and waits for 法務
            review_decide(actor=pr, content_id=item.pk, decision="approve")
        return
    review_decide(actor=pr, content_id=item.pk, decision="approve")
    review_decide(actor=legal, content_id=item.pk, decision="approve", comment="確認しました。")
    if entry.status == "archived":
        content_archive(actor=curator, content_id=item.pk, reason="掲載期間が終了したため")


def _spread_dates(created: list[tuple[ContentItem, data.DemoContent]]) -> None:
    """Give each item a believable creation and change date (a few days before it went live)."""
    rng = random.Random(data.RANDOM_SEED)
    now = timezone.now()
    for item, entry in created:
        start = _at(entry.publish_in_days) or now
        created_at = min(start, now) - timedelta(days=rng.randint(2, 12), hours=rng.randint(0, 8))
        updated_at = min(created_at + timedelta(days=rng.randint(0, 2), hours=3), now)
        ContentItem.objects.filter(pk=item.pk).update(created_at=created_at, updated_at=updated_at)


def _policy(org: Organization, reviewer: Actor) -> None:
    """Version 1 of the policy, acknowledged by about two thirds of the advocates (the demo
    advocate has not yet: they meet the policy on their first share)."""
    version = policy_publish(
        actor=reviewer, title=policy_data.TITLE, body=policy_data.BODY, changes=policy_data.CHANGES
    )
    rng = random.Random(data.RANDOM_SEED + 11)
    advocates = Membership.objects.filter(
        organization=org, role_grants__role=Role.ADVOCATE
    ).exclude(user__email="advocate@demo.example")
    PolicyAcknowledgment.objects.bulk_create(
        PolicyAcknowledgment(organization=org, policy=version, membership_id=pk)
        for pk in advocates.values_list("pk", flat=True).order_by("pk")
        if rng.random() < 0.65
    )


def _feed_source(org: Organization, topic: Topic) -> Source | None:
    """The press-release feed the demo serves itself; the scheduler polls it once it runs."""
    if not demo_feed_url():
        return None
    source = Source.objects.create(
        organization=org,
        name="ニュースリリース（公式サイト）",
        url=demo_feed_url(),
        poll_minutes=15,
        promotional=False,
    )
    source.topics.set([topic])
    return source


def demo_feed_source_point(*, port: int) -> int:
    """Point the demo's feed source at the port the demo serves on now (``make demo``), and let
    the scheduler poll it once the web server has started (half a minute from now)."""
    return Source.objects.filter(organization__slug="demo", url__endswith=FEED_PATH).update(
        url=demo_feed_url(port), next_poll_at=timezone.now() + timedelta(seconds=30)
    )


def _suggestions(org: Organization, created: list[tuple[ContentItem, data.DemoContent]]) -> int:
    advocates = list(
        Membership.objects.filter(organization=org, role_grants__role=Role.ADVOCATE)
        .exclude(user__email__endswith="@demo.example")
        .order_by("pk")[:6]
    )
    advocate = _sign_in(org, "advocate@demo.example")
    curator = _sign_in(org, "curator@demo.example")
    now = timezone.now()
    rows = [
        Suggestion(organization=org, suggested_by=advocate, comment=comment, url=url,
                   created_at=now - timedelta(days=days))
        for url, comment, days in data.SUGGESTIONS
    ]  # fmt: skip
    for row, person in zip(rows[1:], advocates, strict=False):
        row.suggested_by = person
    accepted_item = next(item for item, entry in created if entry.status == "published")
    rows.append(
        Suggestion(
            organization=org, suggested_by=advocates[-1] if advocates else advocate,
            url=accepted_item.url, title=accepted_item.title, status=Suggestion.Status.ACCEPTED,
            decided_by=curator, decided_at=now - timedelta(days=20), content=accepted_item,
            comment="取引先の方にも知ってほしい内容です。",
        )
    )  # fmt: skip
    rows.append(
        Suggestion(
            organization=org, suggested_by=advocate, url="https://news.example.jp/robot-ranking",
            title="ロボット業界ランキング記事", status=Suggestion.Status.DECLINED,
            decided_by=curator, decided_at=now - timedelta(days=8),
            decline_reason="他社との比較記事は、社員からの発信には向かないため見送ります。",
        )
    )  # fmt: skip
    Suggestion.objects.bulk_create(rows)
    ContentItem.objects.filter(pk=accepted_item.pk).update(suggested_by=rows[-2].suggested_by)
    return len(rows)


def _followers(org: Organization, topics: list[Topic]) -> int:
    """About half of the advocates follow one to three topics; the demo advocate follows two."""
    rng = random.Random(data.RANDOM_SEED + 7)
    advocate = _sign_in(org, "advocate@demo.example")
    advocates = list(
        Membership.objects.filter(organization=org, role_grants__role=Role.ADVOCATE)
        .exclude(pk=advocate.pk)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    rows = {
        (topic.pk, person)
        for person in advocates
        if rng.random() < 0.5
        for topic in rng.sample(topics, rng.randint(1, 3))
    }
    rows |= {(topic.pk, advocate.pk) for topic in topics[:2]}
    TopicSubscription.objects.bulk_create(
        TopicSubscription(organization=org, topic_id=topic, membership_id=person)
        for topic, person in sorted(rows)
    )
    return len(rows)


__all__ = ["Campaign", "demo_content_seed", "demo_feed_source_point", "demo_feed_url"]
