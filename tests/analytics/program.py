"""A small advocacy program with a history, for the dashboards' tests.

``program`` makes it the way people do: departments, advocates who set their followers and how
they appear, content published through review, shares through ``share_create``, clicks through
``/r/<code>`` (people, a crawler, the sharer), a conversion with an earlier touch reported by
``conversion_record``, then tracking's and analytics' workers (``clicks_aggregate``,
``rollups_build``). ``direct_rollups`` writes the rollups (``DailyRollup``, ``DailyTotal``,
``DailyContent``) directly, for tests that only read (query counts with many rows).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from ouendan.accounts.models import Department, Membership, Organization
from ouendan.accounts.permissions import Actor
from ouendan.accounts.roles import Role
from ouendan.accounts.services.appearance import Appearance, appearance_set
from ouendan.analytics.models import DailyContent, DailyRollup, DailyTotal
from ouendan.analytics.services.rollups import rollups_build
from ouendan.content.models import Campaign, ContentItem
from ouendan.content.services.campaigns import CampaignData, campaign_create
from ouendan.governance.services.policy import policy_acknowledge, policy_publish
from ouendan.networks import Network
from ouendan.sharing.services.audience import audience_update
from ouendan.sharing.services.shares import share_create
from ouendan.tracking.models import Click, TrackedLink
from ouendan.tracking.services import Sharer, clicks_aggregate
from ouendan.tracking.services.conversions import conversion_record
from tests.factories import DepartmentFactory, actor, make_person
from tests.sharing.conftest import live
from tests.tracking.test_bots import CRAWLERS
from tests.tracking.test_redirect import ANDROID, IPHONE, MAC, visit

TOKYO = ZoneInfo("Asia/Tokyo")
SHARER_ADDRESS = "203.0.113.50"


def tokyo_today() -> dt.date:
    return timezone.now().astimezone(TOKYO).date()


@dataclass
class Program:
    org: Organization
    admin: Membership
    pm: Membership
    manager: Membership  # of 営業本部 (and 営業一課 below it)
    executive: Membership
    sales: Department
    sales_one: Department
    dev: Department
    people: dict[str, Membership]
    recruiting: ContentItem  # in the campaign
    product: ContentItem  # in no campaign
    campaign: Campaign
    links: dict[str, TrackedLink] = field(default_factory=dict)

    def actor(self, who: str) -> Actor:
        return actor(getattr(self, who) if hasattr(self, who) else self.people[who])


def _advocate(org: Organization, name: str, department: Department | None) -> Membership:
    return make_person(org, roles=[Role.ADVOCATE], full_name=name, department=department)


@pytest.fixture
def program(org, admin, curator_actor, reviewer_actor) -> Program:
    """Three advocates share two items (one hidden, one by nickname), a fourth never shares;
    people click, a crawler and a sharer too; one visitor converts after two touches."""
    sales = DepartmentFactory(organization=org, name="営業本部")
    sales_one = DepartmentFactory(organization=org, name="営業一課", parent=sales)
    dev = DepartmentFactory(organization=org, name="開発部")
    people = {
        "sato": _advocate(org, "佐藤 一郎", sales_one),
        "suzuki": _advocate(org, "鈴木 秘子", sales),
        "takahashi": _advocate(org, "高橋 次郎", dev),
        "tanaka": _advocate(org, "田中 静香", dev),
    }
    policy_publish(actor=actor(admin), title="ガイドライン", body="誠実に。")
    for person in people.values():
        policy_acknowledge(actor=actor(person))
    appearance_set(actor=actor(people["suzuki"]), appearance=Appearance("hidden"))
    appearance_set(
        actor=actor(people["takahashi"]), appearance=Appearance("nickname", "たかちゃん")
    )
    audience_update(actor=actor(people["sato"]), counts={"x": 1200})
    audience_update(actor=actor(people["suzuki"]), counts={"x": 300})
    audience_update(actor=actor(people["takahashi"]), counts={"x": 800, "linkedin": 500})

    campaign = campaign_create(
        actor=curator_actor, data=CampaignData(name="新卒採用2027", slug="recruit-2027")
    )
    recruiting = live(
        curator_actor,
        reviewer_actor,
        "新卒採用説明会",
        url="https://www.example.co.jp/recruit/setsumeikai",
        campaign_id=campaign.pk,
    )
    product = live(
        curator_actor, reviewer_actor, "ミライアーム発売", url="https://www.example.co.jp/products"
    )
    found = Program(
        org=org,
        admin=admin,
        pm=make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 花子"),
        manager=make_person(org, roles=[Role.MANAGER], full_name="営業 部長", department=sales),
        executive=make_person(org, roles=[Role.EXECUTIVE_VIEWER], full_name="役員 太郎"),
        sales=sales,
        sales_one=sales_one,
        dev=dev,
        people=people,
        recruiting=recruiting,
        product=product,
        campaign=campaign,
    )
    for key, who, item, network in (
        ("sato", "sato", recruiting, Network.X),
        ("suzuki", "suzuki", recruiting, Network.X),
        ("takahashi", "takahashi", product, Network.X),
        ("takahashi_linkedin", "takahashi", product, Network.LINKEDIN),
    ):
        result = share_create(
            actor=actor(people[who]),
            content_id=item.pk,
            network=network,
            sharer=Sharer(address=SHARER_ADDRESS, user_agent=MAC),
        )
        found.links[key] = TrackedLink.objects.get(share=result.share)
    # 佐藤's post: three people (one of them twice); a crawler; the sharer himself.
    for index, agent in enumerate((IPHONE, ANDROID, IPHONE)):
        visit(found.links["sato"], agent, address=f"198.51.100.{index + 1}")
    visit(found.links["sato"], IPHONE, address="198.51.100.1")
    visit(found.links["sato"], CRAWLERS["Google"])
    visit(found.links["sato"], MAC, address=SHARER_ADDRESS)
    visit(found.links["suzuki"], ANDROID, address="198.51.100.20")
    # The visitor who converts: 佐藤's link first, then 高橋's.
    visit(found.links["sato"], ANDROID, address="198.51.100.99")
    first = Click.objects.filter(link=found.links["sato"]).latest("pk")
    visit(found.links["takahashi"], ANDROID, address="198.51.100.99")
    last = Click.objects.filter(link=found.links["takahashi"]).latest("pk")
    visit(found.links["takahashi"], IPHONE, address="198.51.100.30")
    visit(found.links["takahashi_linkedin"], IPHONE, address="198.51.100.31")
    clicks_aggregate()
    conversion_record(
        actor=actor(admin),
        click_id=last.click_id,
        type_key="application",
        value=Decimal(30000),
        currency=None,
        idempotency_key="application-1",
        occurred_at=None,
        touches=[first.click_id],
    )
    rollups_build()
    return found


def direct_rollups(
    org: Organization,
    *,
    rows: int,
    department: Department | None = None,
    day: dt.date | None = None,
) -> list[Membership]:
    """``rows`` advocates each with one item shared on X that day (figures growing with the
    row), written straight into the rollups with their daily totals."""
    day = day or tokyo_today()
    batch = DailyRollup.objects.filter(organization=org).count()  # names unique across calls
    people = []
    totals: dict[tuple[int | None, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    campaign = Campaign.objects.create(
        organization=org, name=f"直接キャンペーン{batch}", slug=f"direct-{batch}"
    )
    for n in range(rows):
        person = make_person(org, full_name=f"直接 {batch}-{n:02d}", department=department)
        item = ContentItem.objects.create(
            organization=org,
            title=f"記事 {n:02d}",
            slug=f"direct-{batch}-{n}",
            status=ContentItem.Status.PUBLISHED,
            campaign=campaign if n % 2 else None,
        )
        figures = {
            "shares": 1,
            "clicks": n + 1,
            "unique_clicks": n,
            "conversions": n % 3,
            "reactions": n,
            "impressions": 0,
        }
        DailyRollup.objects.create(
            organization=org,
            day=day,
            content=item,
            membership=person,
            network="x",
            department=department,
            campaign=item.campaign,
            reach=100 + n,
            **figures,
        )
        DailyContent.objects.create(
            organization=org, day=day, content=item, campaign=item.campaign, **figures
        )
        for name, value in figures.items():
            totals[(department.pk if department else None, "x")][name] += value
        people.append(person)
    for (department_id, network), figures in totals.items():
        DailyTotal.objects.create(
            organization=org, day=day, department_id=department_id, network=network, **figures
        )
    return people
