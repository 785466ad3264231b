"""Rollups: built from raw events a day at a time, the same however often and in whatever order
the events arrive, and the figures read from them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from ouendan.accounts.models import Department, Membership
from ouendan.accounts.permissions import Actor
from ouendan.accounts.roles import Role
from ouendan.analytics.models import DailyRollup, DailyTotal, DirtyDay
from ouendan.analytics.selectors import filters_for, summary
from ouendan.analytics.services.rollups import (
    rollup_day_rebuild,
    rollups_build,
    rollups_mark_recent,
    rollups_rebuild,
)
from ouendan.core.errors import DomainError
from ouendan.sharing.models import ShareMetrics
from ouendan.sharing.services.shares import ShareResult
from ouendan.tracking.models import Click, TrackedLink
from ouendan.tracking.services import clicks_aggregate
from tests.factories import actor, make_person
from tests.tracking.conftest import SHARER_ADDRESS, SHARER_AGENT
from tests.tracking.test_bots import CRAWLERS
from tests.tracking.test_redirect import ANDROID, IPHONE, MAC, visit

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def rows() -> list[tuple]:
    return sorted(
        DailyRollup.objects.values_list(
            "day",
            "content_id",
            "membership_id",
            "network",
            "shares",
            "clicks",
            "unique_clicks",
            "conversions",
            "reactions",
        )
    )


def today() -> dt.date:
    return timezone.now().astimezone(TOKYO).date()


@pytest.fixture
def pm(org) -> Actor:
    return actor(make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 花子"))


def click_through(link: TrackedLink) -> None:
    """Three browsers (one twice), a crawler and the sharer: 4 human clicks, 3 unique."""
    for index, agent in enumerate((IPHONE, ANDROID, MAC)):
        visit(link, agent, address=f"198.51.100.{index + 10}")
    visit(link, IPHONE, address="198.51.100.10")
    visit(link, CRAWLERS["Google"])
    visit(link, SHARER_AGENT, address=SHARER_ADDRESS)


def test_a_share_and_its_clicks_make_one_row_once(link: TrackedLink, shared: ShareResult, pm):
    click_through(link)
    rollups_build()  # clicks not folded by tracking yet: not counted
    assert DailyRollup.objects.filter(clicks__gt=0).count() == 0
    clicks_aggregate()
    rollups_build()
    share = shared.share
    expected = [(today(), share.content_id, share.membership_id, "x", 1, 4, 3, 0, 0)]
    assert rows() == expected
    rollups_build()  # again: nothing changes
    clicks_aggregate()
    rollups_build()
    assert rows() == expected
    total = DailyTotal.objects.get()
    assert (total.shares, total.clicks, total.unique_clicks) == (1, 4, 3)
    figures = summary(actor=pm, filters=filters_for(actor=pm))
    assert (figures.shares, figures.clicks, figures.unique_clicks) == (1, 4, 3)
    assert (figures.active_advocates, figures.enrolled_advocates) == (1, 1)
    assert figures.participation_rate == 1.0
    assert figures.ctr == 4.0


def test_a_late_click_rebuilds_its_own_day(link: TrackedLink, shared: ShareResult):
    visit(link, IPHONE)
    clicks_aggregate()
    rollups_build()
    yesterday = timezone.now() - dt.timedelta(days=1)
    Click.objects.create(
        organization_id=link.organization_id,
        link=link,
        click_id="late-one",
        at=yesterday,
        day=yesterday.date(),
        visitor_hash="v" * 32,
        device="mobile",
    )
    clicks_aggregate()
    assert rollups_build() >= 1  # yesterday (and today, re-read behind the cursor)
    by_day = {r[0]: r[5] for r in rows()}
    assert by_day == {yesterday.astimezone(TOKYO).date(): 1, today(): 1}


def test_days_are_the_organizations_days(link: TrackedLink):
    """23:30 and 00:30 in Tokyo are two days, whatever UTC says."""
    evening = dt.datetime(2026, 11, 30, 23, 30, tzinfo=TOKYO)
    for n, at in enumerate((evening, evening + dt.timedelta(hours=1))):
        Click.objects.create(
            organization_id=link.organization_id,
            link=link,
            click_id=f"c{n}",
            at=at,
            day=at.astimezone(dt.UTC).date(),
            visitor_hash=f"{n}" * 32,
            device="desktop",
        )
    clicks_aggregate()
    rollups_build()
    days = {r[0]: r[5] for r in rows() if r[5]}
    assert days == {dt.date(2026, 11, 30): 1, dt.date(2026, 12, 1): 1}


def test_rebuilding_from_scratch_gives_the_same_rows(link: TrackedLink, shared: ShareResult):
    click_through(link)
    clicks_aggregate()
    ShareMetrics.objects.create(
        organization_id=link.organization_id,
        share=shared.share,
        likes=5,
        reposts=2,
        replies=1,
        source=ShareMetrics.Source.MANUAL,
    )
    rollups_build()
    incremental = rows()
    assert incremental[0][-1] == 8  # reactions
    DailyRollup.objects.all().delete()
    assert rollups_rebuild() >= 1
    assert rows() == incremental


def test_a_rebuild_is_the_same_however_often_it_runs(link: TrackedLink, shared: ShareResult):
    click_through(link)
    clicks_aggregate()
    rollups_build()
    first = rows()
    rollups_mark_recent()
    assert DirtyDay.objects.count() == 3
    rollups_build()
    rollup_day_rebuild(organization_id=link.organization_id, day=today())
    assert rows() == first
    assert DirtyDay.objects.count() == 0


def test_reach_counts_each_advocate_once_per_network(org, pm, item, sharer):
    from ouendan.sharing.models import Share

    Share.objects.create(
        organization=org,
        content=item,
        membership=sharer.membership,
        network="x",
        text="a",
        reach=300,
    )
    Share.objects.create(
        organization=org,
        content=item,
        membership=sharer.membership,
        network="x",
        text="b",
        reach=350,
    )
    Share.objects.create(
        organization=org,
        content=item,
        membership=sharer.membership,
        network="linkedin",
        text="c",
        reach=1000,
    )
    rollups_build()
    figures = summary(actor=pm, filters=filters_for(actor=pm))
    assert figures.shares == 3
    assert figures.potential_reach == 350 + 1000


def test_managers_see_their_departments_only(org, link: TrackedLink, shared: ShareResult):
    sales = Department.objects.create(organization=org, name="営業部")
    tokyo = Department.objects.create(organization=org, name="東京営業課", parent=sales)
    other = Department.objects.create(organization=org, name="開発部")
    Membership.objects.filter(pk=shared.share.membership_id).update(department=tokyo)
    click_through(link)
    clicks_aggregate()
    rollups_build()
    boss = actor(make_person(org, roles=[Role.MANAGER], department=sales))
    outsider = actor(make_person(org, roles=[Role.MANAGER], department=other))
    assert summary(actor=boss, filters=filters_for(actor=boss)).clicks == 4
    assert summary(actor=outsider, filters=filters_for(actor=outsider)).clicks == 0
    with pytest.raises(DomainError) as error:
        filters_for(actor=outsider, department_id=sales.pk)
    assert error.value.code == "invalid_filters"
    executive = actor(make_person(org, roles=[Role.EXECUTIVE_VIEWER]))
    assert summary(actor=executive, filters=filters_for(actor=executive)).clicks == 4


def test_advocates_may_not_read_program_figures(sharer):
    with pytest.raises(Exception, match=r"analytics\.view"):
        filters_for(actor=sharer)


def test_a_bad_period_is_refused_clearly(pm):
    with pytest.raises(DomainError) as error:
        filters_for(actor=pm, start=dt.date(2026, 12, 2), end=dt.date(2026, 12, 1))
    assert error.value.code == "invalid_filters"
    assert "from" in error.value.fields
    with pytest.raises(DomainError) as error:
        filters_for(actor=pm, start=dt.date(2020, 1, 1), end=dt.date(2026, 12, 1))
    assert "to" in error.value.fields
    with pytest.raises(DomainError):
        filters_for(actor=pm, network="myspace")


def test_a_rebuild_leaves_nothing_for_the_worker(link: TrackedLink, shared: ShareResult):
    click_through(link)
    clicks_aggregate()
    assert rollups_rebuild() >= 1
    assert DirtyDay.objects.count() == 0
    # The cursors are past what the rebuild read; only today may be marked again (writes of the
    # last minutes are re-read in case a transaction committed late).
    assert rollups_build() <= 1


def test_a_click_committed_behind_the_cursor_is_still_counted(link: TrackedLink):
    visit(link, IPHONE)
    Click.objects.update(id=5000)
    clicks_aggregate()
    rollups_build()
    first = Click.objects.get()
    # Another ingest's click, with a lower id than the cursor, committed only now.
    last_week = first.at - dt.timedelta(days=7)
    Click.objects.create(
        id=4999,
        organization_id=link.organization_id,
        link=link,
        click_id="late-ingest",
        at=last_week,
        day=last_week.date(),
        visitor_hash="w" * 32,
        device="mobile",
    )
    clicks_aggregate()
    rollups_build()
    assert last_week.astimezone(TOKYO).date() in {r[0] for r in rows() if r[5]}
