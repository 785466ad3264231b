"""The ROI calculator: monthly costs prorated by days, earned media value from the rates,
conversions valued by type (or at their reported values) in the organization's time zone, a
manager's share of the cost, every assumption in the result; the API and the page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from ouendan.accounts.models import AuditEvent, Membership, Organization
from ouendan.accounts.roles import Role
from ouendan.analytics.metrics import Rate
from ouendan.analytics.models import AnalyticsSettings
from ouendan.analytics.selectors import filters_for
from ouendan.analytics.selectors.roi import months_between, roi_for
from ouendan.analytics.services.settings import SettingsChanges, analytics_settings_update
from ouendan.content.models import ContentItem
from ouendan.sharing.models import Share
from ouendan.tracking.models import Click, Conversion, ConversionType, TrackedLink
from tests.analytics.test_goals import record
from tests.api_client import Api, assert_error, token_for
from tests.conftest import signed_in
from tests.factories import DepartmentFactory, actor, make_person

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
Q_START, Q_END = dt.date(2026, 4, 1), dt.date(2026, 6, 30)


@pytest.fixture
def pm(org: Organization) -> Membership:
    return make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 花子")


def convert(
    org: Organization, person: Membership, key: str, at: dt.datetime, value: int = 0
) -> Conversion:
    """A conversion credited to the person's share (rows as tracking writes them)."""
    kind, _ = ConversionType.objects.get_or_create(organization=org, key=key)
    n = Conversion.objects.count()
    item = ContentItem.objects.create(
        organization=org, title=f"求人 {n}", slug=f"roi-{n}", status=ContentItem.Status.PUBLISHED
    )
    share = Share.objects.create(
        organization=org, content=item, membership=person, network="x", text="ぜひ"
    )
    link = TrackedLink.objects.create(
        organization=org, share=share, content=item, membership=person, network="x",
        code=f"roi{n:05d}", destination="https://example.co.jp/jobs",
    )  # fmt: skip
    click = Click.objects.create(
        organization=org, link=link, click_id=f"roi-click-{n}", at=at, day=at.date(),
        visitor_hash=f"{n:032d}", device="mobile",
    )  # fmt: skip
    return Conversion.objects.create(
        organization=org, type=kind, click=click, link=link, content=item, membership=person,
        network="x", value=Decimal(value), idempotency_key=f"roi-{n}", occurred_at=at,
        source=Conversion.Source.API,
    )  # fmt: skip


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TOKYO)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30), "3"),
        (dt.date(2026, 4, 16), dt.date(2026, 4, 30), "0.5"),
        (dt.date(2026, 2, 1), dt.date(2026, 2, 14), "0.5"),
        (dt.date(2026, 1, 17), dt.date(2026, 2, 14), "1"),  # 15/31 + 14/28
        (dt.date(2025, 4, 1), dt.date(2026, 3, 31), "12"),
    ],
)
def test_costs_are_prorated_by_calendar_days(start, end, months):
    found = months_between(start, end)
    assert abs(found - Decimal(months)) < Decimal("0.02"), found


def _assumptions(who) -> None:
    analytics_settings_update(
        actor=who,
        changes=SettingsChanges(
            licence_cost=Decimal(100_000),
            staff_hours=Decimal(20),
            hourly_cost=Decimal(5000),
            rewards_cost=Decimal(30_000),
            conversion_values={"application": Decimal(200_000)},
            rates={"x": Rate(Decimal(1000), Decimal(100), Decimal(1))},
        ),
    )


