"""The analytics dashboards in a real browser: the overview on a phone (charts drawn, nothing
wider than the screen), the period and the department switched with htmx (the part replaced,
the address shareable), a ranking sorted, and a CSV downloaded."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from tests.analytics.program import Program, program, tokyo_today
from tests.browser.conftest import person, screenshot
from tests.content.conftest import curator, curator_actor, reviewer, reviewer_actor

__all__ = ["curator", "curator_actor", "program", "reviewer", "reviewer_actor"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ja(text: str) -> str:
    with translation.override("ja"):
        return gettext(text)


WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 391)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
  .slice(0, 8)"""


def wide(page: Page) -> list[str]:
    """The elements reaching past a phone's width (to say what overflows)."""
    return page.evaluate(WIDE)


def test_the_overview_on_a_phone(mobile_page: Page, program: Program):
    page = mobile_page
    person(program.pm).sign_in(page)
    page.goto(reverse("analytics:overview"))
    expect(page.locator("h1")).to_have_text(ja("Program overview"))
    clicks = page.locator(".kpi[data-metric='clicks']")
    expect(clicks.locator(".kpi-value")).to_have_text("9")
    expect(clicks.locator(".kpi-definition")).to_be_visible()
    for chart in page.locator("svg.chart").all():
        expect(chart).to_be_visible()
        assert chart.bounding_box()["width"] > 200  # drawn at the phone's width, not squeezed
    assert page.locator("svg.chart").count() >= 3  # trend, participation, networks
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the overview scrolls sideways on a phone ({width}px): {wide(page)}"
    screenshot(page, "analytics-overview-phone")
    page.goto(reverse("analytics:content"))
    expect(page.locator("table.analytics-table tbody tr")).to_have_count(2)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the content ranking scrolls sideways on a phone ({width}px)"


def test_switching_the_period_and_the_department_with_htmx(page: Page, program: Program):
    person(program.pm).sign_in(page)
    page.goto(reverse("analytics:advocates"))
    rows = page.locator("table.analytics-table tbody tr")
    expect(rows).to_have_count(3)  # 佐藤, たかちゃん, and the people who chose not to appear
    page.wait_for_load_state("load")  # htmx (deferred) is listening
    # Nothing reloads the page: a property set now survives every swap below.
    page.evaluate("window.analyticsMarker = 'still here'")

    page.get_by_role("link", name=ja("Last 7 days"), exact=True).click()
    today = tokyo_today()
    expect(page).to_have_url(re.compile(rf"to={today.isoformat()}"))
    expect(page.get_by_role("link", name=ja("Last 7 days"), exact=True)).to_have_attribute(
        "aria-current", "true"
    )

    page.locator("#analytics-department").select_option(str(program.dev.pk))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("たかちゃん")
    expect(page).to_have_url(re.compile(rf"department={program.dev.pk}"))
    # The tabs keep the filters: another page opens with the same period and department.
    tab = page.locator("#analytics-tabs a", has_text=ja("Content"))
    expect(tab).to_have_attribute("href", re.compile(rf"department={program.dev.pk}"))

    page.get_by_role("link", name=re.compile(ja("Shares"))).first.click()
    expect(page).to_have_url(re.compile(r"order=shares"))
    expect(page.locator("th[aria-sort='descending']")).to_contain_text(ja("Shares"))
    assert page.evaluate("window.analyticsMarker") == "still here"

    # The address is shareable: opened afresh, it shows the same.
    page.goto(page.url)
    expect(rows).to_have_count(1)
    expect(page.locator("#analytics-department")).to_have_value(str(program.dev.pk))
    screenshot(page, "analytics-advocates")


def test_downloading_a_csv(page: Page, program: Program, tmp_path: Path):
    person(program.pm).sign_in(page)
    page.goto(reverse("analytics:content"))
    with page.expect_download() as download:
        page.get_by_role("link", name=ja("CSV"), exact=True).click()
    got = download.value
    assert re.fullmatch(
        r"ouendan-content-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv", got.suggested_filename
    )
    target = tmp_path / got.suggested_filename
    got.save_as(target)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    titles = {row[1] for row in rows[1:]}
    assert titles == {"新卒採用説明会", "ミライアーム発売"}
