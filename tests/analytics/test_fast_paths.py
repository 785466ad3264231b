"""What keeps the figures fast at 10 million clicks (``benchmarks/analytics.py``), and exact.

The overview's figures are computed once per change of the rollups: a second look reads
none of them again, and any rebuild of one of the organization's days (a new click, a late
conversion) shows at once. What changes without a rebuild — enrolled advocates, EMV rates,
names, a manager's scope — is never served from before. Content and campaign rankings ordered by
a sum are ranked by the database, a page at a time: the same rows, in the same order, as ranking
them whole."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ouendan.accounts.roles import Role
from ouendan.analytics.metrics import Rate
from ouendan.analytics.models import DailyContent, DailyRollup, RollupState
from ouendan.analytics.naming import labels_for
from ouendan.analytics.selectors import ORDERS, filters_for, ranking, summary
from ouendan.analytics.selectors.goals import goal_progress_list
from ouendan.analytics.selectors.overview import overview
from ouendan.analytics.services.goals import GoalData, goal_create
from ouendan.analytics.services.rollups import (
    rollup_day_rebuild,
    rollups_build,
    rollups_rebuild,
)
from ouendan.analytics.services.settings import SettingsChanges, analytics_settings_update
from ouendan.analytics.tasks import rollups_build_task
from ouendan.tracking.services import clicks_aggregate
from tests.analytics.program import Program, direct_rollups, program, tokyo_today
from tests.analytics.test_dashboards import api, figures_of
from tests.conftest import signed_in
from tests.factories import actor, make_person
from tests.tracking.test_redirect import IPHONE, visit

__all__ = ["program"]

pytestmark = pytest.mark.django_db

ROLLUP_TABLES = ("analytics_dailyrollup", "analytics_dailytotal", "analytics_dailycontent")
SUMMED = ("shares", "clicks", "unique_clicks", "conversions", "conversion_value", "reactions")


def _overview(client, **query):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("analytics:overview"), query)
    assert page.status_code == 200, page.content[:300]
    read = [q["sql"] for q in queries if any(t in q["sql"] for t in ROLLUP_TABLES)]
    return figures_of(page.content.decode()).values, read, page.content.decode()


def test_a_second_look_reads_no_rollups_and_a_rebuild_shows_at_once(program: Program):
    client = signed_in(program.pm)
    before, read, _html = _overview(client)
    assert read  # computed the first time
    again, read_again, html = _overview(client)
    assert again == before and read_again == []
    assert "data-as-of=" in html
    version = RollupState.objects.get(organization=program.org).version

    visit(program.links["takahashi"], IPHONE, address="198.51.100.77")  # one more person
    clicks_aggregate()
    rollups_build()
    assert RollupState.objects.get(organization=program.org).version > version
    after, read, _html = _overview(client)
    assert read
    assert after["clicks"] == [before["clicks"][0] + 1]
    assert after["clicks"][0] == api(client, "summary").json()["clicks"]


def test_what_changes_without_a_rebuild_is_read_every_time(program: Program):
    client = signed_in(program.pm)
    before, _read, _html = _overview(client)
    make_person(program.org, roles=[Role.ADVOCATE], full_name="新人 三郎", department=program.dev)
    analytics_settings_update(
        actor=actor(program.pm),
        changes=SettingsChanges(rates={"x": Rate(Decimal(0), Decimal(1000), Decimal(0))}),
    )
    after, read, html = _overview(client)
    assert after["enrolled_advocates"] == [before["enrolled_advocates"][0] + 1]
    assert after["emv"] != before["emv"] and read  # other rates: computed again
    assert after["emv"][0] == api(client, "summary").json()["emv"]
    assert "開発部" in html


def test_each_scope_and_period_is_kept_apart(program: Program):
    pm, manager = signed_in(program.pm), signed_in(program.manager)
    whole, _read, _html = _overview(pm)
    mine, _read, _html = _overview(manager)
    assert mine["shares"] != whole["shares"]
    assert mine == figures_of(manager.get(reverse("analytics:overview")).content.decode()).values
    dev, _read, _html = _overview(pm, department=program.dev.pk)
    assert dev["shares"] == [api(pm, "summary", department=program.dev.pk).json()["shares"]]
    for key, values in _overview(pm)[0].items():
        assert values == whole[key]


def test_a_day_rebuilt_counts_one_change(program: Program):
    state = RollupState.objects.get(organization=program.org)
    rollup_day_rebuild(organization_id=program.org.pk, day=tokyo_today())
    later = RollupState.objects.get(organization=program.org)
    assert later.version == state.version + 1 and later.built_at >= state.built_at


def test_rollups_written_by_hand_are_never_kept(org, admin):
    direct_rollups(org, rows=3)
    client = signed_in(admin)
    _overview(client)
    _figures, read, _html = _overview(client)
    assert read  # no worker build: no version to keep anything under


@pytest.mark.parametrize("dimension", ["content", "campaign"])
@pytest.mark.parametrize("order", [o for o in ORDERS if o != "emv"])
def test_a_page_ranked_by_the_database_is_that_page_of_the_whole_ranking(
    org, admin, dimension, order
):
    for rows in (13, 8, 3, 3, 5, 2):  # ties; a campaign each, and items in none
        direct_rollups(org, rows=rows)
    who = actor(admin)
    filters = filters_for(actor=who)
    whole = ranking(actor=who, filters=filters, dimension=dimension, order=order, limit=None)
    assert whole.total > 5
    for offset in (0, 4, whole.total - 2, whole.total + 3):
        page = ranking(
            actor=who, filters=filters, dimension=dimension, order=order, limit=4, offset=offset
        )
        assert page.total == whole.total
        expected = whole.rows[offset : offset + 4]
        assert [(r.key, r.label) for r in page.rows] == [(r.key, r.label) for r in expected]
        assert [r.figures for r in page.rows] == [r.figures for r in expected]


def test_the_content_rollup_is_the_detailed_rows_summed(program: Program):
    def by_content() -> dict:
        found: dict = {}
        for row in DailyRollup.objects.filter(organization=program.org).values():
            key = (row["day"], row["content_id"], row["campaign_id"])
            sums = found.setdefault(key, dict.fromkeys(SUMMED, 0))
            for name in SUMMED:
                sums[name] += row[name]
        return found

    contents = {
        (row["day"], row["content_id"], row["campaign_id"]): {n: row[n] for n in SUMMED}
        for row in DailyContent.objects.filter(organization=program.org).values()
    }
    assert contents == by_content() and len(contents) == 2
    rollups_rebuild(organization=program.org)
    assert DailyContent.objects.filter(organization=program.org).count() == 2
    assert contents == by_content()


@pytest.mark.parametrize("who", ["pm", "manager"])
def test_the_overview_rows_are_the_rankings_rows(program: Program, who: str):
    before = tokyo_today() - dt.timedelta(days=40)  # in the period before the last 30 days
    direct_rollups(program.org, rows=3, department=program.sales_one, day=before)
    reader = program.actor(who)
    filters = filters_for(actor=reader)
    names = labels_for(reader)
    found = overview(actor=reader, filters=filters, grain="day", labels=names)
    for dimension, rows in (("department", found.departments), ("network", found.networks)):
        ranked = ranking(
            actor=reader, filters=filters, dimension=dimension, limit=None, labels=names
        ).rows
        if dimension == "department":  # those with advocates, best participation first
            ranked = sorted(
                (row for row in ranked if row.enrolled_advocates),
                key=lambda row: (-(row.participation_rate or 0), row.label),
            )
        assert [row.key for row in rows] == [row.key for row in ranked]
        expected = {row.key: row for row in ranked}
        for row in rows:
            want = expected[row.key]
            want.figures.potential_reach = 0  # the overview shows no reach per row
            assert (row.label, row.figures) == (want.label, want.figures)
            if dimension == "department":
                assert (row.active_advocates, row.enrolled_advocates) == (
                    want.active_advocates,
                    want.enrolled_advocates,
                )
    assert found.summary == summary(actor=reader, filters=filters)
    assert found.previous == summary(actor=reader, filters=filters.previous())
    assert found.previous.shares == 3 and found.previous.potential_reach == 100 + 101 + 102


def test_ranking_pages_are_slices_of_the_whole_and_past_the_end_go_to_the_last(org, admin):
    for rows in (13, 8, 3, 3, 5, 2):
        direct_rollups(org, rows=rows)
    client = signed_in(admin)
    whole = api(client, "rankings/content", page_size=200).json()
    assert whole["count"] == 34
    labels = [row["label"] for row in whole["items"]]
    with CaptureQueriesContext(connection) as queries:
        page = api(client, "rankings/content", page=2, page_size=10).json()
    assert [row["label"] for row in page["items"]] == labels[10:20]
    # Ranked by the database over the day × content rollup; only the page's items summed.
    read = [q["sql"] for q in queries if "analytics_daily" in q["sql"]]
    assert any("analytics_dailycontent" in sql and "LIMIT" in sql for sql in read), read
    detail = [sql for sql in read if "analytics_dailyrollup" in sql]
    assert detail and all('."content_id" IN (' in sql for sql in detail), detail
    past = api(client, "rankings/content", page=9, page_size=10).json()
    assert (past["count"], past["items"]) == (34, [])
    by_emv = api(client, "rankings/content", order="emv", page=2, page_size=10).json()
    assert by_emv["count"] == 34 and len(by_emv["items"]) == 10  # every row ranked in Python
    last = client.get(reverse("analytics:content"), {"page": 99}).content.decode()
    assert "2 / 2 ページ" in last and labels[-1] in last and labels[0] not in last


def test_goal_progress_is_kept_too_and_follows_people_who_join(program: Program):
    today = tokyo_today()
    for name, metric, target in (
        ("参加率 50%", "participation_rate", 50),
        ("応募 10件", "conversions", 10),
    ):
        goal_create(
            actor=actor(program.pm),
            data=GoalData(
                name=name,
                metric=metric,
                kind="absolute",
                target=Decimal(target),
                starts_on=today - dt.timedelta(days=10),
                ends_on=today + dt.timedelta(days=20),
            ),
        )
    client = signed_in(program.pm)
    _overview(client)
    _figures, read, html = _overview(client)
    assert read == [] and "参加率 50%" in html  # the goals' figures kept with the overview's

    def progress() -> dict[str, Decimal]:
        return {p.goal.name: p.current for p in goal_progress_list(actor=program.actor("pm"))}

    before = progress()
    assert before == {"参加率 50%": Decimal("75.00"), "応募 10件": Decimal(1)}  # 3 of 4 shared
    make_person(program.org, roles=[Role.ADVOCATE], full_name="新人 四郎", department=program.dev)
    assert progress() == {"参加率 50%": Decimal("60.00"), "応募 10件": Decimal(1)}  # 3 of 5


def test_the_worker_prepares_the_overview_after_a_rebuild(program: Program):
    goal_create(
        actor=actor(program.pm),
        data=GoalData(
            name="参加率 50%",
            metric="participation_rate",
            kind="absolute",
            target=Decimal(50),
            starts_on=tokyo_today() - dt.timedelta(days=3),
            ends_on=tokyo_today() + dt.timedelta(days=3),
        ),
    )
    visit(program.links["sato"], IPHONE, address="198.51.100.88")
    clicks_aggregate()
    rollups_build_task.call()
    client = signed_in(program.pm)
    figures, read, html = _overview(client)  # the first look after the change
    assert read == [] and "参加率 50%" in html
    assert figures["clicks"] == [api(client, "summary").json()["clicks"]]
    _figures, read, _html = _overview(signed_in(program.manager))
    assert read  # a manager's scope is not the organization's: computed on demand