def test_the_roi_sets_the_prorated_cost_against_emv_and_valued_conversions(org, pm):
    who = actor(pm)
    _assumptions(who)
    person = make_person(org)
    record(org, day=dt.date(2026, 5, 10), person=person, shares=3, clicks=40, reactions=10,
           impressions=5000)  # fmt: skip
    for hour in (9, 10, 11):
        convert(org, person, "application", at(dt.date(2026, 5, 12), hour), value=1)
    convert(org, person, "purchase", at(dt.date(2026, 5, 12), 12), value=12_000)
    convert(org, person, "purchase", at(dt.date(2026, 6, 30), 23), value=8_000)  # JST: in
    convert(org, person, "purchase", at(dt.date(2026, 7, 1), 0), value=99_999)  # JST: out
    convert(org, person, "lead", at(dt.date(2026, 3, 31), 23), value=5)  # before
    roi = roi_for(actor=who, filters=filters_for(actor=who, start=Q_START, end=Q_END))
    assert roi.months == Decimal(3)
    assert (roi.licence_cost, roi.staff_cost, roi.rewards_cost) == (
        Decimal(300_000), Decimal(300_000), Decimal(90_000)
    )  # fmt: skip
    assert roi.cost == Decimal(690_000)
    # EMV: 5000 / 1000 × 1000 + 100 × (40 + 1 × 10)
    assert roi.emv == Decimal(10_000)
    by_type = {c.key: c for c in roi.conversions}
    assert set(by_type) == {"application", "purchase"}
    assert (by_type["application"].count, by_type["application"].value) == (3, Decimal(600_000))
    assert by_type["application"].basis == "assumed"
    assert (by_type["purchase"].count, by_type["purchase"].value) == (2, Decimal(20_000))
    assert by_type["purchase"].basis == "reported"
    assert roi.value == Decimal(630_000)
    assert roi.roi == Decimal("-0.0870")  # (630,000 − 690,000) ÷ 690,000
    assert roi.whole_program and roi.cost_share == 1
    with translation.override("ja"):
        assert roi.text["cost"] == "￥690,000"
    with translation.override("en"):
        assert roi.text["cost"] == "¥690,000"
    assert roi.rates[0].network == "x" and not roi.rates[0].is_default


def test_without_costs_there_is_no_roi(org, pm):
    who = actor(pm)
    roi = roi_for(actor=who, filters=filters_for(actor=who, start=Q_START, end=Q_END))
    assert roi.cost == 0 and roi.roi is None and not roi.costs_set
    assert roi.currency == "JPY"


def test_a_managers_departments_bear_their_share_of_the_cost(org, pm):
    who = actor(pm)
    _assumptions(who)
    sales = DepartmentFactory(organization=org, name="営業本部")
    dev = DepartmentFactory(organization=org, name="開発部")
    mine = make_person(org, department=sales)
    make_person(org, department=dev)
    make_person(org, department=dev)
    make_person(org, department=dev)
    record(org, day=dt.date(2026, 5, 10), person=mine, shares=1, clicks=10)
    convert(org, mine, "application", at(dt.date(2026, 5, 12), 9))
    other = make_person(org, department=dev)
    convert(org, other, "application", at(dt.date(2026, 5, 12), 9))
    manager = actor(make_person(org, roles=[Role.MANAGER], department=sales))
    roi = roi_for(actor=manager, filters=filters_for(actor=manager, start=Q_START, end=Q_END))
    assert (roi.enrolled_in_scope, roi.enrolled_total) == (1, 5)
    assert roi.cost_share == Decimal("0.2")
    assert roi.cost == Decimal(690_000) / 5
    assert [(c.key, c.count) for c in roi.conversions] == [("application", 1)]
    assert not roi.whole_program


# --- The API -------------------------------------------------------------------------------------


