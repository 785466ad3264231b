"""The awarding job: what earns, by which version of the rules, the fraud check and the hold,
streaks and badges, and running twice or at once."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import Actor
from ouendan.content.models import ContentItem, Suggestion
from ouendan.engagement.models import BadgeAward, PointEntry, PointRules, ShareTally
from ouendan.engagement.periods import week_of, zone_of
from ouendan.engagement.services.awarding import points_award, training_award
from ouendan.engagement.services.badges import badge_award
from ouendan.engagement.services.ledger import point_entry_confirm, point_entry_reverse
from ouendan.networks import Network
from ouendan.sharing.models import Share
from ouendan.tracking.models import Click, Conversion, ConversionType
from tests.engagement.conftest import click, posted, set_rules
from tests.factories import actor

pytestmark = pytest.mark.django_db


def entries(membership: Membership, reason: str | None = None) -> list[PointEntry]:
    found = PointEntry.objects.filter(membership=membership).order_by("pk")
    return list(found.filter(reason=reason) if reason else found)


# --- Shares ---------------------------------------------------------------------------------------


def test_a_share_earns_once_posted_and_only_once(
    sharer: Actor, advocate: Membership, item: ContentItem, no_hold: PointRules
):
    share = posted(sharer, item, confirm=False)
    points_award()
    assert entries(advocate) == []  # opened, not posted: nothing yet
    Share.objects.filter(pk=share.pk).update(confirmed_at=timezone.now())
    points_award()
    points_award()
    (entry,) = entries(advocate)
    assert (entry.reason, entry.points, entry.status) == ("share", 10, "confirmed")
    assert entry.source_key == f"share:{share.pk}"
    assert entry.params == {"share": share.pk, "network": "x", "title": "新卒採用説明会"}


def test_a_share_made_before_a_newer_one_is_posted_later_still_earns(
    sharer: Actor, advocate: Membership, item: ContentItem, promo: ContentItem, no_hold
):
    older = posted(sharer, item, confirm=False)
    posted(sharer, promo)
    assert points_award().shares == 1
    Share.objects.filter(pk=older.pk).update(confirmed_at=timezone.now())
    assert points_award().shares == 1  # the cursor waited behind the unposted share
    assert len(entries(advocate, "share")) == 2


def test_a_share_never_posted_is_given_up_after_two_weeks(
    sharer: Actor, advocate: Membership, item: ContentItem, promo: ContentItem, no_hold
):
    posted(sharer, item, at=timezone.now() - timedelta(days=20), confirm=False)
    newer = posted(sharer, promo)
    points_award()
    from ouendan.engagement.models import AwardCursor

    assert AwardCursor.objects.get(source="shares").position >= newer.pk


# --- Clicks ---------------------------------------------------------------------------------------


def test_only_counted_unique_human_clicks_earn_up_to_the_cap(
    sharer: Actor, advocate: Membership, admin: Membership, item: ContentItem
):
    set_rules(admin, hold_hours=0, click_points=2, click_cap=3)
    share = posted(sharer, item)
    now = timezone.now() + timedelta(hours=1)
    click(share, at=now, bot=True)
    click(share, at=now, is_self=True)
    click(share, at=now, aggregated=False)  # tracking has not counted it yet
    click(share, at=now, unique=False)
    for minute in range(2):
        click(share, at=now + timedelta(minutes=minute))
    points_award()
    (first,) = entries(advocate, "clicks")
    assert (first.points, first.params["clicks"]) == (4, 2)
    for minute in range(3):
        click(share, at=now + timedelta(minutes=10 + minute))
    points_award()
    points_award()
    clicks = entries(advocate, "clicks")
    assert [(e.points, e.params["clicks"]) for e in clicks] == [(4, 2), (2, 1)]  # capped at 3
    tally = ShareTally.objects.get(share=share)
    assert (tally.considered, tally.counted) == (5, 3)
    assert clicks[1].source_key == f"clicks:share:{share.pk}:3"


def test_the_aggregation_catching_up_is_awarded_next_run(
    sharer: Actor, advocate: Membership, item: ContentItem, no_hold
):
    share = posted(sharer, item)
    waiting = click(share, at=timezone.now(), aggregated=False)
    points_award()
    assert entries(advocate, "clicks") == []
    Click.objects.filter(pk=waiting.pk).update(aggregated=True, unique=True)
    points_award()
    assert [e.points for e in entries(advocate, "clicks")] == [2]


def test_changes_to_the_rules_apply_forward_only(
    sharer: Actor, advocate: Membership, admin: Membership, item: ContentItem
):
    share = posted(sharer, item, at=timezone.now() - timedelta(days=3))
    click(share, at=timezone.now() - timedelta(days=3))
    first = set_rules(admin, click_points=2, share_points=10, hold_hours=0)
    # The share and its first click happened under version 1 (the defaults): judged by it.
    second = set_rules(admin, click_points=7, share_points=50, hold_hours=0)
    click(share, at=timezone.now() + timedelta(minutes=1))
    points_award()
    share_entry, *click_entries = entries(advocate)
    assert (share_entry.points, share_entry.rule_version.version) == (10, 1)
    assert [(e.points, e.rule_version_id) for e in click_entries] == [
        (2, PointRules.objects.get(organization=share.organization, version=1).pk),
        (7, second.pk),
    ]
    assert first.version == 2 and second.version == 3


# --- The fraud check and the hold -----------------------------------------------------------------


def test_many_clicks_from_one_visitor_wait_for_a_review(
    sharer: Actor, advocate: Membership, admin: Membership, item: ContentItem, no_hold
):
    share = posted(sharer, item)
    later = timezone.now() + timedelta(hours=2)
    click(share, at=later, visitor="same-visitor")
    for minute in range(1, 5):
        click(share, at=later + timedelta(minutes=minute), visitor="same-visitor", unique=False)
    click(share, at=later, visitor="someone-else")
    points_award()
    (entry,) = entries(advocate, "clicks")
    assert (entry.status, entry.flag, entry.hold_until) == ("pending", "repeat_visitor", None)
    points_award(now=timezone.now() + timedelta(days=3))
    entry.refresh_from_db()
    assert entry.status == "pending"  # flagged points never confirm by themselves
    point_entry_confirm(actor=actor(admin), entry_id=entry.pk, note="社内勉強会で共有された")
    entry.refresh_from_db()
    assert (entry.status, entry.reviewer_id, entry.review_note) == (
        "confirmed",
        admin.pk,
        "社内勉強会で共有された",
    )


def test_a_burst_right_after_sharing_waits_for_a_review(
    sharer: Actor, advocate: Membership, admin: Membership, item: ContentItem
):
    set_rules(admin, hold_hours=0, burst_clicks=4, burst_minutes=5)
    share = posted(sharer, item)
    for second in range(4):
        click(share, at=share.created_at + timedelta(seconds=30 * second))
    points_award()
    (entry,) = entries(advocate, "clicks")
    assert (entry.status, entry.flag) == ("pending", "burst")
    reversal = point_entry_reverse(
        actor=actor(admin), entry_id=entry.pk, reason="同一部署の一斉クリック"
    )
    assert reversal.pk == entry.pk and reversal.status == "reversed"


def test_points_wait_out_the_hold_and_a_late_pattern_still_stops_them(
    sharer: Actor, advocate: Membership, admin: Membership, item: ContentItem, promo: ContentItem
):
    set_rules(admin, hold_hours=24, repeat_clicks=3)
    quiet, busy = posted(sharer, item), posted(sharer, promo)
    soon = timezone.now() + timedelta(minutes=30)
    click(quiet, at=soon)
    click(busy, at=soon, visitor="refresher")
    points_award()
    assert {e.status for e in entries(advocate)} == {"pending"}
    # Later the same visitor keeps coming back to the busy share (not unique: earns nothing).
    for minute in range(1, 3):
        click(busy, at=soon + timedelta(minutes=minute), visitor="refresher", unique=False)
    points_award(now=timezone.now() + timedelta(hours=25))
    statuses = {(e.reason, e.params["share"]): (e.status, e.flag) for e in entries(advocate)}
    assert statuses[("share", quiet.pk)] == ("confirmed", "")
    assert statuses[("clicks", quiet.pk)] == ("confirmed", "")
    assert statuses[("clicks", busy.pk)] == ("pending", "repeat_visitor")


# --- Conversions, suggestions, training -----------------------------------------------------------


def conversion(share: Share, type_key: str, *, bot: bool = False) -> Conversion:
    kind, _ = ConversionType.objects.get_or_create(organization=share.organization, key=type_key)
    came_from = click(share, at=timezone.now(), bot=bot)
    return Conversion.objects.create(
        organization=share.organization,
        type=kind,
        click=came_from,
        link=came_from.link,
        content=share.content,
        membership=share.membership,
        network=share.network,
        value=Decimal(0),
        idempotency_key=f"conv-{came_from.pk}",
        occurred_at=timezone.now(),
        source="api",
    )


def test_a_conversion_earns_its_type_points_and_the_first_applicant_badge(
    sharer: Actor, advocate: Membership, admin: Membership, item: ContentItem
):
    set_rules(admin, hold_hours=0, conversion_points={"application": 80, "inquiry": 5})
    share = posted(sharer, item)
    applied = conversion(share, "application")
    conversion(share, "purchase")  # no points for this type in these rules
    conversion(share, "application", bot=True)  # a bot's click never earns
    points_award()
    points_award()
    (entry,) = entries(advocate, "conversion")
    assert (entry.points, entry.source_key) == (80, f"conversion:{applied.pk}")
    assert entry.params["type"] == "application"
    assert set(BadgeAward.objects.filter(membership=advocate).values_list("badge", flat=True)) == {
        "first_share",
        "first_applicant",
    }


def test_an_accepted_suggestion_earns_its_author(advocate: Membership, org, no_hold):
    idea = Suggestion.objects.create(
        organization=org, suggested_by=advocate, url="https://example.jp/idea", title="工場見学"
    )
    points_award()
    assert entries(advocate) == []
    Suggestion.objects.filter(pk=idea.pk).update(
        status=Suggestion.Status.ACCEPTED, decided_at=timezone.now()
    )
    points_award()
    points_award()
    (entry,) = entries(advocate)
    assert (entry.reason, entry.points, entry.params["title"]) == ("suggestion", 20, "工場見学")


def test_finishing_a_training_earns_once(advocate: Membership, no_hold):
    at = timezone.now()
    assert training_award(membership=advocate, training_id=7, title="発信の基本", finished_at=at)
    assert not training_award(
        membership=advocate, training_id=7, title="発信の基本", finished_at=at
    )
    (entry,) = entries(advocate)
    assert (entry.reason, entry.points) == ("training", 30)


# --- Streaks and badges ---------------------------------------------------------------------------


def weeks_ago(n: int, org) -> timezone.datetime:
    """Wednesday noon, ``n`` weeks before this week (the organization's time zone)."""
    zone = zone_of(org)
    monday = week_of(timezone.now(), zone) - timedelta(weeks=n)
    return timezone.datetime(monday.year, monday.month, monday.day, 12, tzinfo=zone) + timedelta(
        days=2
    )


def share_again(sharer: Actor, item: ContentItem, at) -> Share:
    networks = [n for n in Network if n != Network.MASTODON]
    used = Share.objects.filter(membership=sharer.membership).count()
    return posted(sharer, item, at=at, network=networks[used % len(networks)])


def test_a_streak_rewards_three_weeks_of_four_once_per_window(
    sharer: Actor, advocate: Membership, item: ContentItem, org, no_hold
):
    for n in (8, 5, 3):  # never three of any four weeks yet
        share_again(sharer, item, weeks_ago(n, org))
    points_award()
    assert entries(advocate, "streak") == []
    share_again(sharer, item, weeks_ago(2, org))  # weeks 5, 3 and 2 of four: a streak
    share_again(sharer, item, weeks_ago(2, org))  # more in the same week changes nothing
    share_again(sharer, item, weeks_ago(1, org))
    points_award()
    (streak,) = entries(advocate, "streak")
    assert streak.params["week"] == week_of(weeks_ago(2, org), zone_of(org)).isoformat()
    assert (streak.points, streak.params["weeks"], streak.params["size"]) == (30, 3, 4)
    assert "four_week_streak" not in set(
        BadgeAward.objects.filter(membership=advocate).values_list("badge", flat=True)
    )
    share_again(sharer, item, weeks_ago(0, org))  # weeks 3, 2, 1, 0: four in a row
    points_award()
    assert len(entries(advocate, "streak")) == 1  # still inside the window of the last one
    badges = set(BadgeAward.objects.filter(membership=advocate).values_list("badge", flat=True))
    assert badges == {"first_share", "four_week_streak"}


def test_ten_shares_earn_the_badge_once(sharer: Actor, advocate: Membership, item, no_hold):
    for n in range(10):
        share_again(sharer, item, timezone.now() - timedelta(hours=n + 1))
        Share.objects.filter(membership=advocate).update(confirmed_at=timezone.now())
    points_award()
    points_award()
    awards = BadgeAward.objects.filter(membership=advocate, badge="ten_shares")
    assert awards.count() == 1
    tenth = max(entries(advocate, "share"), key=lambda e: e.occurred_at)  # the tenth in time
    assert awards.get().source_key == tenth.source_key


def test_a_contest_gives_its_badge_once(advocate: Membership):
    from ouendan.core.errors import DomainError

    assert badge_award(membership=advocate, badge_key="contest_winner", source_key="contest:1")
    assert (
        badge_award(membership=advocate, badge_key="contest_winner", source_key="contest:2") is None
    )
    with pytest.raises(DomainError):
        badge_award(membership=advocate, badge_key="no_such_badge", source_key="x")


# --- Running at once ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_award_everything_once(
    sharer: Actor, advocate: Membership, item: ContentItem, promo: ContentItem, no_hold
):
    if connection.vendor == "sqlite":
        pytest.skip("the test database is SQLite in memory, whose threads lock instead of wait")
    for share in (posted(sharer, item), posted(sharer, promo)):
        for minute in range(3):
            click(share, at=timezone.now() + timedelta(minutes=minute))
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait()
            points_award()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted((e.reason, e.points) for e in entries(advocate)) == [
        ("clicks", 6),
        ("clicks", 6),
        ("share", 10),
        ("share", 10),
    ]
