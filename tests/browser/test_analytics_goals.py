"""KPI goals, the ROI calculator and the earned-media rates in a real browser: the program sets a
goal and sees its progress (on its page and on the overview, loaded by htmx), changes a network's
rate and puts the default back, changes an ROI assumption on the ROI page; a phone shows the
goals and the ROI without scrolling sideways."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from ouendan.accounts.models import Membership, Organization
from ouendan.accounts.roles import Role
from ouendan.analytics.models import AnalyticsSettings, KpiGoal, NetworkRate
from tests.analytics.program import tokyo_today
from tests.analytics.test_goals import record
from tests.browser.conftest import person, screenshot
from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ja(text: str) -> str:
    with translation.override("ja"):
        return gettext(text)


@pytest.fixture
def pm(org: Organization) -> Membership:
    advocate = make_person(org, full_name="応援 太郎")
    record(org, day=tokyo_today(), person=advocate, shares=2, clicks=7, reach=120)
    return make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 花子")


def test_the_program_sets_a_goal_and_sees_its_progress(page: Page, pm: Membership):
    person(pm).sign_in(page)
    page.goto(reverse("analytics:goals"))
    expect(page.locator("h1")).to_have_text(ja("KPI goals"))
    page.get_by_role("link", name=ja("Set a goal")).first.click()
    page.locator("#id_name").fill("クリック 100")
    page.locator("#id_metric").select_option("clicks")
    page.locator("#id_kind_0").check()  # a figure to reach
    page.locator("#id_target").fill("100")
    expect(page.locator("#id_period_0")).to_be_checked()  # this quarter
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Set the goal")).click()
    card = page.locator(".goal-card")
    expect(card).to_have_count(1)
    expect(card.locator(".card-title")).to_have_text("クリック 100")
    expect(card.locator("svg.chart-progress")).to_be_visible()
    expect(card).to_contain_text("7")  # the clicks so far
    expect(card.locator(".badge")).to_have_text(
        (ja("On track"), ja("Behind"))[card.get_attribute("data-status") == "behind"]
    )
    goal = KpiGoal.objects.get()
    assert (goal.target, goal.baseline_computed) == (Decimal(100), True)
    screenshot(page, "analytics-goals")

    # The overview loads the goals panel by itself.
    page.goto(reverse("analytics:overview"))
    expect(page.locator("#goals-panel .goal-card .card-title")).to_have_text("クリック 100")
    assert page.url.endswith(reverse("analytics:overview"))  # the panel's request is not history

    # A bad change is explained and changes nothing.
    page.goto(reverse("analytics:goal_edit", args=[goal.pk]))
    page.locator("#id_target").fill("-5")
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Save changes")).click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#id_target_error")).to_be_visible()
    goal.refresh_from_db()
    assert goal.target == Decimal(100)


def test_the_program_changes_a_rate_and_puts_the_default_back(page: Page, pm: Membership):
    person(pm).sign_in(page)
    page.goto(reverse("analytics:settings"))
    row = page.locator("#rate-x")
    expect(row.locator(".badge")).to_have_text(ja("Default"))
    row.locator("#id_x_cpc").fill("85")
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Save the rates")).click()
    row = page.locator("#rate-x")
    expect(row.locator(".badge")).to_have_text(ja("Your rate"))
    expect(row.locator("#id_x_cpc")).to_have_value("85")
    screenshot(page, "analytics-settings")
    assert list(NetworkRate.objects.values_list("network", "cpc")) == [("x", Decimal(85))]
    with page.expect_navigation():
        row.get_by_role("button").click()  # use the default
    expect(page.locator("#rate-x .badge")).to_have_text(ja("Default"))
    expect(page.locator("#id_x_cpc")).to_have_value("60")
    assert not NetworkRate.objects.exists()


def test_the_roi_page_changes_an_assumption_in_place(page: Page, pm: Membership):
    person(pm).sign_in(page)
    page.goto(reverse("analytics:roi"))
    expect(page.locator("h1")).to_have_text(ja("Return on investment"))
    expect(page.locator("#roi-value")).to_have_text("–")  # no cost yet
    page.locator("#id_licence_cost").fill("100000")
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Save the assumptions")).click()
    assert AnalyticsSettings.objects.get().licence_cost == Decimal(100000)
    expect(page.locator("#roi-value")).not_to_have_text("–")
    expect(page.locator("#roi-assumptions-heading")).to_be_visible()
    screenshot(page, "analytics-roi")


def test_goals_and_roi_fit_a_phone(mobile_page: Page, pm: Membership):
    page = mobile_page
    KpiGoal.objects.create(
        organization=pm.organization, name="参加率 30 %", metric="participation_rate",
        kind=KpiGoal.Kind.ABSOLUTE, target=30, starts_on=tokyo_today().replace(day=1),
        ends_on=tokyo_today().replace(day=28), baseline=12, baseline_computed=True,
    )  # fmt: skip
    person(pm).sign_in(page)
    for name in ("analytics:goals", "analytics:roi", "analytics:settings"):
        page.goto(reverse(name))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name} scrolls sideways on a phone ({width}px)"
    page.goto(reverse("analytics:goals"))
    expect(page.locator(".goal-card svg.chart-progress")).to_be_visible()
    screenshot(page, "analytics-goals-phone")