def test_the_roi_api(org, pm):
    _assumptions(actor(pm))
    person = make_person(org)
    record(org, day=dt.date(2026, 5, 10), person=person, shares=3, clicks=40, reactions=10)
    convert(org, person, "application", at(dt.date(2026, 5, 12), 9))
    response = Api(token_for(pm)).get(
        "/analytics/roi", **{"from": "2026-04-01", "to": "2026-06-30"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["from"], body["to"], body["currency"]) == ("2026-04-01", "2026-06-30", "JPY")
    assert body["cost"] == {"licences": 300000, "staff": 300000, "rewards": 90000, "total": 690000}
    assert body["value"] == {"emv": 5000, "conversions": 200000, "total": 205000}
    assert body["net"] == -485000
    assert body["roi"] == pytest.approx(-0.7029, abs=1e-4)
    assert body["conversions"] == [
        {"type": "application", "label": "Application", "count": 1, "value_each": 200000,
         "reported_value": 0, "value": 200000, "basis": "assumed"},
    ]  # fmt: skip
    assumptions = body["assumptions"]
    assert assumptions["months"] == 3 and assumptions["cost_share"] == 1
    assert assumptions["rates"]["x"] == {
        "cpm": 1000, "cpc": 100, "reaction_weight": 1, "is_default": False
    }  # fmt: skip
    assert assumptions["rates"]["linkedin"]["is_default"] is True
    assert body["figures"]["clicks"] == 40


def test_the_roi_api_refuses_a_bad_period_and_readers_only(org, pm, advocate, other_admin):
    api = Api(token_for(pm))
    error = assert_error(
        api.get("/analytics/roi", **{"from": "2026-06-30", "to": "2026-04-01"}),
        400,
        "invalid_filters",
    )
    assert "from" in error["fields"]
    assert_error(api.get("/analytics/roi", **{"from": "yesterday"}), 400, "invalid_filters")
    for role in (Role.MANAGER, Role.EXECUTIVE_VIEWER):
        assert (
            Api(token_for(make_person(org, roles=[role]))).get("/analytics/roi").status_code == 200
        )
    assert_error(Api(token_for(advocate)).get("/analytics/roi"), 403, "permission_denied")
    foreign = DepartmentFactory(organization=org, name="秘密部")
    assert_error(
        Api(token_for(other_admin)).get("/analytics/roi", department=foreign.pk),
        400,
        "invalid_filters",
    )


# --- The page ------------------------------------------------------------------------------------


def test_the_roi_page_shows_the_result_and_its_assumptions(org, pm):
    _assumptions(actor(pm))
    client = signed_in(pm)
    page = client.get(reverse("analytics:roi"), {"start": "2026-04-01", "end": "2026-06-30"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "￥690,000" in html  # the cost
    assert 'id="roi-assumptions-heading"' in html
    assert 'id="roi-form"' in html  # the program changes the assumptions here
    saved = client.post(
        reverse("analytics:roi") + "?start=2026-04-01&end=2026-06-30",
        {"licence_cost": "50000", "staff_hours": "20", "hourly_cost": "5000",
         "rewards_cost": "30000", "value_application": "200000"},
    )  # fmt: skip
    assert saved.status_code == 302
    assert saved["Location"] == "/analytics/roi/?start=2026-04-01&end=2026-06-30"
    assert AnalyticsSettings.objects.get(organization=org).licence_cost == 50000
    refused = client.post(
        reverse("analytics:roi"),
        {"licence_cost": "-5", "staff_hours": "20", "hourly_cost": "5000", "rewards_cost": "0"},
    )
    assert refused.status_code == 400
    assert AnalyticsSettings.objects.get(organization=org).licence_cost == 50000
    assert AuditEvent.objects.filter(action="analytics.settings_updated").count() == 2


def test_readers_see_the_roi_without_the_form(org, advocate):
    for role in (Role.MANAGER, Role.EXECUTIVE_VIEWER):
        client = signed_in(make_person(org, roles=[role]), language="en")
        page = client.get(reverse("analytics:roi"))
        assert page.status_code == 200
        assert 'id="roi-form"' not in page.content.decode()
        assert "Assumptions" in page.content.decode()
        assert client.post(reverse("analytics:roi"), {"licence_cost": "1"}).status_code == 403
    assert signed_in(advocate).get(reverse("analytics:roi")).status_code == 403


def test_a_bad_period_on_the_page_says_so_and_shows_this_quarter(org, pm):
    page = signed_in(pm, language="en").get(
        reverse("analytics:roi"), {"start": "2026-06-30", "end": "2026-04-01"}
    )
    assert page.status_code == 200
    assert "The first day must not be after the last day." in page.content.decode()
