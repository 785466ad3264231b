"""Building the rollups from raw events: mark the days that changed, rebuild each such day whole.

A day is rebuilt from everything that happened in it (in the organization's time zone), so a
late event (a journal ingested after its process died, a conversion reported a week later, a
reaction count synced tomorrow) only has to mark its day: running twice, or rebuilding from
scratch (``manage.py analytics_rebuild``), gives the same rows.

What marks a day, and how it is found without missing anything:

* clicks, by id, but never past the first click tracking has not folded yet (so ``unique`` is
  settled); a click committed behind the cursor (an ingest that committed after a later one)
  shows as a change in how many folded clicks lie just behind it, and that stretch is re-read;
* shares, conversions and reaction counts, by their write time, re-reading ``TIME_LOOKBACK``
  behind the cursor for the same reason;
* and, daily, the last ``RECENT_DAYS`` days of every organization, for whatever leaves no trace
  (a scheduled share discarded before it went out, an advocate moving department).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from ouendan.accounts.models import Membership, Organization
from ouendan.analytics.models import (
    DailyContent,
    DailyRollup,
    DailyTotal,
    DirtyDay,
    RollupCursor,
    RollupState,
)
from ouendan.content.models import ContentItem
from ouendan.sharing.models import Share, ShareMetrics
from ouendan.tracking.models import Click, Conversion

CLICK_LOOKBACK = 20_000
TIME_LOOKBACK = dt.timedelta(minutes=10)
RECENT_DAYS = 3
_BULK = 2_000

Key = tuple[int, int, str]  # content, membership, network
ROLLUPS = (DailyRollup, DailyTotal, DailyContent)  # what a day's rebuild replaces


def local_day_bounds(day: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The instants a day begins and ends in a time zone (``[start, end)``)."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def _zones(organization_ids: Iterable[int]) -> dict[int, ZoneInfo]:
    return {
        pk: ZoneInfo(name)
        for pk, name in Organization.objects.filter(pk__in=set(organization_ids)).values_list(
            "pk", "time_zone"
        )
    }


def _mark(pairs: set[tuple[int, dt.date]]) -> int:
    if pairs:
        now = timezone.now()
        # A day marked again while it is being rebuilt keeps its (newer) mark: see rollups_build.
        DirtyDay.objects.bulk_create(
            [DirtyDay(organization_id=o, day=d, marked_at=now) for o, d in sorted(pairs)],
            update_conflicts=True,
            unique_fields=["organization", "day"],
            update_fields=["marked_at"],
            batch_size=_BULK,
        )
    return len(pairs)


def _days_of(rows: Iterable[tuple[int, dt.datetime]]) -> set[tuple[int, dt.date]]:
    by_org: dict[int, list[dt.datetime]] = defaultdict(list)
    for organization_id, at in rows:
        by_org[organization_id].append(at)
    zones = _zones(by_org)
    return {(o, at.astimezone(zones[o]).date()) for o, ats in by_org.items() for at in ats}


def _cursor(name: str) -> RollupCursor:
    return RollupCursor.objects.select_for_update().get_or_create(name=name)[0]


def _click_days(low: int, high: int) -> set[tuple[int, dt.date]]:
    """The (organization, day) pairs of the clicks with ids in ``(low, high]``."""
    pairs: set[tuple[int, dt.date]] = set()
    span = Click.objects.filter(id__gt=low, id__lte=high)
    for organization_id in span.values_list("organization_id", flat=True).distinct():
        tz = _zones([organization_id])[organization_id]
        days = (
            span.filter(organization_id=organization_id)
            .annotate(local=TruncDate("at", tzinfo=tz))
            .values_list("local", flat=True)
            .distinct()
        )
        pairs |= {(organization_id, d) for d in days}
    return pairs


def _counted_behind(position: int) -> int:
    return Click.objects.filter(
        id__gt=max(position - CLICK_LOOKBACK, 0), id__lte=position, aggregated=True
    ).count()


def _mark_clicks() -> int:
    """Mark the days of the clicks tracking has folded since the last call.

    The cursor stops before the first click tracking has not folded yet. A click that commits
    after clicks with higher ids (two ingests at once) lands behind the cursor: the count of
    folded clicks in the ``CLICK_LOOKBACK`` ids behind it (``seen``) then grows, and that stretch
    is marked again.
    """
    cursor = _cursor("clicks")
    pending = Click.objects.filter(aggregated=False).aggregate(first=Min("id"))["first"]
    newest = Click.objects.aggregate(last=Max("id"))["last"] or 0
    upto = max(pending - 1 if pending is not None else newest, cursor.position)
    late = _counted_behind(cursor.position) != cursor.seen
    low = max(cursor.position - CLICK_LOOKBACK, 0) if late else cursor.position
    pairs = _click_days(low, upto) if upto > low else set()
    cursor.position = upto
    cursor.seen = _counted_behind(upto)
    cursor.save(update_fields=["position", "seen"])
    return _mark(pairs)


def _mark_by_time(name: str, rows: Any, now: dt.datetime) -> int:
    """``rows``: a function from the earliest write time to ``(organization, event time)`` pairs."""
    cursor = _cursor(name)
    since = cursor.at - TIME_LOOKBACK if cursor.at else dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    marked = _mark(_days_of(rows(since)))
    cursor.at = now
    cursor.save(update_fields=["at"])
    return marked


def rollups_mark_changed(*, now: dt.datetime | None = None) -> int:
    """Mark every day that received an event since the last call; returns how many were marked."""
    now = now or timezone.now()
    with transaction.atomic():
        marked = _mark_clicks()
        marked += _mark_by_time(
            "shares",
            lambda since: Share.objects.filter(updated_at__gte=since).values_list(
                "organization_id", "created_at"
            ),
            now,
        )
        marked += _mark_by_time(
            "conversions",
            lambda since: Conversion.objects.filter(created_at__gte=since).values_list(
                "organization_id", "occurred_at"
            ),
            now,
        )
        marked += _mark_by_time(
            "reactions",
            lambda since: ShareMetrics.objects.filter(updated_at__gte=since).values_list(
                "organization_id", "share__created_at"
            ),
            now,
        )
    return marked


def rollups_mark_recent(*, now: dt.datetime | None = None, days: int = RECENT_DAYS) -> int:
    """Mark the last ``days`` days of every organization (the daily safety net)."""
    now = now or timezone.now()
    pairs = set()
    for pk, name in Organization.objects.values_list("pk", "time_zone"):
        today = now.astimezone(ZoneInfo(name)).date()
        pairs |= {(pk, today - dt.timedelta(days=n)) for n in range(days)}
    return _mark(pairs)


def rollups_build(*, limit: int | None = None) -> int:
    """Rebuild every marked day (oldest mark first); returns how many days were rebuilt.

    Two workers may run it at once: each day is claimed by deleting its mark in the transaction
    that rebuilds it, and a mark made meanwhile (a new event) survives to be rebuilt again.
    """
    rollups_mark_changed()
    built = 0
    while limit is None or built < limit:
        mark = DirtyDay.objects.order_by("marked_at", "pk").first()
        if mark is None:
            break
        with transaction.atomic():
            claimed = DirtyDay.objects.filter(pk=mark.pk, marked_at=mark.marked_at).delete()[0]
            if claimed:
                rollup_day_rebuild(organization_id=mark.organization_id, day=mark.day)
        built += claimed
    return built


def rollups_rebuild(*, organization: Organization | None = None) -> int:
    """Rebuild every day that has events, from scratch (``manage.py analytics_rebuild``)."""
    organizations = [organization] if organization else list(Organization.objects.all())
    # Everything up to now is read by the rebuild below: move the cursors past it first (so the
    # worker does not rebuild the same days again), keeping other organizations' marks.
    rollups_mark_changed()
    DirtyDay.objects.filter(organization__in=organizations).delete()
    built = 0
    for org in organizations:
        tz = ZoneInfo(org.time_zone)
        first = [
            Share.objects.filter(organization=org).aggregate(at=Min("created_at"))["at"],
            Click.objects.filter(organization=org).aggregate(at=Min("at"))["at"],
            Conversion.objects.filter(organization=org).aggregate(at=Min("occurred_at"))["at"],
        ]
        known = [at for at in first if at is not None]
        with transaction.atomic():
            for model in ROLLUPS:
                model.objects.filter(organization=org).delete()
            rollups_changed(organization_id=org.pk)
        if not known:
            continue
        day = min(known).astimezone(tz).date()
        last = timezone.now().astimezone(tz).date()
        while day <= last:
            with transaction.atomic():
                rollup_day_rebuild(organization_id=org.pk, day=day)
            day += dt.timedelta(days=1)
            built += 1
    return built


def rollups_changed(*, organization_id: int) -> None:
    """Count one more change of the organization's rollups (inside the transaction that made it):
    what was computed from them before is not served again (``analytics.cache``)."""
    now = timezone.now()
    RollupState.objects.bulk_create(
        [RollupState(organization_id=organization_id, built_at=now)], ignore_conflicts=True
    )
    RollupState.objects.filter(organization_id=organization_id).update(
        version=F("version") + 1, built_at=now
    )


def _figures() -> dict[str, Any]:
    return {
        "shares": 0,
        "reach": 0,
        "clicks": 0,
        "unique_clicks": 0,
        "conversions": 0,
        "conversion_value": Decimal(0),
        "reactions": 0,
        "impressions": 0,
    }


def _day_rows(organization_id: int, start: dt.datetime, end: dt.datetime) -> dict[Key, dict]:
    rows: dict[Key, dict[str, Any]] = defaultdict(_figures)
    org = Q(organization_id=organization_id)
    for r in (
        Share.objects.filter(org, created_at__gte=start, created_at__lt=end)
        .values("content_id", "membership_id", "network")
        .annotate(n=Count("id"), reach=Coalesce(Max("reach"), 0))
    ):
        row = rows[(r["content_id"], r["membership_id"], r["network"])]
        row["shares"], row["reach"] = r["n"], r["reach"]
    for r in (
        Click.objects.filter(
            org, at__gte=start, at__lt=end, bot=False, is_self=False, aggregated=True
        )
        .values(
            content_id=F("link__content_id"),
            membership_id=F("link__membership_id"),
            network=F("link__network"),
        )
        .annotate(
            n=Count("id"),
            unique_n=Count("id", filter=Q(unique=True)),
        )
    ):
        row = rows[(r["content_id"], r["membership_id"], r["network"])]
        row["clicks"], row["unique_clicks"] = r["n"], r["unique_n"]
    for r in (
        Conversion.objects.filter(org, occurred_at__gte=start, occurred_at__lt=end)
        .values("content_id", "membership_id", "network")
        .annotate(n=Count("id"), value=Sum("value"))
    ):
        row = rows[(r["content_id"], r["membership_id"], r["network"])]
        row["conversions"], row["conversion_value"] = r["n"], r["value"] or Decimal(0)
    for r in (
        ShareMetrics.objects.filter(org, share__created_at__gte=start, share__created_at__lt=end)
        .values(
            content_id=F("share__content_id"),
            membership_id=F("share__membership_id"),
            network=F("share__network"),
        )
        .annotate(
            total_reactions=Sum(F("likes") + F("reposts") + F("replies")),
            total_impressions=Coalesce(Sum("impressions"), 0),
        )
    ):
        row = rows[(r["content_id"], r["membership_id"], r["network"])]
        row["reactions"] = r["total_reactions"] or 0
        row["impressions"] = r["total_impressions"]
    return rows


def rollup_day_rebuild(*, organization_id: int, day: dt.date) -> int:
    """Replace one day's rollup rows with what its raw events say (call inside a transaction)."""
    tz = _zones([organization_id])[organization_id]
    start, end = local_day_bounds(day, tz)
    rows = _day_rows(organization_id, start, end)
    departments = dict(
        Membership.objects.filter(pk__in={k[1] for k in rows}).values_list("pk", "department_id")
    )
    campaigns = dict(
        ContentItem.objects.filter(pk__in={k[0] for k in rows}).values_list("pk", "campaign_id")
    )
    for model in ROLLUPS:
        model.objects.filter(organization_id=organization_id, day=day).delete()
    DailyRollup.objects.bulk_create(
        [
            DailyRollup(
                organization_id=organization_id,
                day=day,
                content_id=content_id,
                membership_id=membership_id,
                network=network,
                department_id=departments.get(membership_id),
                campaign_id=campaigns.get(content_id),
                **figures,
            )
            for (content_id, membership_id, network), figures in rows.items()
        ],
        batch_size=_BULK,
    )
    totals: dict[tuple[int | None, str], dict[str, Any]] = defaultdict(_figures)
    contents: dict[int, dict[str, Any]] = defaultdict(_figures)
    for (content_id, membership_id, network), figures in rows.items():
        for total in (totals[(departments.get(membership_id), network)], contents[content_id]):
            for name, value in figures.items():
                total[name] += value
    DailyTotal.objects.bulk_create(
        [
            DailyTotal(
                organization_id=organization_id,
                day=day,
                department_id=department_id,
                network=network,
                **{k: v for k, v in figures.items() if k != "reach"},
            )
            for (department_id, network), figures in totals.items()
        ],
        batch_size=_BULK,
    )
    DailyContent.objects.bulk_create(
        [
            DailyContent(
                organization_id=organization_id,
                day=day,
                content_id=content_id,
                campaign_id=campaigns.get(content_id),
                **{k: v for k, v in figures.items() if k != "reach"},
            )
            for content_id, figures in contents.items()
        ],
        batch_size=_BULK,
    )
    rollups_changed(organization_id=organization_id)
    return len(rows)
