"""The demo's quarter of history: what the analytics pages show the moment ``make demo`` starts
(a believable 13 weeks of shares, clicks with a weekly rhythm, applications and leads,
departments that differ), made the way real use makes it."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from statistics import mean
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.db.models import F, Sum
from django.utils import timezone

from ouendan.accounts.models import AuditEvent, Department, Membership, Organization
from ouendan.accounts.permissions import Actor, actor_for_membership
from ouendan.analytics.models import DailyRollup, DailyTotal
from ouendan.analytics.selectors import Filters, filters_for, participation_by_department, trend
from ouendan.analytics.services.rollups import local_day_bounds
from ouendan.content.models import Campaign
from ouendan.demo.analytics import click_id
from ouendan.demo.quarter import QUARTER_DAYS, SPIKE_CAMPAIGN
from ouendan.demo.sharing import RECENT_DAYS
from ouendan.sharing.models import Share, ShareMetrics
from ouendan.tracking.models import Click, Conversion, ConversionTouch, TrackedLink
from ouendan.tracking.services.conversions import click_id_time
from tests.api_client import Api, token_for

pytestmark = pytest.mark.xdist_group("demo-seed")  # one worker, one seed (conftest.py)

TOKYO = ZoneInfo("Asia/Tokyo")


def _pm() -> Membership:
    return Membership.objects.select_related("organization", "user").get(
        organization__slug="demo", user__email="pr@demo.example"
    )


@pytest.fixture
def org(seeded) -> Organization:
    return Organization.objects.get(slug="demo")


@pytest.fixture
def pm_actor(seeded) -> Actor:
    return actor_for_membership(_pm())


@pytest.fixture
def last_90_days(pm_actor) -> Filters:
    today = timezone.localdate(timezone=TOKYO)
    return filters_for(actor=pm_actor, start=today - dt.timedelta(days=89), end=today)


def _bounds(filters: Filters) -> tuple[dt.datetime, dt.datetime]:
    return local_day_bounds(filters.start, TOKYO)[0], local_day_bounds(filters.end, TOKYO)[1]


def test_the_summary_of_the_last_90_days_is_full_and_matches_the_raw_events(org, last_90_days):
    response = Api(token_for(_pm())).get(
        "/analytics/summary",
        **{"from": last_90_days.start.isoformat(), "to": last_90_days.end.isoformat()},
    )
    assert response.status_code == 200, response.content
    figures = response.json()
    assert figures["shares"] >= 300
    assert figures["clicks"] >= 3 * figures["shares"]
    assert 0.8 * figures["clicks"] <= figures["unique_clicks"] < figures["clicks"]
    assert figures["conversions"] >= 30
    assert 0.2 <= figures["participation_rate"] <= 0.45, figures
    assert figures["enrolled_advocates"] > 300
    assert figures["emv"] > 0 and figures["potential_reach"] > 0
    # The dashboards read rollups; they were built from these raw events at the end of the seed.
    start, end = _bounds(last_90_days)
    shares = Share.objects.filter(organization=org, created_at__gte=start, created_at__lt=end)
    humans = Click.objects.filter(
        organization=org, at__gte=start, at__lt=end, bot=False, is_self=False
    )
    conversions = Conversion.objects.filter(
        organization=org, occurred_at__gte=start, occurred_at__lt=end
    )
    assert figures["shares"] == shares.count()
    assert figures["clicks"] == humans.count()
    assert figures["unique_clicks"] == humans.filter(unique=True).count()
    assert figures["conversions"] == conversions.count()


def test_the_history_spans_the_quarter_up_to_now(org):
    now = timezone.now()
    first = Share.objects.filter(organization=org).order_by("created_at").first()
    assert first is not None
    assert (
        now - dt.timedelta(days=QUARTER_DAYS + 1)
        < first.created_at
        < now - dt.timedelta(days=QUARTER_DAYS - 7)
    )
    assert not Share.objects.filter(organization=org, created_at__gt=now).exists()
    assert not Click.objects.filter(organization=org, at__gt=now).exists()
    assert not Conversion.objects.filter(organization=org, occurred_at__gt=now).exists()
    days = set(DailyTotal.objects.filter(organization=org).values_list("day", flat=True))
    assert len(days) >= QUARTER_DAYS - 5  # rollups for (nearly) every day: dashboards are full
    assert DailyRollup.objects.filter(organization=org).exists()
    # Nothing was shared before its item went live.
    assert not Share.objects.filter(
        organization=org, created_at__lt=F("content__publish_at")
    ).exists()


def test_clicks_peak_midweek_at_lunch_and_in_the_evening(org, pm_actor, last_90_days):
    by_day = trend(actor=pm_actor, filters=last_90_days, grain="day")
    weekday = Counter()
    days = Counter()
    for point in by_day:
        weekday[point.start.weekday()] += point.figures.clicks
        days[point.start.weekday()] += 1
    per_day = {d: weekday[d] / days[d] for d in range(7)}
    midweek = mean(per_day[d] for d in (1, 2, 3))
    weekend = mean(per_day[d] for d in (5, 6))
    assert mean(per_day[d] for d in range(5)) > 1.5 * weekend, per_day
    assert midweek > per_day[0] and midweek > per_day[4], per_day  # Tuesday to Thursday
    hours = Counter(
        at.astimezone(TOKYO).hour
        for at in Click.objects.filter(organization=org, bot=False, is_self=False).values_list(
            "at", flat=True
        )
    )
    night = hours[3] + hours[4] + hours[5]
    assert hours[11] + hours[12] + hours[13] > 5 * night, hours
    assert hours[20] + hours[21] + hours[22] > 5 * night, hours
    assert hours[12] > hours[10] and hours[21] > hours[18], hours
    assert hours.most_common(1)[0][0] in {12, 13, 20, 21, 22}, hours


def test_the_program_grows_and_the_graduate_entry_opening_is_a_spike(org):
    now = timezone.now()
    shares = Share.objects.filter(organization=org)
    first_month = shares.filter(created_at__lt=now - dt.timedelta(days=60)).count()
    last_month = shares.filter(created_at__gte=now - dt.timedelta(days=30)).count()
    assert last_month > 1.5 * first_month, (first_month, last_month)

    campaign = Campaign.objects.get(organization=org, slug=SPIKE_CAMPAIGN)
    opening = min(
        campaign.content_items.filter(publish_at__isnull=False).values_list("publish_at", flat=True)
    )
    week = dt.timedelta(days=7)
    burst = shares.filter(created_at__gte=opening, created_at__lt=opening + week).count()
    others = [
        shares.filter(created_at__gte=start, created_at__lt=start + week).count()
        for start in (opening + week * n for n in (-4, -3, -2, 1, 2, 3))
    ]
    assert burst > 1.3 * mean(others), (burst, others)
    in_burst = Click.objects.filter(
        organization=org,
        bot=False,
        link__content__campaign=campaign,
        at__gte=opening,
        at__lt=opening + week,
    ).count()
    assert in_burst > 200


def _top_level(org: Organization) -> dict[int, str]:
    rows = {d.pk: d for d in Department.objects.filter(organization=org)}
    names = {}
    for pk, department in rows.items():
        while department.parent_id is not None:
            department = rows[department.parent_id]
        names[pk] = department.name
    return names


def test_departments_take_part_differently(org, pm_actor, last_90_days):
    top = _top_level(org)
    active: Counter[str] = Counter()
    enrolled: Counter[str] = Counter()
    for department_id, (shared, advocates) in participation_by_department(
        actor=pm_actor, filters=last_90_days
    ).items():
        if department_id is not None:
            active[top[department_id]] += shared
            enrolled[top[department_id]] += advocates
    rate = {name: active[name] / enrolled[name] for name in enrolled if enrolled[name]}
    assert rate["広報"] >= 0.5 and rate["人事"] >= 0.5, rate  # very active
    assert active["製造"] > 0 and rate["製造"] < 0.2, rate  # a few enthusiasts
    assert [name for name in rate if active[name] == 0], rate  # some where nobody shares
    assert 0.25 <= rate["営業"] <= 0.6 and 0.25 <= rate["開発"] <= 0.6, rate
    assert len({round(r, 1) for r in rate.values()}) >= 4, rate


def test_hits_include_previews_and_bots_and_a_few_of_the_sharers_own(org):
    hits = Click.objects.filter(organization=org)
    total = hits.count()
    bots = hits.filter(bot=True)
    assert 0.10 <= bots.count() / total <= 0.20, bots.count() / total
    assert {"preview", "crawler"} <= set(bots.values_list("reason", flat=True))
    selves = hits.filter(is_self=True).count()
    assert 1 <= selves <= total * 0.01
    assert not hits.filter(aggregated=False).exists()  # counted by tracking's aggregation
    links = TrackedLink.objects.filter(organization=org).aggregate(
        clicks=Sum("clicks"), bots=Sum("bot_hits"), selves=Sum("self_clicks")
    )
    assert links == {
        "clicks": total - bots.count() - selves,
        "bots": bots.count(),
        "selves": selves,
    }
    for click in hits.order_by("?")[:100]:  # ids of the redirect's shape, carrying their time
        made = click_id_time(click.click_id)
        assert made is not None and abs(made - click.at) < dt.timedelta(milliseconds=1)
        assert click.day == click.at.astimezone(dt.UTC).date()
        assert (click.device == "bot") == click.bot


def test_applications_and_leads_are_recorded_like_the_sites_report_them(org, last_90_days):
    start, end = _bounds(last_90_days)
    conversions = Conversion.objects.filter(
        organization=org, occurred_at__gte=start, occurred_at__lt=end
    ).select_related("type", "content")
    types = Counter(c.type.key for c in conversions)
    assert len(types) >= 2 and types["application"] and types["lead"], types
    assert "purchase" not in types
    unique = Click.objects.filter(organization=org, unique=True, at__gte=start, at__lt=end).count()
    assert 0.01 <= sum(types.values()) / unique <= 0.03, (types, unique)
    topics = {c.pk: set(c.content.topics.values_list("name", flat=True)) for c in conversions}
    for conversion in conversions:
        if conversion.type.key == "application":  # from recruiting (and engineers' blog) posts
            assert topics[conversion.pk] & {"採用", "技術ブログ"}, topics[conversion.pk]
        if conversion.type.key == "lead":  # from product content
            assert "製品" in topics[conversion.pk] and conversion.content.promotional
        assert conversion.value == 0 and conversion.currency == "JPY"
    touches = defaultdict(list)
    for touch in ConversionTouch.objects.filter(organization=org).select_related(
        "click__link__content"
    ):
        touches[touch.conversion_id].append(touch)
    window = dt.timedelta(days=30)  # the attribution window (tracking's default)
    for conversion in conversions.select_related("click__link__content"):
        # What conversion_record would have stored for this click.
        click = conversion.click
        link = click.link
        assert not click.bot and not click.is_self
        assert click.at <= conversion.occurred_at <= click.at + window
        assert (conversion.link_id, conversion.content_id) == (link.pk, link.content_id)
        assert (conversion.membership_id, conversion.network) == (link.membership_id, link.network)
        assert conversion.campaign_id == link.content.campaign_id
        mine = sorted(touches[conversion.pk], key=lambda t: t.position)
        assert [t.position for t in mine] == list(range(len(mine)))
        assert mine[-1].click_id == conversion.click_id  # the converting click last
        for touch in mine:
            assert touch.at == touch.click.at <= conversion.occurred_at
            assert (touch.link_id, touch.content_id, touch.network) == (
                touch.click.link_id,
                touch.click.link.content_id,
                touch.click.link.network,
            )
            assert touch.campaign_id == touch.click.link.content.campaign_id
    assert any(len(t) > 1 for t in touches.values())  # some visitors came twice
    sources = set(conversions.values_list("source", flat=True))
    assert sources == {"snippet", "api"}


def test_one_share_in_three_has_reactions_that_suit_its_network(org):
    shares = Share.objects.filter(organization=org).count()
    metrics = ShareMetrics.objects.filter(organization=org).select_related("share")
    assert 0.2 <= metrics.count() / shares <= 0.45
    assert {m.source for m in metrics} == {"manual"}
    likes = defaultdict(list)
    for m in metrics:
        likes[m.share.network].append(m.likes)
    assert "line" not in likes  # a link sent to friends gets no public reactions
    assert mean(likes["linkedin"]) > mean(likes["x"])
    assert all(m.share.confirmed_at is not None for m in metrics)


def test_shares_are_made_like_real_ones_and_the_tour_advocate_has_not_shared(org):
    assert not Share.objects.filter(membership__user__email="advocate@demo.example").exists()
    assert Share.objects.filter(membership__user__email="pr@demo.example").exists()
    # The last week went through share_create (audited one by one); the rest came in bulk.
    created = {
        int(pk)
        for pk in AuditEvent.objects.filter(organization=org, action="share.created").values_list(
            "target_id", flat=True
        )
    }
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    made = Share.objects.filter(organization=org, pk__in=created)
    assert len(created) >= 30 and not made.filter(created_at__lt=since).exists()
    imported = AuditEvent.objects.get(organization=org, action="shares.imported")
    assert imported.data["count"] + len(created) == Share.objects.filter(organization=org).count()
    for share in Share.objects.filter(organization=org).select_related("link").order_by("?")[:100]:
        link = share.link
        assert link.created_at == share.created_at
        query = parse_qs(urlsplit(link.destination).query)
        assert query["utm_source"] == [share.network]
        assert query["utm_content"] == [str(share.pk)]
        assert share.text and share.verdict in {"pass", "warn"}
        if share.network not in {"facebook", "instagram"}:  # those carry the link apart
            assert f"/r/{link.code}" in share.text


def test_click_ids_follow_the_redirects_shape():
    import random

    at = dt.datetime(2026, 4, 1, 3, 0, tzinfo=dt.UTC)
    first = click_id(at, random.Random(1))
    assert first == click_id(at, random.Random(1)) and len(first) == 22
    assert click_id_time(first) == at


def test_the_program_has_goals_and_a_positive_roi(pm_actor, last_90_days):
    from ouendan.analytics.selectors.goals import goal_progress_list
    from ouendan.analytics.selectors.roi import roi_for

    goals = goal_progress_list(actor=pm_actor)
    assert {g.goal.metric for g in goals} == {"conversions", "participation_rate"}
    roi = roi_for(actor=pm_actor, filters=last_90_days)
    assert roi.cost > 0 and roi.value > roi.cost  # the demo's program pays for itself
