"""The demo's audience: who clicked the quarter's shares, who applied or asked for documents
afterwards, and the rollups every dashboard reads, built before ``make demo`` serves a page.

Clicks follow the week of the people reading (more on Tuesday to Thursday, few at weekends,
peaks at lunch and around 21:00 in Tokyo), mostly in the first day after a share and some days
later; networks differ (LINE and LinkedIn bring more visitors per post than Instagram, whose
posts carry no link). They are written as the redirect writes them (with link previews,
crawlers and prefetches, 10–20 % of hits, and a few of the sharers' own clicks) and counted by
tracking's ``clicks_aggregate``; a sharer with more followers (the share's reach) brings more.
About 2 % of unique visitors convert: applications (応募) from recruiting content, document
requests (資料請求) and inquiries from product content, event sign-ups, some with the visitor's
earlier click as a touch, valued at 0 (the ROI's value per type does the valuing). The last
week's are reported through tracking's ``conversion_record`` as the company's site would;
older ones are written as it records them (like ``demo.sharing``'s older shares). The rollups
are built last (``demo_rollups_build``), after every other part of the seed. Deterministic: a
seeded ``random.Random``.
"""

from __future__ import annotations

import base64
import bisect
import random
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from ouendan.accounts.models import Organization
from ouendan.analytics.services.rollups import rollups_rebuild
from ouendan.demo.data import content as data
from ouendan.demo.quarter import SPIKE_CAMPAIGN, spike
from ouendan.demo.sharing import RECENT_DAYS
from ouendan.networks import Network
from ouendan.tracking.models import (
    Click,
    Conversion,
    ConversionTouch,
    ConversionType,
    TrackedLink,
)
from ouendan.tracking.selectors import conversion_types_ensure, tracking_settings_of
from ouendan.tracking.services import clicks_aggregate
from ouendan.tracking.services.conversions import (
    conversion_record,
    conversion_reporter,
    conversion_touches,
    credited_to,
)

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
# When people read: Monday … Sunday, and by hour in Tokyo.
CLICK_WEEKDAYS = (0.9, 1.0, 1.0, 0.95, 0.6, 0.4, 0.45)
CLICK_HOURS = (
    0.3, 0.15, 0.07, 0.05, 0.05, 0.08, 0.2, 0.45, 0.6, 0.5, 0.5, 0.7,
    1.0, 0.8, 0.5, 0.5, 0.5, 0.55, 0.65, 0.75, 0.9, 1.0, 0.7, 0.4,
)  # fmt: skip
# Human visitors a posted share brings (median; the spread is wide).
CLICKS_PER_SHARE: dict[str, float] = {
    Network.LINE: 7,
    Network.LINKEDIN: 6,
    Network.FACEBOOK: 5,
    Network.X: 4.5,
    Network.BLUESKY: 3,
    Network.MASTODON: 3,
    Network.THREADS: 2,
    Network.INSTAGRAM: 1.5,
}
REACH_MEDIAN = 300  # followers of a typical employee on a network
POSTED_UNCONFIRMED = 0.55  # shares nobody confirmed that were posted all the same
REPEAT_VISIT = 0.1  # a visitor coming back the same day (not unique)
SELF_CLICK = 0.05  # sharers who open their own link once
DESKTOP: dict[str, float] = {Network.LINKEDIN: 0.45, Network.FACEBOOK: 0.25}
REFERRERS: dict[str, tuple[str, ...]] = {
    Network.X: ("t.co", "t.co", ""),
    Network.LINKEDIN: ("www.linkedin.com", "lnkd.in", ""),
    Network.FACEBOOK: ("l.facebook.com", "lm.facebook.com", "m.facebook.com"),
    Network.INSTAGRAM: ("l.instagram.com", ""),
    Network.THREADS: ("l.threads.com", ""),
    Network.LINE: ("", "", "line.me"),
    Network.BLUESKY: ("bsky.app", ""),
    Network.MASTODON: ("", "mstdn.jp", "fedibird.com"),
}
# Link-preview fetchers that read a post's link as soon as it is posted (Mastodon: each server
# of a follower fetches it).
PREVIEWS: dict[str, tuple[int, int]] = {
    Network.X: (1, 1),
    Network.LINKEDIN: (1, 1),
    Network.FACEBOOK: (1, 2),
    Network.THREADS: (1, 1),
    Network.LINE: (1, 1),
    Network.BLUESKY: (1, 1),
    Network.MASTODON: (1, 3),
    Network.INSTAGRAM: (0, 0),
}
# What a visitor does afterwards, by what the content is about (DemoTopic keys), checked in
# order: (topic, conversion type, share of unique visitors who convert).
CONVERSIONS: tuple[tuple[str, str, float], ...] = (
    ("saiyo", "application", 0.025),
    ("seihin", "lead", 0.02),
    ("seihin", "inquiry", 0.008),
    ("event", "sign_up", 0.02),
    ("tech", "application", 0.004),
    ("csr", "inquiry", 0.002),
)
# And later: crawlers, browsers prefetching the link, link checkers asking with HEAD.
LATER_BOTS = (("crawler", 0.3), ("crawler", 0.1), ("prefetch", 0.1), ("head", 0.08))
IDEMPOTENCY_PREFIX = {"application": "entry", "lead": "dl", "inquiry": "inq", "sign_up": "event"}


