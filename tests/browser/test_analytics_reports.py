"""The quarterly report page in a browser: the program manager makes a PDF, downloads it, and
chooses who receives it every quarter; on a phone the page does not scroll sideways."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from ouendan.accounts.roles import Role
from ouendan.analytics.models import Report, ReportSchedule
from tests.analytics.test_reports import _fonts  # noqa: F401  (skips without the font, outside CI)
from tests.browser.conftest import MOBILE, person, screenshot
from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ja(text: str) -> str:
    with translation.override("ja"):
        return gettext(text)


def test_the_program_makes_downloads_and_schedules_the_report(
    mobile_page: Page, org: Any, settings: Any
):
    # The worker's job runs in the request here (the live server has no worker).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    pm = make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 花子")
    page = mobile_page
    person(pm).sign_in(page)
    page.goto("/analytics/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("Quarterly reports"))
    expect(
        page.get_by_text(ja("No report yet. Choose a quarter above and make the first one."))
    ).to_be_visible()

    with page.expect_navigation():
        page.get_by_role("button", name=ja("Make the PDF")).click()
    link = page.get_by_role("link", name=ja("Download PDF"))
    expect(link).to_be_visible()
    assert Report.objects.get().status == Report.Status.READY
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("ouendan-mirai-FY")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.get_by_label(ja("Recipients (one e-mail address per line)")).fill("not-an-address")
    page.get_by_label(
        ja("When a quarter ends, make its report for the whole organization and e-mail it")
    ).check()
    with page.expect_navigation():
        page.locator("form[action$='/schedule/']").get_by_role("button").click()
    expect(page.get_by_role("alert")).to_contain_text("not-an-address")
    assert not ReportSchedule.objects.exists()
    page.get_by_label(ja("Recipients (one e-mail address per line)")).fill("ceo@example.co.jp")
    page.get_by_label(
        ja("When a quarter ends, make its report for the whole organization and e-mail it")
    ).check()
    with page.expect_navigation():
        page.locator("form[action$='/schedule/']").get_by_role("button").click()
    assert ReportSchedule.objects.get().recipients == ["ceo@example.co.jp"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"] + 1, f"the page is {width}px wide on a phone"
    screenshot(page, "analytics-reports-phone")
