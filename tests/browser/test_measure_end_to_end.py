"""Measure and report, end to end (issue 7's "done when"): an employee shares, a visitor's
browser clicks the tracked link, the company's careers site reports an application through
``/t.js``, and the application appears credited to the employee in the summary API, on the
advocates dashboard and in the quarterly report's PDF."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ouendan.accounts.roles import Role
from ouendan.analytics.models import Report
from ouendan.analytics.selectors.reports import quarter_for
from ouendan.analytics.services.reports import report_make, report_request
from ouendan.analytics.services.rollups import rollups_build
from ouendan.governance.services.policy import policy_acknowledge, policy_publish
from ouendan.networks import Network
from ouendan.sharing.services.shares import share_create
from ouendan.tracking.models import Conversion, TrackedLink
from ouendan.tracking.services import Sharer, clicks_aggregate
from tests.analytics.test_reports import pdf_all_text
from tests.api_client import Api, token_for
from tests.browser.conftest import allow_site, person, screenshot
from tests.browser.test_conversions import CareersSite, _wait_for, ja, visitor
from tests.factories import actor, make_person
from tests.sharing.conftest import live

__all__ = ["visitor"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_application_reaches_the_summary_the_dashboard_and_the_pdf(
    visitor: Page, page: Page, live_server: Any, settings: Any, org: Any, admin: Any
):
    settings.LINK_BASE_URL = live_server.url
    advocate = make_person(org, roles=[Role.ADVOCATE], full_name="応援 一郎")
    manager = make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 花子")
    with CareersSite(live_server.url) as careers:
        # The program publishes a job fair; the advocate shares it on X.
        curator = actor(make_person(org, roles=[Role.CURATOR]))
        reviewer = actor(make_person(org, roles=[Role.REVIEWER]))
        item = live(curator, reviewer, "新卒採用説明会", url=careers.url("/jobs/setsumeikai"))
        policy_publish(actor=actor(admin), title="ガイドライン", body="誠実に。")
        policy_acknowledge(actor=actor(advocate))
        shared = share_create(
            actor=actor(advocate),
            content_id=item.pk,
            network=Network.X,
            sharer=Sharer(address="203.0.113.7", user_agent="Mozilla/5.0 (iPhone)"),
        )
        link = TrackedLink.objects.get(share=shared.share)

        # A student taps the link, lands on the careers site and applies.
        allow_site(visitor, careers.url(""))
        visitor.goto(f"{live_server.url}/r/{link.code}")
        expect(visitor.get_by_role("heading", level=1)).to_contain_text("採用情報")
        visitor.get_by_role("link", name="応募する").click()
        expect(visitor.locator("#done")).to_be_visible()
        _wait_for(visitor, Conversion.objects.exists)

    # The worker's jobs: clicks counted, then the rollups.
    clicks_aggregate()
    rollups_build()

    # The summary API.
    summary = Api(token_for(manager)).get("/analytics/summary").json()
    assert (summary["shares"], summary["clicks"], summary["conversions"]) == (1, 1, 1)
    assert summary["active_advocates"] == 1

    # The advocates dashboard, in the program manager's browser.
    person(manager).sign_in(page)
    page.goto("/analytics/advocates/?order=conversions")
    row = page.locator("table.analytics-table tbody tr").first
    expect(row.locator("th")).to_have_text("応援 一郎")
    conversions_column = page.locator("table.analytics-table thead th").filter(
        has_text=ja("Conversions")
    )
    expect(conversions_column).to_have_count(1)
    index = page.locator("table.analytics-table thead th").evaluate_all(
        "(cells, name) => cells.findIndex(c => c.textContent.trim().startsWith(name))",
        ja("Conversions"),
    )
    expect(row.locator("th, td").nth(index)).to_have_text("1")
    screenshot(page, "analytics-advocates-conversion")

    # The quarterly report's PDF names the advocate with the application.
    report = report_request(actor=actor(manager), quarter=quarter_for(org), language="ja")
    report = report_make(report_id=report.pk)
    assert report.status == Report.Status.READY, report.error
    text = pdf_all_text(bytes(report.pdf))
    assert "応援 一郎" in text
    assert "応募" in text  # the conversion type, among the results credited to advocates