@dataclass
class _Visit:
    click: Click
    group: str  # campaign or content: a visitor's earlier clicks are looked for there
    topics: tuple[str, ...]
    first: bool  # the visitor's first click on this link that day


def demo_analytics_seed(org: Organization) -> dict[str, int]:
    """Inside the seed's transaction, after the shares: their clicks and conversions."""
    rng = random.Random(data.RANDOM_SEED + 31)
    now = timezone.now()
    visits = _clicks(org, rng, now)
    Click.objects.bulk_create([v.click for v in visits], batch_size=1000)
    clicks_aggregate()
    conversions = _conversions(org, rng, visits, now)
    return {"clicks": len(visits), "conversions": conversions}


def demo_program_settings(org: Organization) -> None:
    """What 広報 set up for the quarterly meeting: the ROI's assumptions (yen per month, and what
    an applicant or a lead is worth to the company) and two KPI goals for the running quarter."""
    from ouendan.accounts.permissions import system_actor
    from ouendan.analytics.selectors.reports import quarter_for
    from ouendan.analytics.services.goals import GoalData, goal_create
    from ouendan.analytics.services.settings import SettingsChanges, analytics_settings_update

    program = system_actor(org, label="広報部 (demo)")
    analytics_settings_update(
        actor=program,
        changes=SettingsChanges(
            licence_cost=Decimal(120_000),
            staff_hours=Decimal(24),
            hourly_cost=Decimal(4_500),
            rewards_cost=Decimal(30_000),
            conversion_values={
                # An applicant through an employee instead of an agency (fee ≈ ¥800,000 a hire,
                # one hire in twenty applicants); a lead, an inquiry, a sign-up by sales' estimate.
                "application": Decimal(40_000),
                "lead": Decimal(15_000),
                "inquiry": Decimal(8_000),
                "sign_up": Decimal(1_000),
            },
        ),
    )
    quarter = quarter_for(org)
    for name, metric, kind, target in (
        ("応募数 前四半期比 +10%", "conversions", "change", Decimal(10)),
        ("参加率 30%", "participation_rate", "absolute", Decimal(30)),
    ):
        goal_create(
            actor=program,
            data=GoalData(
                name=name,
                metric=metric,
                kind=kind,
                target=target,
                starts_on=quarter.start,
                ends_on=quarter.end,
            ),
        )


def demo_rollups_build(org: Organization) -> int:
    """The very last step of the seed: the rollups every dashboard reads, from all the raw
    events the seed made, so the pages are full (and agree with the raw events) the moment
    ``make demo`` serves them. Returns the number of days built."""
    return rollups_rebuild(organization=org)


# --- Clicks ---------------------------------------------------------------------------------------


def click_id(at: datetime, rng: random.Random) -> str:
    """A click id of the redirect's shape (``tracking.capture.new_click_id``: 48 bits of
    milliseconds, 80 random bits), its random part drawn from the demo's seed."""
    millis = int(at.timestamp() * 1000)
    raw = millis.to_bytes(6, "big") + rng.getrandbits(80).to_bytes(10, "big")
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _later(rng: random.Random, start: datetime, now: datetime) -> datetime | None:
    """When a reader clicks: mostly within a day of the post, some days later, at the hours
    and on the days people read; ``None`` when that is still to come."""
    for _ in range(40):
        mean = 5 if rng.random() < 0.7 else 60
        at = start + timedelta(hours=rng.expovariate(1 / mean), seconds=rng.randrange(60))
        if at > now:
            return None
        local = at.astimezone(TOKYO)
        if rng.random() < CLICK_HOURS[local.hour] * CLICK_WEEKDAYS[local.weekday()]:
            return at
    return None


