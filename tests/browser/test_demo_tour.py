"""The demo company as a newcomer meets it: demo sign-ins without a second factor, a directory of
about 1,500 people that searches and filters, and the screenshots the README shows."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from ouendan.accounts.models import Department, Membership
from ouendan.accounts.selectors import PeopleFilter, people_list
from ouendan.demo.data.organization import DEMO_PASSWORD
from ouendan.demo.services import demo_seed
from tests.browser.conftest import screenshot, sign_in
from tests.factories import actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db: None) -> None:
    demo_seed()


def test_the_demo_admin_signs_in_and_tours_the_directory(page: Page, demo: None):
    sign_in(page, "admin@demo.example", DEMO_PASSWORD)  # demo accounts skip the second factor
    expect(page).to_have_url("/")
    expect(page.locator(".brand-name")).to_have_text("株式会社みらい製作所")
    active = Membership.objects.filter(organization__slug="demo", status="active").count()
    expect(page.locator("main .stat").first).to_have_text(f"{active:,}")
    screenshot(page, "home")

    page.locator("#sidenav").locator(f"a[href='{reverse('accounts:people')}']").click()
    expect(page.locator("#people-count [data-total]")).to_have_attribute("data-total", str(active))
    sales = Department.objects.get(organization__slug="demo", name="営業", parent=None)
    admin = Membership.objects.get(organization__slug="demo", user__email="admin@demo.example")
    in_sales = people_list(actor=actor(admin), filters=PeopleFilter(department_id=sales.pk)).count()
    assert 0 < in_sales < active
    page.wait_for_load_state("load")  # htmx listening (a change made before it is lost)
    page.locator("select[name='department']").select_option(value=str(sales.pk))  # htmx reloads
    expect(page.locator("#people-count [data-total]")).to_have_attribute(
        "data-total", str(in_sales)
    )
    # A still picture for the README: no focus ring, no swap in flight.
    page.wait_for_load_state("networkidle")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    screenshot(page, "people")


def test_the_demo_curator_tours_the_content_library(page: Page, demo: None):
    sign_in(page, "curator@demo.example", DEMO_PASSWORD)
    page.locator("#sidenav").locator(f"a[href='{reverse('content:library')}']").click()
    expect(page.locator(".content-row")).to_have_count(30)  # the first page of 66
    page.locator("#id_q").fill("採用")
    expect(page.locator(".content-row").first).to_contain_text("採用")
    page.locator("#id_q").fill("")
    expect(page.locator(".content-row")).to_have_count(30)
    page.wait_for_load_state("networkidle")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    screenshot(page, "library")
    page.locator(".content-title").first.click()
    expect(
        page.locator("section[aria-labelledby='texts-heading'] .variant-card").first
    ).to_be_visible()