def _click(
    link: TrackedLink, at: datetime, visitor: str, rng: random.Random, *, reason: str = ""
) -> Click:
    network = link.network
    if reason:
        device = Click.Device.BOT
    elif rng.random() < DESKTOP.get(network, 0.15):
        device = Click.Device.DESKTOP
    else:
        device = Click.Device.TABLET if rng.random() < 0.06 else Click.Device.MOBILE
    return Click(
        organization_id=link.organization_id,
        link=link,
        click_id=click_id(at, rng),
        at=at,
        day=at.astimezone(UTC).date(),
        visitor_hash=visitor,
        bot=bool(reason),
        reason=reason,
        device=device,
        referrer_host="" if reason else rng.choice(REFERRERS.get(network, ("",))),
    )


def _hex(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _clicks(org: Organization, rng: random.Random, now: datetime) -> list[_Visit]:
    """Every hit on the organization's links, in time order: previews when a share is posted,
    its readers (a few coming back the same day), crawlers later, sometimes the sharer."""
    topics = {entry.key: entry.topics for entry in data.CONTENT}
    links = list(
        TrackedLink.objects.filter(organization=org)
        .select_related("share", "content__campaign")
        .order_by("share__created_at", "pk")
    )
    opening = _spike_opening(links)
    visits: list[_Visit] = []

    def bot(link: TrackedLink, at: datetime | None, reason: str) -> None:
        if at is not None and at <= now:
            visits.append(_Visit(_click(link, at, _hex(rng), rng, reason=reason), "", (), False))

    for link in links:
        share, content = link.share, link.content
        shared_at = share.created_at
        if share.confirmed_at is None and rng.random() >= POSTED_UNCONFIRMED:
            if rng.random() < 0.25:  # the composer fetched the card, nothing was posted
                bot(link, shared_at + timedelta(seconds=rng.randint(2, 30)), "preview")
            continue
        posted_at = share.confirmed_at or shared_at + timedelta(minutes=rng.randint(1, 10))
        for _ in range(rng.randint(*PREVIEWS.get(link.network, (1, 1)))):
            bot(link, posted_at + timedelta(seconds=rng.randint(1, 90)), "preview")
        appeal = rng.lognormvariate(0, 0.85) * (1.3 if content.featured else 1.0)
        if share.reach:
            appeal *= (share.reach / REACH_MEDIAN) ** 0.4
        campaign = content.campaign
        if opening is not None and campaign is not None and campaign.slug == SPIKE_CAMPAIGN:
            appeal *= 1 + 0.4 * spike((shared_at - opening).total_seconds() / 86400)
        group = f"c{content.campaign_id}" if content.campaign_id else f"i{content.pk}"
        item_topics = topics.get(content.slug, ())
        seen: list[tuple[str, datetime]] = []
        for _ in range(round(CLICKS_PER_SHARE.get(link.network, 4) * appeal)):
            at = _later(rng, posted_at, now)
            if at is None:
                continue
            if seen and rng.random() < REPEAT_VISIT:
                visitor, first_at = rng.choice(seen)
                at = max(at, first_at + timedelta(minutes=rng.randint(1, 120)))
                if at > now or at.astimezone(UTC).date() != first_at.astimezone(UTC).date():
                    continue
                visits.append(_Visit(_click(link, at, visitor, rng), group, item_topics, False))
                continue
            visitor = _hex(rng)
            seen.append((visitor, at))
            visits.append(_Visit(_click(link, at, visitor, rng), group, item_topics, True))
        for reason, chance in LATER_BOTS:
            if rng.random() < chance:
                bot(link, _later(rng, posted_at, now), reason)
        if rng.random() < SELF_CLICK:
            at = posted_at + timedelta(minutes=rng.randint(1, 30))
            if at <= now:
                own = _click(link, at, link.sharer_visitor_hash or _hex(rng), rng)
                own.is_self = True
                visits.append(_Visit(own, "", (), False))
    visits.sort(key=lambda v: v.click.at)  # the redirect writes them in time order
    return visits


def _spike_opening(links: list[TrackedLink]) -> datetime | None:
    """When the campaign's first item went live (its entry opening)."""
    starts = [
        link.content.publish_at
        for link in links
        if link.content.campaign is not None
        and link.content.campaign.slug == SPIKE_CAMPAIGN
        and link.content.publish_at is not None
    ]
    return min(starts, default=None)


# --- Conversions ----------------------------------------------------------------------------------


def _conversion_type(topics: tuple[str, ...], rng: random.Random) -> str:
    for topic, key, chance in CONVERSIONS:
        if topic in topics:
            if rng.random() < chance:
                return key
            if topic == "saiyo":  # a recruiting page offers nothing else to do
                return ""
    return ""


@dataclass(frozen=True)
class _Report:
    """A conversion as the company's site reports it."""

    occurred_at: datetime
    visit: _Visit
    type_key: str
    idempotency_key: str
    source: str
    earlier: tuple[_Visit, ...]  # the visitor's earlier click the site remembered, if any


def _conversions(org: Organization, rng: random.Random, visits: list[_Visit], now: datetime) -> int:
    """Some visitors apply, ask for documents or sign up. Reports on the last week's clicks
    go through ``conversion_record`` (as the snippet or the applicant tracking system's
    server sends them); older ones are written in bulk as it would have recorded them."""
    reports = _reports(rng, visits, now)
    since = now - timedelta(days=RECENT_DAYS)
    reporter = conversion_reporter(org, "demo: the company's sites")
    older = []
    for report in reports:
        if report.visit.click.at < since:
            older.append(report)
            continue
        conversion_record(
            actor=reporter,
            click_id=report.visit.click.click_id,
            type_key=report.type_key,
            value=None,  # the type's value (0): the ROI's value per type does the valuing
            currency=None,
            idempotency_key=report.idempotency_key,
            occurred_at=report.occurred_at,
            touches=[v.click.click_id for v in report.earlier],
            source=report.source,
        )
    _conversions_written(org, older)
    return len(reports)


def _reports(rng: random.Random, visits: list[_Visit], now: datetime) -> list[_Report]:
    humans = [v for v in visits if v.group]
    by_group: dict[str, list[_Visit]] = defaultdict(list)
    for visit in humans:
        by_group[visit.group].append(visit)  # in time order (visits are sorted)
    times = {group: [v.click.at for v in rows] for group, rows in by_group.items()}
    drafts: list[tuple[datetime, _Visit, str, tuple[_Visit, ...]]] = []
    for visit in humans:
        if not visit.first:
            continue
        key = _conversion_type(visit.topics, rng)
        if not key:
            continue
        delay = (
            timedelta(minutes=rng.randint(2, 40))
            if rng.random() < 0.65
            else timedelta(hours=rng.uniform(1, 96))
        )
        occurred = visit.click.at + delay
        if occurred > now:
            continue  # they have not done it yet
        earlier: tuple[_Visit, ...] = ()
        if rng.random() < 0.3:  # the visitor had come through a colleague's post before
            at = visit.click.at
            rows, stamps = by_group[visit.group], times[visit.group]
            lo = bisect.bisect_left(stamps, at - timedelta(days=14))
            hi = bisect.bisect_left(stamps, at - timedelta(hours=1))
            candidates = [r for r in rows[lo:hi] if r.click.link_id != visit.click.link_id]
            if candidates:
                earlier = (rng.choice(candidates),)
        drafts.append((occurred, visit, key, earlier))
    drafts.sort(key=lambda d: d[0])
    numbers: dict[str, int] = defaultdict(int)
    reports = []
    for occurred, visit, key, earlier in drafts:
        numbers[key] += 1
        from_server = key == "application" and rng.random() < 0.5
        reports.append(
            _Report(
                occurred_at=occurred,
                visit=visit,
                type_key=key,
                idempotency_key=f"{IDEMPOTENCY_PREFIX[key]}-{numbers[key]:05d}",
                source=Conversion.Source.API if from_server else Conversion.Source.SNIPPET,
                earlier=earlier,
            )
        )
    return reports


def _conversions_written(org: Organization, reports: list[_Report]) -> None:
    """The rows ``conversion_record`` makes for these reports (the type's value, the click's
    link, content, sharer, network and campaign; the earlier click, then the converting one,
    as touches), in two inserts. Every report here passes its checks: a human click, the
    conversion after it and within the attribution window, earlier touches inside it."""
    if not reports:
        return
    conversion_types_ensure(org)
    types = {t.key: t for t in ConversionType.objects.filter(organization=org)}
    window = timedelta(days=tracking_settings_of(org).attribution_window_days)
    rows = []
    for report in reports:
        click, link = report.visit.click, report.visit.click.link
        assert report.occurred_at - click.at <= window and not click.bot and not click.is_self
        rows.append(
            Conversion(
                organization=org,
                type=types[report.type_key],
                click=click,
                **credited_to(link),
                value=types[report.type_key].default_value,
                currency="JPY",
                idempotency_key=report.idempotency_key,
                occurred_at=report.occurred_at,
                source=report.source,
            )
        )
    conversions = Conversion.objects.bulk_create(rows, batch_size=500)
    touches = [
        touch
        for conversion, report in zip(conversions, reports, strict=True)
        for touch in conversion_touches(
            conversion, [visit.click for visit in [*report.earlier, report.visit]]
        )
    ]
    ConversionTouch.objects.bulk_create(touches, batch_size=500)


__all__ = ["click_id", "demo_analytics_seed", "demo_rollups_build"]
